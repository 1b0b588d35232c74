// <kanskaart-form>: the request form of wagtail-kanskaart as a custom element.

import { createClient, readConfig } from "./api.js";
import { parseAttribute, OBSERVED_ATTRIBUTES } from "./attributes.js";
import { h } from "./dom.js";
import { catalogueFor, inheritedLanguage } from "./i18n.js";
import { buildPayload, fieldForPath, missingAnswers, normaliseErrors } from "./payload.js";
import { buildErrorSummary, buildForm, buildOutcome, readValues, setFieldError, writeValues } from "./render.js";
import { adoptStyles } from "./styles.js";

// Read while the script runs, because afterwards document.currentScript is
// another script or null. The API is on the script's origin unless the `api`
// attribute sets another. Without a script URL (an inline script or a module
// import) the fallback is the page's origin.
const SCRIPT_URL = document.currentScript?.src || document.baseURI;

function newIdempotencyKey() {
  if (typeof crypto.randomUUID === "function") {
    return crypto.randomUUID();
  }
  // randomUUID needs a secure context; getRandomValues does not.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export class KanskaartForm extends HTMLElement {
  static observedAttributes = OBSERVED_ATTRIBUTES;

  #root;
  #fallback;
  #container;
  #started = false;
  #loads = 0;
  #warnings = new Set();
  #client = null;
  #config = null;
  #catalogue = null;
  #view = null;
  #summary = null;
  #sending = false;
  #done = false;
  // One key per form fill, reused on every retry of that fill, so a double
  // click or a retry after a lost response never stores a second request.
  #idempotencyKey = null;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    // The element's own content (a link to the hosted form) shows through
    // this slot until the form is ready, and again if it cannot load.
    this.#fallback = h("slot");
    this.#container = h("div", { class: "kk", hidden: true });
    this.#root.append(this.#fallback, this.#container);
  }

  connectedCallback() {
    if (this.#started) {
      return;
    }
    this.#started = true;
    // Browsers hide a nonce attribute's value once the element is in a
    // document with a CSP; the `nonce` property keeps it.
    adoptStyles(this.#root, this.nonce || this.#setting("nonce"));
    this.#load();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (!this.#started || oldValue === newValue || this.#done) {
      return;
    }
    if (name === "municipality" || name === "api" || name === "lang") {
      this.#load(this.#view ? readValues(this.#view.controls) : null);
    } else if (name === "neighbourhood" && this.#view) {
      const select = this.#view.controls.neighbourhood;
      const slug = this.#setting("neighbourhood");
      if ([...select.options].some((option) => option.value === slug)) {
        select.value = slug;
        this.#view.showLimits(slug);
      }
    }
  }

  #setting(name) {
    const { value, error } = parseAttribute(name, this.getAttribute(name));
    if (error && !this.#warnings.has(error)) {
      this.#warnings.add(error);
      console.warn(error);
    }
    return value;
  }

  #language() {
    return this.#setting("lang") || inheritedLanguage(this.parentNode) || document.documentElement.lang;
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(`kanskaart:${type}`, { bubbles: true, composed: true, detail }));
  }

  #showFallback(reason, message) {
    this.#view = null;
    this.#container.hidden = true;
    this.#container.replaceChildren();
    this.#root.prepend(this.#fallback);
    console.warn(`<kanskaart-form>: ${message} The element's own content stays visible.`);
    this.#emit("error", { reason });
  }

  async #load(values = null) {
    const load = ++this.#loads;
    const municipality = this.#setting("municipality");
    this.#catalogue = catalogueFor(this.#language());
    if (!municipality) {
      this.#showFallback("configuration", 'the municipality attribute is missing or invalid, e.g. municipality="roosendaal".');
      return;
    }
    this.#client = createClient(this.#setting("api") || new URL("/", SCRIPT_URL).href);

    let config;
    try {
      config = readConfig(await this.#client.loadMunicipality(municipality, this.#catalogue.language));
    } catch (error) {
      if (load === this.#loads) {
        this.#showFallback("unavailable", `${error.message}.`);
      }
      return;
    }
    if (load !== this.#loads) {
      return;
    }
    this.#config = { ...config, municipality };
    this.#render(values);
    this.#emit("ready", { municipality });
  }

  #render(values) {
    const { t, language, dir, locale } = this.#catalogue;
    const view = buildForm({ t, config: this.#config, neighbourhood: this.#setting("neighbourhood"), locale });
    this.#view = view;
    this.#summary = null;
    if (values) {
      writeValues(view.controls, values);
      view.showLimits(values.neighbourhood);
    }
    view.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#submit();
    });
    for (const toggle of view.controls.needs) {
      toggle.addEventListener("change", () => this.#revealNeeds());
    }
    this.#revealNeeds();

    this.#container.lang = language;
    this.#container.dir = dir;
    this.#container.replaceChildren(view.form);
    this.#container.hidden = false;
    this.#fallback.remove();
  }

  // Each need's own questions show only while that need is ticked.
  #revealNeeds() {
    const chosen = new Set(readValues(this.#view.controls).needs);
    for (const [kind, section] of Object.entries(this.#view.sections)) {
      section.hidden = !chosen.has(kind);
    }
  }

  async #submit() {
    if (this.#sending || !this.#view) {
      return;
    }
    const { t, language } = this.#catalogue;
    const view = this.#view;
    const values = readValues(view.controls);
    view.notice.replaceChildren();

    const missing = missingAnswers(values);
    if (missing.length) {
      this.#showErrors(missing.map(({ path, key }) => ({ path, message: t(key) })));
      return;
    }

    this.#showErrors([], { focus: false });
    this.#idempotencyKey ??= newIdempotencyKey();
    this.#setSending(true);
    const payload = buildPayload(values, { municipality: this.#config.municipality, language });
    const result = await this.#client.sendRequest(payload, this.#idempotencyKey, language);
    this.#setSending(false);
    if (view !== this.#view) {
      return;
    }

    switch (result.type) {
      case "created":
        this.#showOutcome(result.body);
        return;
      case "invalid": {
        const errors = normaliseErrors(result.errors);
        this.#showErrors(errors.length ? errors : [{ path: "", message: result.message || t("failedServer") }]);
        break;
      }
      case "conflict":
        // The key belongs to a request with other answers: the next send
        // is a new fill.
        this.#idempotencyKey = null;
        this.#showNotice(result.message || t("failedConflict"));
        break;
      case "throttled":
        this.#showNotice(result.message || t("failedThrottled"));
        break;
      case "network":
        this.#showNotice(t("failedNetwork"));
        break;
      default:
        this.#showNotice(t("failedServer"));
    }
    this.#emit("error", { reason: result.type, status: result.status });
  }

  #setSending(sending) {
    this.#sending = sending;
    this.#view.submit.disabled = sending;
    this.#view.status.textContent = sending ? this.#catalogue.t("sending") : "";
  }

  // Shows errors at their fields and in the summary; no errors clears both.
  #showErrors(errors, { focus = true } = {}) {
    const { t } = this.#catalogue;
    const view = this.#view;
    const perField = new Map();
    const listed = errors.map(({ path, message }) => {
      const field = fieldForPath(path);
      const entry = field ? view.fields.get(field.path) : undefined;
      if (entry) {
        perField.set(entry, [...(perField.get(entry) ?? []), message]);
      }
      return { message, entry };
    });
    for (const entry of view.fields.values()) {
      setFieldError(t, entry, perField.get(entry) ?? []);
    }

    this.#summary?.remove();
    this.#summary = null;
    if (listed.length) {
      this.#summary = buildErrorSummary(t, listed, (entry) => this.#focusField(entry));
      view.form.prepend(this.#summary);
      if (focus) {
        this.#summary.focus();
      }
    }
  }

  // What a fragment link would do, done in code because "#id" links on the
  // host page cannot reach into the shadow root: focus the control and show
  // its label or legend with it, as GOV.UK's error summary does.
  #focusField(entry) {
    entry.control.focus({ preventScroll: true });
    entry.label.scrollIntoView({ block: "start" });
  }

  #showNotice(message) {
    const notice = this.#view.notice;
    notice.replaceChildren(h("p", {}, message));
    notice.focus();
  }

  #showOutcome(body) {
    const { root, heading } = buildOutcome(this.#catalogue.t, body);
    this.#done = true;
    this.#idempotencyKey = null;
    this.#view = null;
    this.#container.replaceChildren(root);
    heading.focus();
    // Only the reference and status: the host page gets no personal data.
    this.#emit("submitted", { reference: body.reference, status: body.status });
  }
}

/** Registers <kanskaart-form> unless a copy of this script did already. */
export function define(registry = window.customElements) {
  if (!registry.get("kanskaart-form")) {
    registry.define("kanskaart-form", KanskaartForm);
  }
}
