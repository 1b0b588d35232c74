// The widget must work under a strict Content-Security-Policy and must not
// turn text into markup. These rules are checked on the source, because a
// single line can break them.

import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { test } from "node:test";

const SOURCE = new URL("../src/", import.meta.url);

async function sources() {
  const files = [];
  for (const entry of await readdir(SOURCE, { recursive: true })) {
    if (entry.endsWith(".js")) {
      files.push([entry, await readFile(new URL(entry, SOURCE), "utf8")]);
    }
  }
  return files;
}

const FORBIDDEN = [
  [/\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|createContextualFragment/, "markup from strings"],
  [/\.style\b(?!s)|setAttribute\(\s*["']style["']|["']?style["']?:\s*["'`][^"'`]*:/, "an inline style"],
  [/\beval\(|new Function\b|setTimeout\(\s*["'`]/, "code from strings, which script-src without 'unsafe-eval' blocks"],
];

test("the source builds no markup from strings and sets no inline styles", async () => {
  const files = await sources();

  assert.ok(files.length >= 5, "no source files found");
  for (const [name, text] of files) {
    for (const [pattern, what] of FORBIDDEN) {
      assert.doesNotMatch(text, pattern, `${name} uses ${what}`);
    }
  }
});
