/** Secrets masked in every form a message can carry them. */
import { assert, assertEquals } from "../assert.ts";
import { redact, registerSecret } from "../../src/util/redact.ts";

Deno.test("a registered secret is masked as typed, %-encoded, %-decoded and JSON-escaped", () => {
  // A Power BI key is base64: + / = are %-encoded when an error body quotes the URL back.
  const key = "pQ9+xY/z3kL8mN2=";
  registerSecret(key);
  // Not after a "key=", which a pattern masks anyway: an error body's own words.
  const said = [
    `The access key ${key} is not valid`,
    `The access key ${encodeURIComponent(key)} is not valid`,
    `{"error":{"message":"Key '${encodeURIComponent(key)}' was revoked"}}`,
  ];
  for (const text of said) assert.ok(!redact(text).includes("pQ9"), redact(text));

  const quoted = 'pa"ss\\word-1234';
  registerSecret(quoted);
  assertEquals(redact(JSON.stringify({ password: quoted })), '{"password":"***"}');

  const encoded = "s3cr%2Ft-value-99";
  registerSecret(encoded);
  assertEquals(redact("the proxy said s3cr/t-value-99"), "the proxy said ***");
});
