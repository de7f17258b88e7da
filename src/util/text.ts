/**
 * Text files as Windows users save them. Files the user edits (config,
 * settings) may come from Notepad or PowerShell in any of their encodings.
 */

/**
 * `bytes` as text: UTF-16 when it starts with that byte-order mark (Windows
 * PowerShell 5's `Out-File` and `>`, Notepad's "Unicode"); UTF-8, with or
 * without its mark, when it is valid UTF-8; otherwise Windows-1252
 * (Notepad's "ANSI" on a UK or US machine), which is how the 2019 Python
 * script read every config file on Windows.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/** A file the user edits, read as decodeText reads it. */
export async function readUserText(path: string): Promise<string> {
  return decodeText(await Deno.readFile(path));
}
