// The attributes of <kanskaart-form>, each with a type and a default.
// An invalid value falls back to the default and is reported once, so a
// typo in a host page degrades to the default rather than to a broken form.

const SLUG = /^[-a-z0-9_]{1,100}$/;
// BCP 47 in the simple form that pages use: "nl", "en-GB", "zh-Hant".
const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i;

const TYPES = {
  slug: (value) => (SLUG.test(value) ? value : undefined),
  language: (value) => (LANGUAGE.test(value) ? value.toLowerCase() : undefined),
  url: parseBaseUrl,
  text: (value) => value,
};

export const ATTRIBUTES = {
  // The slug of the municipality page, e.g. "roosendaal". Required.
  municipality: { type: "slug", default: "" },
  // The slug of the neighbourhood to choose in advance.
  neighbourhood: { type: "slug", default: "" },
  // The language of the form. Empty: the nearest ancestor's lang, then the page's.
  lang: { type: "language", default: "" },
  // The address of the site that serves the API. Empty: the script's own origin.
  api: { type: "url", default: "" },
  // The CSP nonce for the <style> element, only used where the browser
  // lacks constructable stylesheets.
  nonce: { type: "text", default: "" },
};

export const OBSERVED_ATTRIBUTES = Object.keys(ATTRIBUTES);

// Return the base URL with a trailing slash, so relative API paths resolve
// beneath it, or undefined for anything but an absolute http(s) URL.
function parseBaseUrl(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return undefined;
  }
  url.search = "";
  url.hash = "";
  if (!url.pathname.endsWith("/")) {
    url.pathname += "/";
  }
  return url.href;
}

/**
 * Parses one attribute value against the schema.
 *
 * Returns `{ value, error }`: the parsed value, or the default with an
 * English error message for the developer console when the value is invalid.
 * A missing or empty attribute gives the default without an error.
 */
export function parseAttribute(name, raw) {
  const spec = ATTRIBUTES[name];
  if (!spec) {
    throw new Error(`Unknown attribute: ${name}`);
  }
  const text = (raw ?? "").trim();
  if (text === "") {
    return { value: spec.default, error: null };
  }
  const value = TYPES[spec.type](text);
  if (value === undefined) {
    return {
      value: spec.default,
      error: `<kanskaart-form>: invalid ${name}="${text}", expected a ${spec.type}; using the default.`,
    };
  }
  return { value, error: null };
}
