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
  const utf16 = utf16Encoding(bytes);
  if (utf16) return new TextDecoder(utf16).decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/** Why a file the user saved has the wrong name: said wherever a `.txt` copy is found instead. */
export const NOTEPAD_ADDS_TXT = 'Notepad adds ".txt" to the name, and Explorer hides it';

/** The UTF-16 encoding that `bytes` start with the byte-order mark of, if any. */
export function utf16Encoding(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

/**
 * The largest file the user edits that is read: a client config of 10,000
 * queues is under 1 MB. A larger file is a mistake (the wrong file, a
 * runaway script) that would otherwise take the machine's memory.
 */
export const MAX_USER_FILE_MB = 20;

/** A count as a person reads it: whole, with thousands separated ("300,000"). */
export function wholeNumber(n: number): string {
  return Math.round(n).toLocaleString("en-GB");
}

/** A file the user edits, read as decodeText reads it; refused, before it is read, when over MAX_USER_FILE_MB. */
export async function readUserText(path: string): Promise<string> {
  const { size } = await Deno.stat(path);
  if (size > MAX_USER_FILE_MB * 1024 * 1024) {
    throw new Error(
      `it is ${Math.round(size / 1024 / 1024)} MB, more than any of this tool's files could need (at most ` +
        `${MAX_USER_FILE_MB} MB): is it the right file?`,
    );
  }
  return decodeText(await Deno.readFile(path));
}

/**
 * A value as the user meant it: `set NAME="C:\My Folder\config"` in a
 * Windows console keeps the quotes in the value (only `setx` drops them),
 * and no path or URL starts and ends with a quote.
 */
export function unquoted(value: string): string {
  return value.trim().replace(/^"(.*)"$/s, "$1").replace(/^'(.*)'$/s, "$1").trim();
}

/**
 * `text` for a table cell: paths as their file names (URLs and ARNs as
 * they are), and cut at a word boundary to about `max` characters, with
 * "…", when longer.
 */
export function briefly(text: string, max: number): string {
  const short = text.replace(/(?<![\w:/.\\])(?:[A-Za-z]:)?[\\/](?:[^\s\\/:]+[\\/])+([^\s\\/:]+)/g, "$1");
  if (short.length <= max) return short;
  // One character more, so that a word ending just at `max` is kept whole.
  const head = short.slice(0, max + 1);
  const atWord = head.replace(/[\s,;:(-]+\S*$/, "");
  return `${atWord !== head && atWord ? atWord : short.slice(0, max)}…`;
}
