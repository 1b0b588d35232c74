import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { describe, test } from "node:test";

import { CATALOGUES, DEFAULT_LANGUAGE, catalogueFor, format, formatEuro, inheritedLanguage, supportedLanguage } from "../src/i18n.js";

const SOURCE = new URL("../src/", import.meta.url);

async function keysUsedInSource() {
  const keys = new Set();
  for (const name of await readdir(SOURCE)) {
    if (!name.endsWith(".js")) {
      continue;
    }
    const text = await readFile(new URL(name, SOURCE), "utf8");
    for (const match of text.matchAll(/\bt\("(\w+)"/g)) {
      keys.add(match[1]);
    }
  }
  return keys;
}

describe("catalogues", () => {
  test("every language has exactly the keys of the default language", () => {
    const expected = Object.keys(CATALOGUES[DEFAULT_LANGUAGE].messages).sort();
    for (const [language, catalogue] of Object.entries(CATALOGUES)) {
      assert.deepEqual(Object.keys(catalogue.messages).sort(), expected, language);
    }
  });

  test("every key the source uses has a message", async () => {
    const used = await keysUsedInSource();

    assert.ok(used.size > 20, `found only ${used.size} keys; has the t("...") call style changed?`);
    for (const key of used) {
      assert.ok(Object.hasOwn(CATALOGUES[DEFAULT_LANGUAGE].messages, key), key);
    }
  });

  test("every language sets its direction and locale", () => {
    for (const [language, catalogue] of Object.entries(CATALOGUES)) {
      assert.ok(["ltr", "rtl"].includes(catalogue.dir), language);
      assert.match(catalogue.locale, /^[a-z]{2,3}(-[A-Z]{2})?$/, language);
    }
  });

  test("placeholders are the same in every language", () => {
    const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    const base = CATALOGUES[DEFAULT_LANGUAGE].messages;
    for (const [language, catalogue] of Object.entries(CATALOGUES)) {
      for (const [key, text] of Object.entries(catalogue.messages)) {
        assert.deepEqual(placeholders(text), placeholders(base[key]), `${language}.${key}`);
      }
    }
  });
});

describe("supportedLanguage", () => {
  test("takes the primary subtag and falls back to Dutch", () => {
    assert.equal(supportedLanguage("en-GB"), "en");
    assert.equal(supportedLanguage("NL"), "nl");
    assert.equal(supportedLanguage("fr"), "nl");
    assert.equal(supportedLanguage(""), "nl");
    assert.equal(supportedLanguage(undefined), "nl");
  });
});

describe("catalogueFor", () => {
  test("translates with parameters in the chosen language", () => {
    const english = catalogueFor("en");

    assert.equal(english.language, "en");
    assert.equal(english.dir, "ltr");
    assert.equal(english.t("budgetLimits", { max: "€500.00", instant: "€250.00" }),
      "You can ask for at most €500.00. Up to €250.00 you hear at once that you get it.");
  });

  test("an unknown key is an error, not an empty text", () => {
    assert.throws(() => catalogueFor("nl").t("noSuchKey"), /No message for key: noSuchKey/);
  });
});

describe("format", () => {
  test("leaves unknown placeholders in place", () => {
    assert.equal(format("{a} and {b}", { a: 1 }), "1 and {b}");
  });
});

describe("formatEuro", () => {
  test("uses Dutch notation for nl", () => {
    assert.equal(formatEuro("1250.00", "nl-NL").replace(/\s/g, " "), "€ 1.250,00");
  });

  test("gives an empty text for missing amounts", () => {
    assert.equal(formatEuro(null, "nl-NL"), "");
    assert.equal(formatEuro("", "nl-NL"), "");
    assert.equal(formatEuro("abc", "nl-NL"), "");
  });
});

describe("inheritedLanguage", () => {
  // Just enough of the DOM: elements with attributes, a shadow root with a host.
  const element = (attributes, parentNode = null) => ({
    nodeType: 1,
    parentNode,
    hasAttribute: (name) => Object.hasOwn(attributes, name),
    getAttribute: (name) => attributes[name],
  });

  test("finds the nearest lang across a shadow root", () => {
    const html = element({ lang: "nl" });
    const host = element({ lang: "en" }, html);
    const shadowRoot = { nodeType: 11, parentNode: null, host };
    const wrapper = element({}, shadowRoot);

    assert.equal(inheritedLanguage(wrapper), "en");
  });

  test("returns an empty text without any lang", () => {
    assert.equal(inheritedLanguage(element({}, element({}))), "");
  });
});
