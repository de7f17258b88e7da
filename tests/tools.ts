/**
 * The preinstalled tools some tests need (moto_server, aws, cfn-lint, openssl), and
 * moto_server itself on a free loopback port. Without a tool those tests
 * are skipped with a message saying which, except under CI, where they fail.
 */
import { join } from "node:path";
import { REPO } from "./helpers.ts";

export const SCRIPTS = join(REPO, "scripts");
const decoder = new TextDecoder();

/** The tools of `names` that are not on PATH. */
export async function missingTools(names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const name of names) {
    const found = await new Deno.Command("sh", { args: ["-c", `command -v ${name}`], stdout: "null", stderr: "null" })
      .output()
      .then((o) => o.success, () => false);
    if (!found) missing.push(name);
  }
  return missing;
}

/**
 * `Deno.test` options for tests that need `tools`: ignored with a message
 * when one is missing, failing instead when CI is set.
 */
export async function needs(tools: readonly string[]): Promise<{ ignore: boolean; check: () => void }> {
  const missing = await missingTools(tools);
  const ci = Boolean(Deno.env.get("CI"));
  if (missing.length > 0 && !ci) {
    console.warn(`skipping tests that need ${missing.join(", ")}: not installed (under CI they fail instead)`);
  }
  return {
    ignore: missing.length > 0 && !ci,
    check: () => {
      if (missing.length > 0) throw new Error(`CI is set but ${missing.join(", ")} is not installed`);
    },
  };
}

/** A free loopback port: bind port 0, read it, let it go. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export interface Moto {
  readonly url: string;
  close(): Promise<void>;
}

/** moto_server on a free port, ready; `env` e.g. INITIAL_NO_AUTH_ACTION_COUNT. */
export async function startMoto(env: Record<string, string> = {}): Promise<Moto> {
  const port = freePort();
  const child = new Deno.Command("moto_server", {
    args: ["-H", "127.0.0.1", "-p", String(port)],
    env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
  };
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(`${url}/moto-api/`);
      await response.body?.cancel();
      return { url, close };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await close();
  throw new Error(`moto_server did not start on ${url}`);
}

export interface ScriptResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a script with an isolated AWS environment aimed at `endpoint`, in a
 * home folder of its own unless `env.HOME` names one (one person's machine).
 */
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<ScriptResult> {
  const home = env.HOME ?? await Deno.makeTempDir({ prefix: "connect-metrics-deploy-" });
  try {
    const output = await new Deno.Command("bash", {
      args: [join(SCRIPTS, script), ...args],
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: home,
        AWS_CONFIG_FILE: join(home, "config"),
        AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
        AWS_ACCESS_KEY_ID: "AKIADEPLOYTEST000001",
        AWS_SECRET_ACCESS_KEY: "deploy-test-secret",
        AWS_DEFAULT_REGION: "eu-west-2",
        ...env,
      },
      clearEnv: true,
    }).output();
    return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
  } finally {
    if (!env.HOME) await Deno.remove(home, { recursive: true });
  }
}

/** `KEY<tab>VALUE` lines of a stack's outputs, as the scripts print them. */
export function stackOutputs(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout.split("\n").filter((l) => l.includes("\t")).map((l) => l.split("\t") as [string, string]),
  );
}

/** The preinstalled AWS CLI against `endpoint` with throwaway keys; its stdout as JSON. */
export async function awsJson(endpoint: string, args: string[]): Promise<Record<string, unknown>> {
  const output = await new Deno.Command("aws", {
    args: ["--endpoint-url", endpoint, "--output", "json", ...args],
    env: { AWS_ACCESS_KEY_ID: "AKIADEPLOYTEST000001", AWS_SECRET_ACCESS_KEY: "x", AWS_DEFAULT_REGION: "eu-west-2" },
  }).output();
  if (!output.success) throw new Error(`aws ${args.join(" ")}: ${decoder.decode(output.stderr)}`);
  return JSON.parse(decoder.decode(output.stdout));
}
