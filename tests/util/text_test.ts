import { assertEquals } from "../assert.ts";
import { briefly, decodeText } from "../../src/util/text.ts";

Deno.test("decodeText reads a config file in each encoding Windows saves it in", async (t) => {
  const text = '{ "q": "Café £" }';
  const utf8 = new TextEncoder().encode(text);
  const utf16 = (littleEndian: boolean) => {
    const bytes = new Uint8Array(2 + text.length * 2);
    const view = new DataView(bytes.buffer);
    view.setUint16(0, 0xfeff, littleEndian);
    for (let i = 0; i < text.length; i++) view.setUint16(2 + 2 * i, text.charCodeAt(i), littleEndian);
    return bytes;
  };
  const cases: [string, Uint8Array][] = [
    ["UTF-8 (é is two bytes, never read as ANSI)", utf8],
    ["UTF-8 with its mark (Notepad)", new Uint8Array([0xef, 0xbb, 0xbf, ...utf8])],
    ["UTF-16 LE (PowerShell 5's Out-File)", utf16(true)],
    ["UTF-16 BE", utf16(false)],
    ["Windows-1252 (Notepad's ANSI)", Uint8Array.from(text, (c) => c.charCodeAt(0))],
  ];
  for (const [name, bytes] of cases) {
    await t.step(name, () => assertEquals(decodeText(bytes), text));
  }
  await t.step("Windows-1252 beyond Latin-1: the euro sign is 0x80", () => {
    assertEquals(decodeText(new Uint8Array([0x80, 0x35])), "€5");
  });
});

Deno.test("briefly: a summary cell keeps file names, not folders, and ends with … when cut at a word", () => {
  assertEquals(
    briefly("/tmp/ws/config/broken-prod-instance-queues.json: malformed JSON at line 1 column 16", 60),
    "broken-prod-instance-queues.json: malformed JSON at line 1…",
  );
  assertEquals(
    briefly("C:\\connect-metrics\\config\\a-instance-queues.json: field", 60),
    "a-instance-queues.json: field",
  );
  assertEquals(briefly("short enough", 60), "short enough");
  const url = "cannot reach https://connect.eu-west-2.amazonaws.com/metrics/current/i-1 as arn:aws:iam::1:role/r/x";
  assertEquals(briefly(url, 200), url, "URLs and ARNs are not paths");
  assertEquals(briefly("x".repeat(70), 60), `${"x".repeat(60)}…`);
});
