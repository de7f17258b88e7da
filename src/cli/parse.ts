/**
 * The one flag parser of every command: node:util parseArgs, strict, typed
 * from each command's options declared `as const`, its errors turned into
 * one-line UsageErrors; and the small checks several commands share.
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { awsRegionOf } from "../config/client_config.ts";
import { UsageError } from "../util/errors.ts";
import { didYouMean } from "../util/spelling.ts";

/** The values parseArgs gives for `options`, typed from their declaration. */
export type FlagValues<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>
>["values"];

/** parseArgs, strict, with its errors turned into one-line UsageErrors. */
export function parseFlags<T extends ParseArgsOptionsConfig>(argv: string[], options: T): FlagValues<T> {
  let values: FlagValues<T>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const message = (e as Error).message.replace(/\.?\s*To specify.*$/s, "").split("\n")[0];
    const flags = Object.keys(options).map((name) => `--${name}`);
    // No hint: main prints the usage under every UsageError.
    throw new UsageError(
      message.replace(/^Unknown option '(.*)'$/, (_, flag) => `unknown flag '${flag}'${didYouMean(flag, flags)}`)
        .replace(/^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing$/, "$1 needs a value")
        // Most often the rest of a folder name with a space in it, typed without quotes.
        .replace(
          /^Unexpected argument '(.*)'\. This command does not take positional arguments$/s,
          `unexpected argument '$1': each value goes right after its flag, and one with a space needs quotes ` +
            `(--output-dir "C:\\MI Reports\\output")`,
        ),
    );
  }
  for (const [name, value] of Object.entries(values)) {
    // Windows reads \" as a quote inside the value: "C:\MI\output\" --push arrives as one value, C:\MI\output" --push.
    const quote = /-(dir|file)$/.test(name) && typeof value === "string" ? value.indexOf('"') : -1;
    if (typeof value === "string" && quote >= 0) {
      throw new UsageError(
        `--${name} ${value.slice(0, quote + 1)} holds a quote, which no path can` +
          (value.length > quote + 1 ? ", and took in the words after it" : "") +
          `: in a Windows command a backslash just before the closing quote keeps the quote; ` +
          `leave that backslash out (--${name} "C:\\MI Reports\\output")`,
      );
    }
  }
  return values;
}

/** A flag's value trimmed; undefined when not given or blank. */
export function trimmed(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** A flag that must be given. */
export function required(value: string | undefined, name: string, example: string): string {
  const given = trimmed(value);
  if (given === undefined) throw new UsageError(`missing --${name} (e.g. --${name} ${example})`);
  return given;
}

/** A whole number from `min` to `max`, or `fallback` when not given. */
export function integer(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} expects a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** --region, checked here: a misspelt Region would otherwise reach AWS as an unknown host name. */
export function regionFlag(value: string | undefined): string | undefined {
  const given = trimmed(value);
  if (given === undefined) return undefined;
  // "EU-WEST-2" is eu-west-2, as in the client config; a variable other tools read too is taken as it is.
  const region = awsRegionOf(given);
  if (!region) throw new UsageError(`--region expects an AWS Region such as eu-west-2, got "${given}"`);
  return region;
}

/**
 * --profile is an AWS profile's name, which also names the config file. A
 * config file's name or path in its place (dragged into the prompt from
 * Explorer) gets the name to give instead.
 */
export function profileFlag(value: string): string {
  const file = value.trim().replace(/^.*[\\/]/, "");
  if (!/\.json(\.txt)?$/i.test(file)) return value.trim();
  const name = file.replace(/(-instance-queues)?\.json(\.txt)?$/i, "");
  throw new UsageError(`--profile takes the AWS profile's name, not a file: --profile ${name}`);
}

/** `--a` and `--b` given together, where only one makes sense. */
export function notBoth(a: unknown, b: unknown, names: string): void {
  if (a && b) throw new UsageError(`give ${names}, not both`);
}
