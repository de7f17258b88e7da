/**
 * The 2019 command lines as their users typed them, in today's flags, so a
 * scheduled task keeps its arguments: the Python script's argparse
 * abbreviations (`--env dev`), and the PowerShell wrapper's parameters
 * (`-Client tradeuk -Environment dev -ProfileName P -PowerBIUrl URL`, also
 * `-Client:tradeuk`). Today's own flags win, and take no abbreviations.
 */
import { UsageError } from "../util/errors.ts";

/** The 2019 Python script's flags (argparse took any start of one that fits no other). */
const SCRIPT_FLAGS = ["client", "environment", "profile"];

/** The 2019 PowerShell wrapper's parameters (any case, any start that fits one only) and what each is now. */
const WRAPPER_PARAMETERS: Record<string, string> = {
  Client: "--client",
  Environment: "--environment",
  ProfileName: "--profile",
  PowerBIUrl: "--push",
};

/** Today's flags for the 2019 forms in `argv`; `flags` are the command's own (never abbreviated). */
export function from2019Flags(argv: readonly string[], flags: readonly string[]): string[] {
  return argv.map((arg) => {
    const script = arg.match(/^--([a-z-]+)(=.*)?$/s);
    if (script && !flags.includes(script[1])) {
      const [full, ...others] = SCRIPT_FLAGS.filter((f) => f.startsWith(script[1]));
      return full && others.length === 0 ? `--${full}${script[2] ?? ""}` : arg;
    }
    const wrapper = arg.match(/^-([a-z]+)(?::(.*))?$/is);
    if (!wrapper) return arg;
    const typed = wrapper[1].toLowerCase();
    const fits = Object.keys(WRAPPER_PARAMETERS).filter((p) => p.toLowerCase().startsWith(typed));
    // -P could be -ProfileName or -PowerBIUrl: PowerShell itself refuses it as ambiguous.
    if (fits.length > 1) {
      throw new UsageError(
        `-${wrapper[1]} is ambiguous: it could be ${fits.map((p) => `-${p}`).join(" or ")}; write more of it`,
      );
    }
    if (fits.length !== 1) return arg;
    return WRAPPER_PARAMETERS[fits[0]] + (wrapper[2] === undefined ? "" : `=${wrapper[2]}`);
  });
}

/**
 * `--push` takes an optional value, which parseArgs cannot express:
 * `--push`, `--push URL` and `--push=URL` (the wrapper's `-PowerBIUrl URL`)
 * become `--push` plus `--push-url`.
 */
export function splitOptionalPush(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--push=")) {
      out.push("--push", "--push-url", arg.slice("--push=".length));
    } else if (arg === "--push" && i + 1 < argv.length && !argv[i + 1].startsWith("-")) {
      out.push("--push", "--push-url", argv[++i]);
    } else {
      out.push(arg);
    }
  }
  return out;
}
