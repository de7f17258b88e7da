/**
 * Reading a config file's JSON: a syntax error is a ConfigError naming the
 * file, line and column; fields it does not know are named in warnings.
 */
import { ConfigError } from "../util/errors.ts";
import { JsonSyntaxError, parseJson } from "../util/json.ts";
import { didYouMean, looseName } from "../util/spelling.ts";

export function parseConfigJson(text: string, file: string): unknown {
  try {
    return parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new ConfigError(`${file}: ${e.message}`);
    throw e;
  }
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keys that are comments in a config or settings file: `"//..."` and `"$comment..."`. */
export const isCommentKey = (key: string) => key.startsWith("//") || key.startsWith("$comment");

/** One warning per field of `fields` that the format does not know, with the field it most likely stands for. */
export function unknownFieldWarnings(
  fields: Record<string, unknown>,
  known: ReadonlySet<string>,
  file: string,
): string[] {
  return Object.keys(fields)
    .filter((key) => !known.has(key) && !isCommentKey(key))
    .map((key) => `${file}: unknown field "${key}" ignored${didYouMean(key, [...known], { quoted: true })}`);
}

/**
 * `fields` with each key that is a known field written another way (case,
 * `_`, `-`, spaces: "powerBIUrl") under the known name. The same field
 * written twice is a one-line error.
 */
export function withKnownNames(
  fields: Record<string, unknown>,
  known: ReadonlySet<string>,
  file: string,
): Record<string, unknown> {
  const byLooseName = new Map([...known].map((name) => [looseName(name), name]));
  const named: Record<string, unknown> = {};
  const writtenAs = new Map<string, string>();
  for (const [key, value] of Object.entries(fields)) {
    const name = known.has(key) ? key : byLooseName.get(looseName(key)) ?? key;
    const earlier = writtenAs.get(name);
    if (earlier !== undefined) {
      throw new ConfigError(`${file}: field "${name}" is there twice, as "${earlier}" and "${key}"; keep one`);
    }
    writtenAs.set(name, key);
    named[name] = value;
  }
  return named;
}
