/**
 * `deno task package [--exe PATH]...`: dist/connect-dashboard-metrics.zip
 * for the MI team: the executable(s), config/ examples, settings.example.json,
 * README-MI.md, the deploy scripts and templates, and SHA256SUMS. Built with
 * fflate, not a `zip` binary, so it works the same on Windows.
 */
import { basename, dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { strToU8, zipSync } from "fflate";
import { CONFIG_SUFFIX } from "../src/config/client_config.ts";

export const ROOT = join(import.meta.dirname!, "..");
export const PACKAGE_NAME = "connect-dashboard-metrics";
export const DEFAULT_EXES = ["dist/connect-metrics.exe", "dist/connect-metrics"];

/** Repository files that go in the package, as [path in repo, path in zip]. */
async function packagedFiles(root: string): Promise<[string, string][]> {
  const files: [string, string][] = [
    ["README-MI.md", "README-MI.md"],
    ["config/settings.example.json", "settings.example.json"],
  ];
  for (const dir of ["config", "scripts"]) {
    for await (const entry of Deno.readDir(join(root, dir))) {
      if (!entry.isFile && !entry.isDirectory) continue;
      if (entry.isDirectory) {
        for await (const inner of Deno.readDir(join(root, dir, entry.name))) {
          if (inner.isFile) files.push([join(dir, entry.name, inner.name), join(dir, entry.name, inner.name)]);
        }
      } else if (
        // Build scripts are for this repository, not for the MI team.
        !(dir === "scripts" && (entry.name.endsWith(".ts") || entry.name === "package.sh")) &&
        // A client file in config/ beside the exe would be run by --all, and fail, on every run of the MI team.
        !(dir === "config" && entry.name.endsWith(CONFIG_SUFFIX))
      ) {
        files.push([join(dir, entry.name), join(dir, entry.name)]);
      }
    }
  }
  return files.sort((a, b) => a[1].localeCompare(b[1]));
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every file of the package (under `connect-dashboard-metrics/`), SHA256SUMS last. */
export async function packageEntries(root: string, exes: readonly string[]): Promise<Map<string, Uint8Array>> {
  const entries = new Map<string, Uint8Array>();
  for (const exe of exes) entries.set(basename(exe), await Deno.readFile(exe));
  for (const [from, to] of await packagedFiles(root)) {
    entries.set(to.replaceAll("\\", "/"), await Deno.readFile(join(root, from)));
  }
  const sums: string[] = [];
  for (const [path, bytes] of entries) sums.push(`${await sha256(bytes)}  ${path}`);
  entries.set("SHA256SUMS", strToU8(sums.join("\n") + "\n"));
  return new Map([...entries].map(([path, bytes]) => [`${PACKAGE_NAME}/${path}`, bytes]));
}

/** The zip, executables marked executable for unzip on Linux. */
export function buildZip(entries: Map<string, Uint8Array>): Uint8Array {
  const tree: Record<string, [Uint8Array, { os: number; attrs: number }]> = {};
  for (const [path, bytes] of entries) {
    const executable = /connect-metrics(\.exe)?$|\.sh$/.test(path);
    tree[path] = [bytes, { os: 3, attrs: (executable ? 0o100755 : 0o100644) << 16 }];
  }
  return zipSync(tree, { level: 9, mtime: new Date("2026-01-01T00:00:00Z") });
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { exe: { type: "string", multiple: true }, output: { type: "string" } },
    strict: true,
  });
  const requested = values.exe ?? [];
  const exes = requested.length > 0 ? requested : [];
  if (exes.length === 0) {
    for (const candidate of DEFAULT_EXES) {
      if (await Deno.stat(join(ROOT, candidate)).then(() => true, () => false)) exes.push(join(ROOT, candidate));
    }
  }
  if (exes.length === 0) {
    console.error(
      `error: no executable: run deno task compile first (${DEFAULT_EXES.join(", ")}), or give --exe PATH`,
    );
    Deno.exit(2);
  }
  for (const exe of exes) {
    if (!(await Deno.stat(exe).then((s) => s.isFile, () => false))) {
      console.error(`error: --exe ${exe}: no such file`);
      Deno.exit(2);
    }
  }
  const output = values.output ?? join(ROOT, "dist", `${PACKAGE_NAME}.zip`);
  const entries = await packageEntries(ROOT, exes);
  await Deno.mkdir(dirname(output), { recursive: true });
  const temp = `${output}.${crypto.randomUUID()}.tmp`;
  await Deno.writeFile(temp, buildZip(entries));
  await Deno.rename(temp, output);
  console.log(`${relative(Deno.cwd(), output) || output}: ${entries.size} files`);
  for (const path of entries.keys()) console.log(`  ${path}`);
}
