/**
 * What a run tells its user: on the console (as --quiet/--verbose allow)
 * and, when nobody is watching, in a log file. Every line is redacted.
 */
import { join } from "node:path";
import { cannotAppendTo } from "../util/atomic_file.ts";
import { redact } from "../util/redact.ts";
import { localTimestamp } from "../util/time.ts";

export type Verbosity = "quiet" | "normal" | "verbose";
export type LogFormat = "text" | "json";
export type Level = "info" | "detail" | "warn" | "error";

const LOG_NAME = /^connect-metrics-(\d{4}-\d\d-\d\d)\.log$/;

/** Someone is at a console that can answer (the exe was double-clicked or run by hand). */
export function isInteractive(): boolean {
  return Deno.stdin.isTerminal() && Deno.stdout.isTerminal();
}

/** `logs/connect-metrics-2026-11-28.log` under `dir`, for the local date of `now`. */
export function dailyLogFile(dir: string, now: Date): string {
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${
    String(now.getDate()).padStart(2, "0")
  }`;
  return join(dir, `connect-metrics-${day}.log`);
}

/** Deletes daily logs older than `days`; returns the names deleted. */
export async function pruneLogs(dir: string, now: Date, days: number): Promise<string[]> {
  const cutoff = now.getTime() - days * 86_400_000;
  const removed: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const day = entry.isFile ? entry.name.match(LOG_NAME)?.[1] : undefined;
      if (day && new Date(`${day}T23:59:59`).getTime() < cutoff) {
        await Deno.remove(join(dir, entry.name));
        removed.push(entry.name);
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return removed;
}

/**
 * A Reporter that also appends to a daily log in the first of `dirs` that
 * can be written, deleting logs past the retention and starting a new file
 * at midnight. Its first line says why when it is not the first folder;
 * with none writable, the console only, and a warning saying so.
 */
export async function dailyLogReporter(
  verbosity: Verbosity,
  format: LogFormat,
  dirs: readonly string[],
  retentionDays: number,
): Promise<Reporter> {
  const problems: string[] = [];
  for (const dir of dirs) {
    const problem = await cannotAppendTo(dailyLogFile(dir, new Date()));
    if (problem) {
      problems.push(`${dir}: ${problem}`);
      continue;
    }
    await pruneLogs(dir, new Date(), retentionDays).catch(() => {}); // old logs left behind are no reason to stop
    let day = new Date().toDateString();
    const reporter = new Reporter(verbosity, () => {
      const now = new Date();
      // A watch that runs past midnight starts a new file and drops the one now too old.
      if (now.toDateString() !== day) {
        day = now.toDateString();
        pruneLogs(dir, now, retentionDays).catch(() => {});
      }
      return dailyLogFile(dir, now);
    }, format);
    if (problems.length > 0) reporter.warn(`logs go to ${dir}: ${problems[0]}`);
    return reporter;
  }
  const reporter = new Reporter(verbosity, undefined, format);
  reporter.warn(`no log file: no folder for logs can be written (${problems.join("; ")})`);
  return reporter;
}

/** An error as the user sees it: `error: ...`, then `hint: ...` when it has one; `prefix` names whose it is. */
export function errorLines(error: unknown, prefix = ""): string[] {
  const { message, hint } = error as { message?: string; hint?: string };
  return [`error: ${prefix}${message ?? String(error)}`, ...(hint ? [`hint: ${hint}`] : [])];
}

/** The one way an error reaches the user: `error: ...` and `hint: ...`, redacted. */
export function printError(error: unknown): void {
  for (const line of errorLines(error)) console.error(redact(line));
}

export class Reporter {
  /**
   * Set while the console is a redrawn screen (watch mode on a terminal):
   * what would be printed goes here instead, already redacted; the log file
   * gets every line as always.
   */
  divert?: (level: Level, line: string) => void;

  /** `logFile` may be a function: watch mode moves to a new daily file at midnight. */
  constructor(
    readonly verbosity: Verbosity = "normal",
    readonly logFile?: string | (() => string),
    readonly format: LogFormat = "text",
  ) {}

  /** What the run did (shown unless --quiet). */
  info(message: string, fields?: Record<string, unknown>): void {
    if (this.verbosity !== "quiet") this.#print("info", message);
    this.#log("info", message, fields);
  }

  /** More detail (shown with --verbose; always logged). */
  detail(message: string, fields?: Record<string, unknown>): void {
    if (this.verbosity === "verbose") this.#print("detail", message);
    this.#log("detail", message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.#print("warn", `warning: ${message}`);
    this.#log("warn", message, fields);
  }

  /** A failure the user must see, even with --quiet. */
  error(message: string, fields?: Record<string, unknown>): void {
    this.#print("error", message);
    this.#log("error", message, fields);
  }

  #print(level: Level, message: string): void {
    if (this.divert) this.divert(level, redact(message));
    else if (level === "warn" || level === "error") console.error(redact(message));
    else console.log(redact(message));
  }

  /** An error as `printError` shows it (`error:` and `hint:` lines), `prefix` naming whose it is. */
  failure(error: unknown, prefix = ""): void {
    for (const line of errorLines(error, prefix)) this.error(line);
  }

  /** A line for the log file only: the console has already shown it. */
  record(level: Level, message: string, fields?: Record<string, unknown>): void {
    this.#log(level, message, fields);
  }

  /** The log file that last failed a write: said once, then tried again line by line. */
  #failing?: string;

  #log(level: Level, message: string, fields?: Record<string, unknown>): void {
    const file = typeof this.logFile === "function" ? this.logFile() : this.logFile;
    if (!file) return;
    const time = localTimestamp(Date.now());
    const line = this.format === "json"
      ? JSON.stringify({ time, level, message, ...fields })
      : `${time} ${level.toUpperCase().padEnd(6)} ${message}`;
    try {
      Deno.writeTextFileSync(file, redact(line) + "\n", { append: true });
      this.#failing = undefined;
    } catch (error) {
      // A log that cannot be written (locked by another program, disk full) must not stop the run.
      if (this.#failing === file) return;
      this.#failing = file;
      console.error(redact(`warning: cannot write the log ${file} (${(error as Error).message}); carrying on`));
    }
  }
}
