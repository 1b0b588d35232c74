import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { createClient, readConfig } from "../src/api.js";

// A stand-in for fetch that records each call and returns responses from a list.
function stubFetch(...answers) {
  const calls = [];
  const fetch = async (url, options = {}) => {
    calls.push({ url: String(url), options });
    const answer = answers.shift();
    if (answer instanceof Error) {
      throw answer;
    }
    return new Response(answer.body === undefined ? "" : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { "Content-Type": "application/json" },
    });
  };
  return { fetch, calls };
}

const BASE = "http://127.0.0.1:8000/";

describe("loadMunicipality", () => {
  test("asks for the municipality in the widget's language, without cookies", async () => {
    const { fetch, calls } = stubFetch({ status: 200, body: { slug: "roosendaal" } });
    const client = createClient(BASE, { fetch });

    const body = await client.loadMunicipality("roosendaal", "en");

    assert.deepEqual(body, { slug: "roosendaal" });
    assert.equal(calls[0].url, "http://127.0.0.1:8000/api/kanskaart/v1/municipalities/roosendaal/?language=en");
    assert.equal(calls[0].options.credentials, "omit");
  });

  test("keeps a path prefix of the api base", async () => {
    const { fetch, calls } = stubFetch({ status: 200, body: {} });

    await createClient("https://www.example.nl/kanskaart/", { fetch }).loadMunicipality("breda", "nl");

    assert.equal(calls[0].url, "https://www.example.nl/kanskaart/api/kanskaart/v1/municipalities/breda/?language=nl");
  });

  test("rejects with the HTTP status for an unknown municipality", async () => {
    const { fetch } = stubFetch({ status: 404, body: { code: "not_found" } });

    await assert.rejects(createClient(BASE, { fetch }).loadMunicipality("nergens", "nl"), { status: 404 });
  });

  test("rejects with status 0 when the network fails", async () => {
    const { fetch } = stubFetch(new TypeError("Failed to fetch"));

    await assert.rejects(createClient(BASE, { fetch }).loadMunicipality("roosendaal", "nl"), { status: 0 });
  });
});

describe("sendRequest", () => {
  test("posts JSON with the idempotency key", async () => {
    const { fetch, calls } = stubFetch({ status: 201, body: { reference: "KK-1" } });

    const result = await createClient(BASE, { fetch }).sendRequest({ title: "Feest" }, "key-1234567890abcdef", "nl");

    assert.deepEqual(result, { type: "created", body: { reference: "KK-1" } });
    assert.equal(calls[0].url, "http://127.0.0.1:8000/api/kanskaart/v1/requests/?language=nl");
    assert.equal(calls[0].options.method, "POST");
    assert.equal(calls[0].options.headers["Idempotency-Key"], "key-1234567890abcdef");
    assert.equal(calls[0].options.headers["Content-Type"], "application/json");
    assert.deepEqual(JSON.parse(calls[0].options.body), { title: "Feest" });
  });

  test("a repeat of a key counts as created", async () => {
    const { fetch } = stubFetch({ status: 200, body: { reference: "KK-1", replayed: true } });

    const result = await createClient(BASE, { fetch }).sendRequest({}, "k".repeat(16), "nl");

    assert.equal(result.type, "created");
  });

  test("maps each status to a result type", async () => {
    const cases = [
      [{ status: 400, body: { message: "Check the fields.", errors: { title: ["Give it a name."] } } },
        { type: "invalid", errors: { title: ["Give it a name."] }, message: "Check the fields." }],
      [{ status: 409, body: { message: "Key used." } }, { type: "conflict", message: "Key used." }],
      [{ status: 429, body: { message: "Try again in 5 minutes." } }, { type: "throttled", message: "Try again in 5 minutes." }],
      [{ status: 500 }, { type: "failed", status: 500, message: "" }],
      [{ status: 403, body: { message: "This website may not send requests." } },
        { type: "failed", status: 403, message: "This website may not send requests." }],
    ];
    for (const [answer, expected] of cases) {
      const { fetch } = stubFetch(answer);

      const result = await createClient(BASE, { fetch }).sendRequest({}, "k".repeat(16), "nl");

      assert.deepEqual(result, expected, `HTTP ${answer.status}`);
    }
  });

  test("a network failure resolves, so the form can keep the answers", async () => {
    const { fetch } = stubFetch(new TypeError("Failed to fetch"));

    const result = await createClient(BASE, { fetch }).sendRequest({}, "k".repeat(16), "nl");

    assert.deepEqual(result, { type: "network" });
  });
});

describe("readConfig", () => {
  test("reads the municipality endpoint's fields", () => {
    const config = readConfig({
      name: "Roosendaal",
      privacy_url: "https://roosendaal.example.org/privacy",
      needs: [{ value: "budget", label: "Budget" }, { value: "support", label: "Support" }, { value: "party", label: "?" }],
      support_kinds: [{ value: "organise", label: "Help to organise" }],
      neighbourhoods: [{ slug: "kalsdonk", name: "Kalsdonk", limits: { max_request_amount: "400.00", instant_grant_limit: "100.00" } }],
      limits: { max_request_amount: "500.00", instant_grant_limit: "250.00", space_booking_days_ahead: 120 },
    });

    assert.equal(config.name, "Roosendaal");
    assert.deepEqual(config.needs, ["support", "budget"]);
    assert.deepEqual(config.supportKinds, [{ value: "organise", label: "Help to organise" }]);
    assert.deepEqual(config.neighbourhoods[0].limits, { maxRequestAmount: "400.00", instantGrantLimit: "100.00" });
    assert.deepEqual(config.limits, { maxRequestAmount: "500.00", instantGrantLimit: "250.00" });
    assert.equal(config.bookingDaysAhead, 120);
    assert.equal(config.privacyUrl, "https://roosendaal.example.org/privacy");
  });

  test("an empty body gives an empty but usable configuration", () => {
    const config = readConfig({});

    assert.deepEqual(config.needs, []);
    assert.deepEqual(config.neighbourhoods, []);
    assert.equal(config.bookingDaysAhead, 0);
  });
});
