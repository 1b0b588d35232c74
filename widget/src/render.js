// The widget's views: the form, the error summary and the outcome. The
// markup follows the hosted form page, so a resident who has used one
// recognises the other, and GOV.UK's patterns for hints and errors.

import { h, toggleToken } from "./dom.js";
import { formatEuro } from "./i18n.js";
import { FIELDS } from "./payload.js";

const NEED_LABELS = { support: "needSupport", space: "needSpace", budget: "needBudget" };

// Hidden from view but read by screen readers, like "Fout:" before an error.
const hiddenText = (text) => h("span", { class: "kk-visually-hidden" }, text);

/** Returns "YYYY-MM-DD" for a date in the browser's time zone. */
function isoDate(date) {
  const pad = (number) => String(number).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const PATHS = Object.fromEntries(FIELDS.map((field) => [field.name, field.path]));

/**
 * Builds the form for a municipality's configuration.
 *
 * Returns the form and its parts. `fields` maps each API error path to
 * `{ control, error, described, label, wrapper }`: the element that gets
 * focus, the error message, the element whose aria-describedby names the
 * error, the label or legend to scroll into view, and the element marked
 * as having an error. `controls` maps field names to controls, or to lists
 * of inputs for checkbox and radio groups.
 */
export function buildForm({ t, config, neighbourhood, locale }) {
  const fields = new Map();
  const controls = {};
  const required = { "aria-required": "true" };
  const errorSlot = (id) => h("p", { class: "kk-error-message", id: `${id}-error`, hidden: true });

  // One labelled control, with its hints and its error above it. The label
  // is the message under the field's name, e.g. t("budgetAmount"). A hint
  // is a text, or an element with an id that the caller updates.
  function field(name, control, { hints = [], width, prefix } = {}) {
    const id = `kk-${name}`;
    Object.assign(control, { id, name });
    controls[name] = control;
    const hintElements = hints.filter(Boolean).map((hint, index) => {
      const element = typeof hint === "string" ? h("p", { class: "kk-hint", id: `${id}-hint${index}` }, hint) : hint;
      toggleToken(control, "aria-describedby", element.id, true);
      return element;
    });
    const label = h("label", { class: "kk-label", for: id }, t(name));
    const error = errorSlot(id);
    const input = prefix
      ? h("div", { class: "kk-prefix" }, h("span", { class: "kk-prefix__text", "aria-hidden": "true" }, prefix), control)
      : control;
    const wrapper = h("div", { class: `kk-field${width ? ` kk-field--${width}` : ""}` }, label, hintElements, error, input);
    fields.set(PATHS[name], { control, error, described: control, label, wrapper });
    return wrapper;
  }

  // A fieldset of checkboxes or radios; hint and error belong to the
  // fieldset. A required radio group is a radiogroup, because ARIA allows
  // aria-required there and not on a single radio.
  function choices(name, type, options, hint) {
    const id = `kk-${name}`;
    const radio = type === "radio";
    const legend = h("legend", { class: "kk-legend", id: `${id}-legend` }, t(name));
    const error = errorSlot(id);
    const inputs = options.map((option, index) =>
      h("input", { class: "kk-choice__input", type, name, value: option.value, id: `${id}-${index}` }),
    );
    const fieldset = h(
      "fieldset",
      {
        class: "kk-fieldset kk-choices",
        role: radio ? "radiogroup" : null,
        "aria-labelledby": radio ? legend.id : null,
        "aria-required": radio ? "true" : null,
        "aria-describedby": hint ? `${id}-hint` : null,
      },
      legend,
      hint ? h("p", { class: "kk-hint", id: `${id}-hint` }, hint) : null,
      error,
      h(
        "div",
        { class: "kk-choices__list" },
        options.map((option, index) =>
          h("div", { class: "kk-choice" }, inputs[index], h("label", { class: "kk-choice__label", for: inputs[index].id }, option.label)),
        ),
      ),
    );
    controls[name] = inputs;
    fields.set(PATHS[name], { control: inputs[0] ?? fieldset, error, described: fieldset, label: legend, wrapper: fieldset });
    return fieldset;
  }

  // A section of the form; its hint, if any, is tied to the fieldset.
  const section = (legendKey, children, hintKey) =>
    h(
      "fieldset",
      { class: "kk-fieldset kk-section", "aria-describedby": hintKey ? `kk-${hintKey}` : null },
      h("legend", { class: "kk-legend kk-legend--section" }, t(legendKey)),
      hintKey ? h("p", { class: "kk-hint", id: `kk-${hintKey}` }, t(hintKey)) : null,
      children,
    );

  const input = (attributes) => h("input", { class: "kk-input", type: "text", ...attributes });
  const area = (rows, attributes) => h("textarea", { class: "kk-textarea", rows, ...attributes });

  const neighbourhoodSelect = h(
    "select",
    { class: "kk-select", autocomplete: "off", ...required },
    h("option", { value: "" }, t("chooseNeighbourhood")),
    config.neighbourhoods.map((item) => h("option", { value: item.slug, selected: item.slug === neighbourhood }, item.name)),
  );

  // The limits of the budget that covers the chosen neighbourhood.
  const limitsHint = h("p", { class: "kk-hint", id: "kk-budget-limits" });
  function showLimits(slug) {
    const chosen = config.neighbourhoods.find((item) => item.slug === slug);
    const limits = chosen?.limits ?? config.limits;
    const max = formatEuro(limits.maxRequestAmount, locale);
    const instant = formatEuro(limits.instantGrantLimit, locale);
    limitsHint.textContent = max && instant ? t("budgetLimits", { max, instant }) : "";
  }
  neighbourhoodSelect.addEventListener("change", () => showLimits(neighbourhoodSelect.value));

  const today = new Date();
  const day = (offset) => isoDate(new Date(today.getFullYear(), today.getMonth(), today.getDate() + offset));
  const dateInput = input({ type: "date", min: day(0), max: config.bookingDaysAhead > 0 ? day(config.bookingDaysAhead) : null, ...required });

  const sections = {
    support: section("sectionSupport", [
      choices("supportKind", "radio", config.supportKinds),
      field("supportNote", area(3)),
    ]),
    space: section("sectionSpace", [
      field("spaceDate", dateInput, { width: "medium" }),
      h("div", { class: "kk-row" }, [
        field("spaceStart", input({ type: "time", ...required }), { width: "short" }),
        field("spaceEnd", input({ type: "time", ...required }), { width: "short" }),
      ]),
      field("spacePeople", input({ inputmode: "numeric", autocomplete: "off", ...required }), { width: "short" }),
    ]),
    budget: section("sectionBudget", [
      field("budgetAmount", input({ inputmode: "decimal", autocomplete: "off", ...required }), {
        hints: [t("budgetAmountHint"), limitsHint],
        width: "short",
        prefix: "€",
      }),
      field("budgetPurpose", area(3, required), { hints: [t("budgetPurposeHint")] }),
    ]),
  };
  for (const [kind, element] of Object.entries(sections)) {
    element.hidden = true;
    element.dataset.need = kind;
  }

  const privacy = safeUrl(config.privacyUrl);
  const consent = h("input", {
    class: "kk-choice__input",
    type: "checkbox",
    id: "kk-consent",
    name: "consent",
    "aria-describedby": privacy ? "kk-consent-hint" : null,
    ...required,
  });
  const consentLabel = h("label", { class: "kk-choice__label", for: "kk-consent" }, t("consent"));
  const consentError = errorSlot("kk-consent");
  const consentField = h(
    "div",
    { class: "kk-section kk-field" },
    consentError,
    h("div", { class: "kk-choice" }, consent, consentLabel),
    privacy ? h("p", { class: "kk-hint kk-choice__hint", id: "kk-consent-hint" }, h("a", { href: privacy, target: "_blank", rel: "noopener" }, t("privacyLink"))) : null,
  );
  controls.consent = consent;
  fields.set("consent", { control: consent, error: consentError, described: consent, label: consentLabel, wrapper: consentField });

  // Bots fill every field; people never see this one. The server rejects a
  // request whose `website` is not empty.
  controls.website = input({ id: "kk-website", name: "website", tabindex: "-1", autocomplete: "off" });

  const submit = h("button", { class: "kk-button", type: "submit" }, t("submit"));
  const status = h("p", { class: "kk-status", role: "status" });
  const notice = h("div", { class: "kk-notice", role: "alert", tabindex: "-1" });
  const needs = config.needs.map((kind) => ({ value: kind, label: t(NEED_LABELS[kind]) }));

  const form = h(
    "form",
    { class: "kk-form", novalidate: true, "aria-label": t("formLabel") },
    notice,
    section("sectionIdea", [
      field("neighbourhood", neighbourhoodSelect),
      field("title", input({ autocomplete: "off", maxlength: 120, ...required }), { hints: [t("titleHint")] }),
      field("description", area(5, required), { hints: [t("descriptionHint")] }),
    ]),
    h("div", { class: "kk-section" }, choices("needs", "checkbox", needs, t("needsHint"))),
    config.needs.map((kind) => sections[kind]),
    section(
      "sectionContact",
      [
        field("name", input({ autocomplete: "name", maxlength: 100, ...required })),
        field("email", input({ type: "email", autocomplete: "email", spellcheck: "false" })),
        field("phone", input({ type: "tel", autocomplete: "tel" }), { width: "medium" }),
      ],
      "contactHint",
    ),
    consentField,
    h("div", { class: "kk-honeypot", "aria-hidden": "true" }, h("label", { for: "kk-website" }, t("honeypot")), controls.website),
    h("div", { class: "kk-actions" }, submit, status),
  );
  showLimits(neighbourhoodSelect.value);

  return { form, fields, controls, sections, submit, status, notice, showLimits };
}

/** Reads the answers from a form built by buildForm, keyed by field name. */
export function readValues(controls) {
  const values = { website: controls.website.value };
  for (const { name } of FIELDS) {
    const control = controls[name];
    if (Array.isArray(control)) {
      const checked = control.filter((input) => input.checked).map((input) => input.value);
      values[name] = name === "needs" ? checked : (checked[0] ?? "");
    } else {
      values[name] = control.type === "checkbox" ? control.checked : control.value;
    }
  }
  return values;
}

/** Puts earlier answers back, e.g. after the language changed. */
export function writeValues(controls, values) {
  controls.website.value = values.website;
  for (const { name } of FIELDS) {
    const control = controls[name];
    const value = values[name];
    if (Array.isArray(control)) {
      for (const input of control) {
        input.checked = [value].flat().includes(input.value);
      }
    } else if (control.type === "checkbox") {
      control.checked = value;
    } else {
      control.value = value;
    }
  }
}

/** Shows one field's messages, or clears them with an empty list. */
export function setFieldError(t, entry, messages) {
  const { error, described, control } = entry;
  error.replaceChildren();
  messages.forEach((message, index) => {
    if (index) {
      error.append(h("br"));
    }
    error.append(hiddenText(t("errorPrefix")), " ", message);
  });
  error.hidden = messages.length === 0;
  toggleToken(described, "aria-describedby", error.id, messages.length > 0);
  (entry.wrapper ?? error.parentElement).classList.toggle("kk-field--error", messages.length > 0);
  if (control.matches("input:not([type=checkbox]):not([type=radio]), select, textarea")) {
    if (messages.length) {
      control.setAttribute("aria-invalid", "true");
    } else {
      control.removeAttribute("aria-invalid");
    }
  }
}

/**
 * Builds the GOV.UK error summary. `errors` are `{ message, entry }`; an
 * entry makes the message a link that `onFollow` moves focus with, because
 * a fragment link cannot reach into a shadow root.
 */
export function buildErrorSummary(t, errors, onFollow) {
  return h(
    "div",
    { class: "kk-error-summary", tabindex: "-1", "aria-labelledby": "kk-error-summary-title" },
    h(
      "div",
      { role: "alert" },
      h("h2", { class: "kk-error-summary__title", id: "kk-error-summary-title" }, t("errorSummaryTitle")),
      h(
        "ul",
        { class: "kk-error-summary__list" },
        errors.map(({ message, entry }) => {
          if (!entry) {
            return h("li", {}, message);
          }
          const link = h("a", { href: `#${entry.control.id}` }, message);
          link.addEventListener("click", (event) => {
            event.preventDefault();
            onFollow(entry);
          });
          return h("li", {}, link);
        }),
      ),
    ),
  );
}

/** Returns the URL if it is an absolute http(s) URL, else "". */
export function safeUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : "";
  } catch {
    return "";
  }
}

/** Builds the outcome that replaces the form after a request is stored. */
export function buildOutcome(t, body) {
  const needs = Array.isArray(body.outcome) ? body.outcome : (body.outcome?.needs ?? []);
  const statusUrl = safeUrl(body.status_url);
  const heading = h("h2", { class: "kk-outcome__title", id: "kk-outcome-title", tabindex: "-1" }, t("outcomeTitle"));
  const root = h(
    "section",
    { class: "kk-outcome", "aria-labelledby": "kk-outcome-title" },
    h("div", { class: "kk-panel" }, heading, h("p", {}, t("reference"), " ", h("strong", {}, String(body.reference ?? "")))),
    body.message ? h("p", { class: "kk-lead" }, String(body.message)) : null,
    needs.length ? h("h3", {}, t("arrangedTitle")) : null,
    needs.length
      ? h(
          "ul",
          { class: "kk-needs" },
          needs.map((need) =>
            h(
              "li",
              { class: `kk-need kk-need--${String(need.status).replace(/[^a-z_]/g, "")}` },
              h("h4", { class: "kk-need__title" }, String(need.title ?? "")),
              h("p", {}, String(need.message ?? "")),
            ),
          ),
        )
      : null,
    statusUrl ? [h("h3", {}, t("statusLinkTitle")), h("p", {}, t("statusLinkText")), h("p", {}, h("a", { class: "kk-status-link", href: statusUrl }, statusUrl))] : null,
  );
  return { root, heading };
}
