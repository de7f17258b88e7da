/**
 * `deno task compile`: dist/connect-metrics.exe (Windows x86_64) and
 * dist/connect-metrics (Linux x86_64), with the permission set of deno.json
 * (`-P`, never -A), config/ embedded as defaults, and assets/connect-metrics.ico
 * as the Windows icon when it exists. `--only windows|linux` builds one.
 *
 * deno compile downloads the target's runtime (denort) from Deno's servers.
 * On a machine that cannot reach them, set DENORT_BIN to a denort binary of
 * the target platform, or place denort-<target>.zip in Deno's cache (see docs/development.md).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CA_STORES } from "../src/util/tls_trust.ts";

const ROOT = join(import.meta.dirname!, "..");
export const TARGETS = {
  windows: { target: "x86_64-pc-windows-msvc", output: "dist/connect-metrics.exe" },
  linux: { target: "x86_64-unknown-linux-gnu", output: "dist/connect-metrics" },
} as const;
export const ICON = "assets/connect-metrics.ico";

/**
 * How the exe runs, which `deno task start` and `deno task bench` copy (a
 * test holds them to it), all for memory (docs/development.md): a small new
 * space; optimising compiles on the main thread, not a thread of their own
 * (about 3 MB less for a 20-account run, a few percent slower); and `gc()`
 * for the run's one memory policy, between clients (src/app/memory.ts).
 * V8's code cache stays on (deno compile writes it on the first run): 0.1 to
 * 0.15 s less to start, for 4-5 MB.
 */
export const RUNTIME_FLAGS = [
  "--v8-flags=--max-semi-space-size=2,--no-concurrent-recompilation,--expose-gc",
] as const;

/** The `deno compile` arguments for one target (pure, tested). */
export function compileArgs(target: keyof typeof TARGETS, withIcon: boolean): string[] {
  const { target: triple, output } = TARGETS[target];
  return [
    "compile",
    "-q",
    "-P",
    ...RUNTIME_FLAGS,
    "--include",
    "config",
    "--target",
    triple,
    "--output",
    output,
    ...(withIcon && target === "windows" ? ["--icon", ICON] : []),
    "main.ts",
  ];
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { only: { type: "string" } }, strict: true });
  const only = values.only as keyof typeof TARGETS | undefined;
  if (only && !(only in TARGETS)) {
    console.error(`error: --only expects windows or linux, got "${only}"`);
    Deno.exit(2);
  }
  const withIcon = await Deno.stat(join(ROOT, ICON)).then(() => true, () => false);
  for (const target of only ? [only] : (Object.keys(TARGETS) as (keyof typeof TARGETS)[])) {
    const args = compileArgs(target, withIcon);
    console.log(`deno ${args.join(" ")}`);
    // Trust settings in deno compile's environment are built into the exe and outrank the ones the tool sets
    // when it starts (src/util/tls_trust.ts): build in those, whatever this machine has.
    const env = { DENO_TLS_CA_STORE: DEFAULT_CA_STORES };
    const { code } = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, env }).spawn().status;
    if (code !== 0) {
      console.error(
        `error: deno compile for ${TARGETS[target].target} failed; without access to Deno's servers, ` +
          "set DENORT_BIN (see docs/development.md: Building the executable)",
      );
      Deno.exit(code);
    }
  }
}
