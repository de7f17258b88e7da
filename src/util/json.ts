/** JSON parsing whose errors say where: line and column, on one line. */

export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
  constructor(
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`malformed JSON at line ${line} column ${column}: ${problem}`);
  }
}

/**
 * JSON indented by two spaces, with every character beyond ASCII written as
 * `\uXXXX`, as Python's json.dump writes it: a reader that takes the file
 * for ANSI (Windows PowerShell 5's Get-Content, the 2019 script) still gets
 * "Café", not "CafÃ©".
 */
export function stringifyAscii(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** `JSON.parse`, but a syntax error is a `JsonSyntaxError` with a position. */
export function parseJson(text: string): unknown {
  // Notepad and PowerShell 5's Out-File -Encoding utf8 start the file with a byte-order mark.
  const json = text.replace(/^\uFEFF/, "");
  try {
    return JSON.parse(json);
  } catch {
    const { offset, problem } = findSyntaxError(json);
    const before = json.slice(0, offset).split("\n");
    throw new JsonSyntaxError(
      before.length,
      before[before.length - 1].length + 1,
      problem,
    );
  }
}

/**
 * What hand-edited JSON most often gets wrong where a name or value should
 * start, in words: quotes from Word or Outlook, single quotes, comments.
 */
function unexpected(text: string, i: number, expected: string): string {
  const c = text[i];
  if (c === undefined) return `${expected}, found the end of the file`;
  if ("\u201c\u201d\u2018\u2019".includes(c)) {
    return `curly quotes (${c}), as Word and Outlook type them: use straight double quotes (")`;
  }
  if (c === "'") return `text needs double quotes ("), not single quotes (')`;
  if (text.startsWith("//", i) || text.startsWith("/*", i)) {
    return 'JSON has no comments: write a note as "// note": "..." instead';
  }
  const word = /^[A-Za-z_$][\w$-]*/.exec(text.slice(i))?.[0];
  if (word && expected.includes("name")) return `a name needs double quotes: "${word}"`;
  if (word && /^(true|false|null|none)$/i.test(word)) return "JSON writes true, false and null in lower case";
  if (word) return `text needs double quotes: "${word}"`;
  return `${expected}, found ${JSON.stringify(c)}`;
}

/** How deep the syntax walk goes before it says so: no file of this tool's nests more than a few levels. */
const MAX_DEPTH = 256;

/**
 * Walks the text as a JSON grammar and returns where it first breaks.
 * Only called once JSON.parse has failed, whose messages do not always
 * carry a position.
 */
function findSyntaxError(text: string): { offset: number; problem: string } {
  let i = 0;
  let depth = 0;
  // Typed on the const, so that TypeScript narrows after a call.
  const fail: (problem: string, at?: number) => never = (problem, at = i) => {
    throw { offset: at, problem };
  };
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const describe = () => i >= text.length ? "end of file" : JSON.stringify(text[i]);
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(unexpected(text, i, "expected a value"));
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\n") fail("line break inside a string");
      i += text[i] === "\\" ? 2 : 1;
    }
    if (i >= text.length) fail("unterminated string");
    i++;
  };
  /** After `,` at `comma`: the list must go on, not close. */
  const noTrailingComma = (comma: number, close: string) => {
    ws();
    if (text[i] === close) fail(`a ',' after the last entry: remove it (JSON allows none before '${close}')`, comma);
  };
  const value = (): void => {
    ws();
    const c = text[i];
    // Deep enough to be no config, and to stop short of the stack's end.
    if ((c === "{" || c === "[") && depth >= MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
    depth++;
    try {
      valueAt(c);
    } finally {
      depth--;
    }
  };
  const valueAt = (c: string | undefined): void => {
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(unexpected(text, i, 'expected a "quoted" name'));
        string();
        ws();
        if (text[i] !== ":") fail(`expected ':' after a name, found ${describe()}`);
        i++;
        value();
        ws();
        if (text[i] === ",") {
          noTrailingComma(i++, "}");
          continue;
        }
        if (text[i] === "}") return void i++;
        fail(text[i] === '"' ? "a ',' is missing before this entry" : `expected ',' or '}', found ${describe()}`);
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ",") {
          noTrailingComma(i++, "]");
          continue;
        }
        if (text[i] === "]") return void i++;
        fail(`expected ',' or ']', found ${describe()}`);
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (number) {
      i += number[0].length;
      return;
    }
    fail(unexpected(text, i, "expected a value"));
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe()} after the end`);
  } catch (e) {
    if (typeof e === "object" && e !== null && "offset" in e) {
      return e as { offset: number; problem: string };
    }
    throw e;
  }
  return { offset: 0, problem: "not valid JSON" };
}
