import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CATALOGUES } from "../src/i18n.js";
import { FIELDS, buildPayload, fieldForPath, missingAnswers, normaliseErrors } from "../src/payload.js";

const complete = () => ({
  neighbourhood: "kalsdonk",
  title: " Straatfeest ",
  description: "Een feest voor de hele straat.",
  needs: ["support", "space", "budget"],
  budgetAmount: "€ 1.250,50",
  budgetPurpose: "Drinken en een tent",
  spaceDate: "2027-03-13",
  spaceStart: "10:00",
  spaceEnd: "12:00",
  spacePeople: " 12 ",
  supportKind: "organise",
  supportNote: "",
  name: "Fatima",
  email: "fatima@example.org",
  phone: "",
  consent: true,
  website: "",
});

describe("buildPayload", () => {
  test("sends every chosen need in the API's shape", () => {
    const payload = buildPayload(complete(), { municipality: "roosendaal", language: "nl" });

    assert.deepEqual(payload, {
      municipality: "roosendaal",
      neighbourhood: "kalsdonk",
      title: "Straatfeest",
      description: "Een feest voor de hele straat.",
      needs: {
        budget: { amount: "€ 1.250,50", purpose: "Drinken en een tent" },
        space: { date: "2027-03-13", start: "10:00", end: "12:00", people: 12 },
        support: { kind: "organise" },
      },
      contact: { name: "Fatima", email: "fatima@example.org" },
      consent: true,
      language: "nl",
      website: "",
    });
  });

  test("leaves out the answers of needs that are not chosen", () => {
    const values = { ...complete(), needs: ["budget"] };

    const payload = buildPayload(values, { municipality: "roosendaal", language: "en" });

    assert.deepEqual(Object.keys(payload.needs), ["budget"]);
  });

  test("sends a number of people that is not digits as typed", () => {
    const values = { ...complete(), spacePeople: "twaalf" };

    const payload = buildPayload(values, { municipality: "roosendaal", language: "nl" });

    assert.equal(payload.needs.space.people, "twaalf");
  });

  test("sends the note and the phone only when filled in", () => {
    const values = { ...complete(), supportNote: "Liever 's avonds", phone: "06 12345678", email: " " };

    const payload = buildPayload(values, { municipality: "roosendaal", language: "nl" });

    assert.equal(payload.needs.support.note, "Liever 's avonds");
    assert.deepEqual(payload.contact, { name: "Fatima", phone: "06 12345678" });
  });

  test("passes a filled honeypot on, so the server can reject it", () => {
    const payload = buildPayload({ ...complete(), website: "spam" }, { municipality: "r", language: "nl" });

    assert.equal(payload.website, "spam");
  });
});

describe("missingAnswers", () => {
  test("a complete fill misses nothing", () => {
    assert.deepEqual(missingAnswers(complete()), []);
  });

  test("an empty fill misses the general questions", () => {
    const empty = { needs: [], consent: false };

    const paths = missingAnswers(empty).map((entry) => entry.path);

    assert.deepEqual(paths, ["neighbourhood", "title", "description", "needs", "contact.name", "contact.email", "consent"]);
  });

  test("each chosen need asks for its own answers", () => {
    const values = {
      ...complete(),
      budgetAmount: "",
      budgetPurpose: "",
      spaceDate: "",
      spaceStart: "",
      spaceEnd: "",
      spacePeople: "",
      supportKind: "",
    };

    const paths = missingAnswers(values).map((entry) => entry.path);

    assert.deepEqual(paths, [
      "needs.support.kind",
      "needs.space.date",
      "needs.space.start",
      "needs.space.end",
      "needs.space.people",
      "needs.budget.amount",
      "needs.budget.purpose",
    ]);
  });

  test("a phone number is enough to be reached", () => {
    const values = { ...complete(), email: "", phone: "06 12345678" };

    assert.deepEqual(missingAnswers(values), []);
  });

  test("each missing answer has a message in every language", () => {
    const missing = missingAnswers({ needs: ["budget", "space", "support"], consent: false });

    assert.equal(missing.length, 13);
    for (const { path, key } of missing) {
      for (const [language, catalogue] of Object.entries(CATALOGUES)) {
        assert.ok(Object.hasOwn(catalogue.messages, key), `${language} has no ${key} for ${path}`);
      }
    }
  });
});

describe("fieldForPath", () => {
  test("finds each field by its own path", () => {
    for (const field of FIELDS) {
      assert.equal(fieldForPath(field.path), field);
    }
  });

  test("sends group errors to the group's first field", () => {
    assert.equal(fieldForPath("needs.budget").path, "needs.budget.amount");
    assert.equal(fieldForPath("needs.space.space").path, "needs.space.date");
    assert.equal(fieldForPath("contact").path, "contact.name");
  });

  test("has no field for errors about the whole request", () => {
    assert.equal(fieldForPath("non_field_errors"), null);
    assert.equal(fieldForPath("municipality"), null);
    assert.equal(fieldForPath("Idempotency-Key"), null);
    assert.equal(fieldForPath(""), null);
  });
});

describe("normaliseErrors", () => {
  test("reads flat paths and sorts them in form order", () => {
    const errors = normaliseErrors({
      "contact.email": ["Enter an e-mail address."],
      "needs.budget.amount": ["You can ask for at most € 500,00."],
      title: ["Give your idea a name.", "Too short."],
    });

    assert.deepEqual(errors, [
      { path: "title", message: "Give your idea a name." },
      { path: "title", message: "Too short." },
      { path: "needs.budget.amount", message: "You can ask for at most € 500,00." },
      { path: "contact.email", message: "Enter an e-mail address." },
    ]);
  });

  test("reads nested objects and single strings", () => {
    const errors = normaliseErrors({ contact: { phone: "Enter a phone number." } });

    assert.deepEqual(errors, [{ path: "contact.phone", message: "Enter a phone number." }]);
  });

  test("puts errors outside the fields first", () => {
    const errors = normaliseErrors({ consent: ["Tick the box."], non_field_errors: ["Try again later."] });

    assert.deepEqual(errors.map((entry) => entry.path), ["non_field_errors", "consent"]);
  });

  test("ignores what is not a message", () => {
    assert.deepEqual(normaliseErrors(null), []);
    assert.deepEqual(normaliseErrors({ title: [null, 3, ""] }), []);
  });
});
