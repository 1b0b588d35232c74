// Message catalogues and the choice of language.
//
// To add a language, add src/locales/<code>.js with the same keys as nl.js
// (the unit tests compare them), set its `dir` ("rtl" for Arabic, Hebrew,
// ...) and register it below. The server must know the language too, or
// its messages come back in its default language.

import en from "./locales/en.js";
import nl from "./locales/nl.js";

export const CATALOGUES = { nl, en };
export const DEFAULT_LANGUAGE = "nl";

/**
 * Returns the language code with a catalogue for a BCP 47 tag: the full tag
 * ("pt-br") if there is one, then its primary subtag ("en-GB" gives "en"),
 * and the default language for anything else, including an empty tag.
 */
export function supportedLanguage(tag) {
  const lower = (tag || "").toLowerCase();
  if (Object.hasOwn(CATALOGUES, lower)) {
    return lower;
  }
  const primary = lower.split("-")[0];
  return Object.hasOwn(CATALOGUES, primary) ? primary : DEFAULT_LANGUAGE;
}

/**
 * Returns the `lang` that applies to a node: its own or its nearest
 * ancestor's, crossing shadow roots to their hosts, or "" when none is set.
 */
export function inheritedLanguage(node) {
  let current = node;
  while (current) {
    if (current.nodeType === 1 && current.hasAttribute("lang")) {
      return current.getAttribute("lang");
    }
    current = current.parentNode || current.host;
  }
  return "";
}

/** Replaces each `{name}` in a message with `params.name`. */
export function format(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (match, name) =>
    Object.hasOwn(params, name) ? String(params[name]) : match,
  );
}

/**
 * Returns the catalogue for a language tag: `language` (the code used),
 * `dir`, `locale` (for numbers and dates), and `t(key, params)`.
 */
export function catalogueFor(tag) {
  const language = supportedLanguage(tag);
  const catalogue = CATALOGUES[language];
  return {
    language,
    dir: catalogue.dir,
    locale: catalogue.locale,
    t(key, params) {
      const message = catalogue.messages[key] ?? CATALOGUES[DEFAULT_LANGUAGE].messages[key];
      if (message === undefined) {
        throw new Error(`No message for key: ${key}`);
      }
      return format(message, params);
    },
  };
}

/** Formats an amount in euros, e.g. "€ 250,00" in Dutch. Returns "" when not a number. */
export function formatEuro(amount, locale) {
  const value = Number(amount);
  if (amount === null || amount === undefined || amount === "" || !Number.isFinite(value)) {
    return "";
  }
  return new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" }).format(value);
}
