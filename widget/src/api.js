// The client for the package's REST API, across origins.
//
// Requests carry no cookies (credentials "omit"), because the API is public
// and anonymous and must not receive the host page's cookies.

import { NEED_KINDS as NEED_ORDER } from "./payload.js";

export const API_PATH = "api/kanskaart/v1/";

const LOAD_TIMEOUT_MS = 15000;
// Sending books rooms and reserves money in one transaction; give it time.
// A request cut off here may still have been stored, which is why a retry
// sends the same idempotency key.
const SEND_TIMEOUT_MS = 30000;

function timeoutSignal(milliseconds) {
  return typeof AbortSignal.timeout === "function" ? AbortSignal.timeout(milliseconds) : undefined;
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

function messageOf(body) {
  const message = body && (body.message ?? body.detail);
  return typeof message === "string" ? message : "";
}

/**
 * Creates an API client for the site at `base` (an absolute URL ending in "/").
 * `fetch` can be replaced in tests.
 */
export function createClient(base, { fetch = globalThis.fetch.bind(globalThis) } = {}) {
  const root = new URL(API_PATH, base);
  // The API takes the language of its messages from ?language= (and from
  // the body of a submission), not from Accept-Language.
  const endpoint = (path, language) => {
    const url = new URL(path, root);
    url.searchParams.set("language", language);
    return url;
  };

  return {
    root: root.href,

    /**
     * Loads the form configuration of a municipality. Resolves to the parsed
     * JSON; rejects with an Error whose `status` is the HTTP status, or 0 for
     * a network failure.
     */
    async loadMunicipality(slug, language) {
      const url = endpoint(`municipalities/${encodeURIComponent(slug)}/`, language);
      let response;
      try {
        response = await fetch(url, {
          headers: { Accept: "application/json" },
          credentials: "omit",
          signal: timeoutSignal(LOAD_TIMEOUT_MS),
        });
      } catch (error) {
        throw Object.assign(new Error(`Loading ${url} failed: ${error.message}`), { status: 0 });
      }
      if (!response.ok) {
        throw Object.assign(new Error(`Loading ${url} failed with HTTP ${response.status}`), {
          status: response.status,
        });
      }
      return response.json();
    },

    /**
     * Sends a request. Never rejects; resolves to one of:
     * `{ type: "created", body }` (201, or 200 for a repeat of a key),
     * `{ type: "invalid", errors, message }` (400),
     * `{ type: "conflict", message }` (409: the key was used for other answers),
     * `{ type: "throttled", message }` (429),
     * `{ type: "failed", status, message }` (any other status),
     * `{ type: "network" }` (no response: offline, blocked or timed out).
     */
    async sendRequest(payload, idempotencyKey, language) {
      let response;
      try {
        response = await fetch(endpoint("requests/", language), {
          method: "POST",
          headers: {
            Accept: "application/json",
            "Content-Type": "application/json",
            "Idempotency-Key": idempotencyKey,
          },
          body: JSON.stringify(payload),
          credentials: "omit",
          signal: timeoutSignal(SEND_TIMEOUT_MS),
        });
      } catch {
        return { type: "network" };
      }
      const body = await readJson(response);
      const message = messageOf(body);
      switch (response.status) {
        case 200:
        case 201:
          return { type: "created", body };
        case 400:
          return { type: "invalid", errors: body.errors ?? {}, message };
        case 409:
          return { type: "conflict", message };
        case 429:
          return { type: "throttled", message };
        default:
          return { type: "failed", status: response.status, message };
      }
    },
  };
}



/**
 * Turns the municipality endpoint's JSON into the form's configuration.
 * Need kinds the form has no questions for are left out. Amounts stay
 * strings such as "250.00".
 */
export function readConfig(body) {
  const limitsOf = (limits = {}) => ({
    maxRequestAmount: limits.max_request_amount ?? null,
    instantGrantLimit: limits.instant_grant_limit ?? null,
  });
  const kinds = (body.needs ?? []).map((need) => (typeof need === "string" ? need : need?.value));
  return {
    name: String(body.name ?? ""),
    neighbourhoods: (body.neighbourhoods ?? [])
      .filter((item) => item?.slug)
      .map((item) => ({
        slug: String(item.slug),
        name: String(item.name ?? item.slug),
        limits: item.limits ? limitsOf(item.limits) : null,
      })),
    needs: NEED_ORDER.filter((kind) => kinds.includes(kind)),
    supportKinds: (body.support_kinds ?? [])
      .filter((item) => item?.value)
      .map((item) => ({ value: String(item.value), label: String(item.label ?? item.value) })),
    limits: limitsOf(body.limits),
    privacyUrl: String(body.privacy_url ?? ""),
    bookingDaysAhead: Number(body.limits?.space_booking_days_ahead) || 0,
  };
}
