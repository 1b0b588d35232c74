// Puts the widget's stylesheet into a shadow root without inline styles.
//
// A constructable stylesheet (adoptedStyleSheets) is not subject to a page's
// style-src, so a host page needs no 'unsafe-inline' and no nonce. Browsers
// without it (Safari before 16.4) get a <style> element, which a strict
// style-src only allows with the page's nonce.

import css from "./styles.css";

let shared;

/** Adds the stylesheet to `root`; `nonce` is used only for the <style> fallback. */
export function adoptStyles(root, nonce) {
  if ("adoptedStyleSheets" in ShadowRoot.prototype && "replaceSync" in CSSStyleSheet.prototype) {
    if (!shared) {
      shared = new CSSStyleSheet();
      shared.replaceSync(css);
    }
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, shared];
    return;
  }
  const style = document.createElement("style");
  if (nonce) {
    style.nonce = nonce;
  }
  style.textContent = css;
  root.prepend(style);
}
