// The form's fields, the request body the API expects, the light required
// checks, and the mapping of the API's error paths back to the fields.
// The server is the authority on every rule; this module only catches what
// is missing before a round trip.

export const NEED_KINDS = ["support", "space", "budget"];

// Every field in form order, which is also the order of the error summary.
// `path` is the field's path in the API's body and errors, `name` the key of
// its answer and the control's name, `need` the need whose section holds
// it, and `required` marks an answer that must not be empty; its message
// key is "required" plus the capitalised name.
export const FIELDS = [
  { path: "neighbourhood", name: "neighbourhood", required: true },
  { path: "title", name: "title", required: true },
  { path: "description", name: "description", required: true },
  { path: "needs", name: "needs", required: true },
  { path: "needs.support.kind", name: "supportKind", need: "support", required: true },
  { path: "needs.support.note", name: "supportNote", need: "support" },
  { path: "needs.space.date", name: "spaceDate", need: "space", required: true },
  { path: "needs.space.start", name: "spaceStart", need: "space", required: true },
  { path: "needs.space.end", name: "spaceEnd", need: "space", required: true },
  { path: "needs.space.people", name: "spacePeople", need: "space", required: true },
  { path: "needs.budget.amount", name: "budgetAmount", need: "budget", required: true },
  { path: "needs.budget.purpose", name: "budgetPurpose", need: "budget", required: true },
  { path: "contact.name", name: "name", required: true },
  { path: "contact.email", name: "email" },
  { path: "contact.phone", name: "phone" },
  { path: "consent", name: "consent", required: true },
];

const FIELD_BY_PATH = new Map(FIELDS.map((field) => [field.path, field]));

// An error on a whole group goes to the group's first field.
const GROUP_FIELDS = {
  needs: "needs",
  "needs.budget": "needs.budget.amount",
  "needs.space": "needs.space.date",
  "needs.support": "needs.support.kind",
  contact: "contact.name",
};

/**
 * Returns the field for an API error path, or null for errors that belong
 * to no field (a wrong municipality, the whole request, a throttle).
 * "needs.space.space.0" falls back to "needs.space", then to its first field.
 */
export function fieldForPath(path) {
  let current = path;
  while (current) {
    if (FIELD_BY_PATH.has(current)) {
      return FIELD_BY_PATH.get(current);
    }
    if (Object.hasOwn(GROUP_FIELDS, current)) {
      return FIELD_BY_PATH.get(GROUP_FIELDS[current]);
    }
    const dot = current.lastIndexOf(".");
    current = dot === -1 ? "" : current.slice(0, dot);
  }
  return null;
}

function flattenInto(list, prefix, value) {
  if (typeof value === "string") {
    list.push({ path: prefix, message: value });
  } else if (Array.isArray(value)) {
    for (const item of value) {
      flattenInto(list, prefix, item);
    }
  } else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      flattenInto(list, prefix ? `${prefix}.${key}` : key, inner);
    }
  }
}

/**
 * Turns the `errors` of a 400 response into `[{ path, message }]`, sorted
 * in form order with errors outside any field first.
 *
 * Takes flat paths (`{"contact.email": ["..."]}`) and nested objects
 * (`{"contact": {"email": ["..."]}}`) alike, with a string or a list of
 * strings per path.
 */
export function normaliseErrors(errors) {
  const list = [];
  flattenInto(list, "", errors);
  const rank = (entry) => {
    const field = fieldForPath(entry.path);
    return field ? FIELDS.indexOf(field) : -1;
  };
  // Array.prototype.sort is stable, so one field's messages keep their order.
  return list.filter((entry) => entry.message).sort((a, b) => rank(a) - rank(b));
}

const blank = (value) => (Array.isArray(value) ? value.length === 0 : !value || !String(value).trim());

/**
 * Returns the missing answers of a form fill as `[{ path, key }]`, where
 * `key` is the message key in the catalogue. Only what is required counts:
 * formats, limits and dates are the server's to judge.
 */
export function missingAnswers(values) {
  const needs = values.needs ?? [];
  const missing = [];
  for (const { path, name, need, required } of FIELDS) {
    if (required && (!need || needs.includes(need)) && blank(values[name])) {
      missing.push({ path, key: `required${name[0].toUpperCase()}${name.slice(1)}` });
    }
    // The server needs one way to reach the resident: e-mail or phone.
    if (name === "email" && blank(values.email) && blank(values.phone)) {
      missing.push({ path, key: "requiredContact" });
    }
  }
  return missing;
}

// Digits only become a JSON number; anything else goes as typed, so the
// server's message names the mistake.
function count(value) {
  const text = value.trim();
  return /^\d{1,9}$/.test(text) ? Number(text) : text;
}

/**
 * Builds the JSON body of `POST /api/kanskaart/v1/requests/` from a form fill.
 *
 * Only the chosen needs are sent. The amount goes as the resident typed it
 * ("12,50", "€ 1.250"), because the server parses Dutch notation.
 */
export function buildPayload(values, { municipality, language }) {
  const needs = new Set(values.needs);
  const trim = (value) => (value ?? "").trim();
  const payload = {
    municipality,
    neighbourhood: trim(values.neighbourhood),
    title: trim(values.title),
    description: trim(values.description),
    needs: {},
    contact: { name: trim(values.name) },
    consent: Boolean(values.consent),
    language,
    website: values.website ?? "",
  };
  if (needs.has("budget")) {
    payload.needs.budget = {
      amount: trim(values.budgetAmount),
      purpose: trim(values.budgetPurpose),
    };
  }
  if (needs.has("space")) {
    payload.needs.space = {
      date: trim(values.spaceDate),
      start: trim(values.spaceStart),
      end: trim(values.spaceEnd),
      people: count(values.spacePeople ?? ""),
    };
  }
  if (needs.has("support")) {
    payload.needs.support = { kind: trim(values.supportKind) };
    if (trim(values.supportNote)) {
      payload.needs.support.note = trim(values.supportNote);
    }
  }
  for (const channel of ["email", "phone"]) {
    if (trim(values[channel])) {
      payload.contact[channel] = trim(values[channel]);
    }
  }
  return payload;
}
