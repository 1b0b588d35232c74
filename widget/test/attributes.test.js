import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ATTRIBUTES, OBSERVED_ATTRIBUTES, parseAttribute } from "../src/attributes.js";

describe("parseAttribute", () => {
  test("missing or empty values give the default without an error", () => {
    for (const name of OBSERVED_ATTRIBUTES) {
      assert.deepEqual(parseAttribute(name, null), { value: ATTRIBUTES[name].default, error: null });
      assert.deepEqual(parseAttribute(name, "  "), { value: ATTRIBUTES[name].default, error: null });
    }
  });

  test("slugs are accepted as written", () => {
    assert.equal(parseAttribute("municipality", "bergen-op-zoom").value, "bergen-op-zoom");
    assert.equal(parseAttribute("neighbourhood", " kalsdonk ").value, "kalsdonk");
  });

  test("an invalid slug falls back to the default with an error", () => {
    const result = parseAttribute("municipality", "Roosendaal <script>");

    assert.equal(result.value, "");
    assert.match(result.error, /invalid municipality="Roosendaal <script>"/);
  });

  test("language tags are lower-cased and checked", () => {
    assert.equal(parseAttribute("lang", "en-GB").value, "en-gb");
    assert.equal(parseAttribute("lang", "english please").value, "");
    assert.notEqual(parseAttribute("lang", "english please").error, null);
  });

  test("the api base gets a trailing slash and loses query and fragment", () => {
    assert.equal(parseAttribute("api", "https://kanskaart.example.nl").value, "https://kanskaart.example.nl/");
    assert.equal(
      parseAttribute("api", "https://www.example.nl/kanskaart?x=1#top").value,
      "https://www.example.nl/kanskaart/",
    );
  });

  test("the api base must be an absolute http or https URL", () => {
    for (const value of ["javascript:alert(1)", "/relative/path", "ftp://example.nl/", "data:text/plain,x"]) {
      const result = parseAttribute("api", value);

      assert.equal(result.value, "", value);
      assert.notEqual(result.error, null, value);
    }
  });

  test("an unknown attribute name is a programming error", () => {
    assert.throws(() => parseAttribute("colour", "red"), /Unknown attribute: colour/);
  });
});
