/** Reading a config file's JSON: a syntax error is a ConfigError naming the file, line and column. */
import { ConfigError } from "../util/errors.ts";
import { JsonSyntaxError, parseJson } from "../util/json.ts";

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

/** One warning per field of `fields` that the format does not know. */
export function unknownFieldWarnings(
  fields: Record<string, unknown>,
  known: ReadonlySet<string>,
  file: string,
): string[] {
  return Object.keys(fields)
    .filter((key) => !known.has(key) && !isCommentKey(key))
    .map((key) => `${file}: unknown field "${key}" ignored`);
}
