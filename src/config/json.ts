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
