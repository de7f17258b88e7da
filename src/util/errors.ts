/**
 * The few kinds of failure a user can meet. Each carries a one-line message
 * for the user and an optional hint; only `main.ts` turns them into exit codes.
 */

/** A flag or argument on the command line is wrong (exit 2). */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** A config or settings file is missing or invalid, or a folder the run writes to cannot be written (exit 2). */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** AWS refused or failed a call, or the network did (exit 1). */
export class AwsError extends Error {
  override name = "AwsError";
  constructor(
    message: string,
    readonly hint?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The push destination (Power BI, Event Hubs) refused the rows or could not be reached (exit 1). */
export class PushError extends Error {
  override name = "PushError";
  constructor(
    message: string,
    readonly hint?: string,
    /** The HTTP status, when the destination answered. */
    readonly status?: number,
    /** Rows of this destination left waiting in the outbox, when the push loop counted them. */
    readonly waitingRows?: number,
  ) {
    super(message);
  }
}

/** A file the run writes could not be written once the run was under way (exit 1). */
export class WriteError extends Error {
  override name = "WriteError";
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** Exit codes: the contract with schedulers and wrappers. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The exit code for an error thrown anywhere below `main.ts`. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigError) {
    return EXIT.usage;
  }
  return EXIT.failure;
}
