/** The MI package and the compile step, as far as this machine can build them. */
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { REPO } from "../helpers.ts";
import { compileArgs, RUNTIME_FLAGS } from "../../scripts/compile.ts";

const runPackage = (args: string[]) =>
  new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "--allow-read", "--allow-write", join(REPO, "scripts", "package.ts"), ...args],
    cwd: REPO,
  }).output();

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("deno task package: the zip holds the exe, config, settings example, README-MI, scripts and SHA256SUMS", async () => {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-package-" });
  try {
    const exe = join(dir, "connect-metrics.exe");
    await Deno.writeFile(exe, new TextEncoder().encode("MZ stand-in for the compiled executable"));
    const zip = join(dir, "out", "connect-dashboard-metrics.zip");
    const result = await runPackage(["--exe", exe, "--output", zip]);
    assertEquals(result.code, 0, new TextDecoder().decode(result.stderr));

    const files = unzipSync(await Deno.readFile(zip));
    const names = Object.keys(files).map((n) => n.replace(/^connect-dashboard-metrics\//, "")).sort();
    for (
      const expected of [
        "connect-metrics.exe",
        "README-MI.md",
        "settings.example.json",
        "config/instance-queues.example.json",
        "scripts/deploy-common.sh",
        "scripts/deploy-customer.sh",
        "scripts/cfn-stack.sh",
        "scripts/templates/common.yaml",
        "scripts/templates/customer.yaml",
        "SHA256SUMS",
      ]
    ) assert.ok(names.includes(expected), `${expected} is in the package: ${names.join(", ")}`);
    assert.ok(!names.some((n) => n.endsWith(".ts") || n.endsWith("package.sh")), "no build scripts in the MI package");
    assert.ok(
      !names.some((n) => n.endsWith("-instance-queues.json")),
      "no example client in config/: --all would run it, and fail, on every run",
    );

    const sums = new TextDecoder().decode(files["connect-dashboard-metrics/SHA256SUMS"]).trim().split("\n");
    assertEquals(sums.length, names.length - 1, "every file but SHA256SUMS itself is listed");
    for (const line of sums) {
      const [, hash, path] = line.match(/^([0-9a-f]{64}) {2}(.+)$/)!;
      assertEquals(await sha256(files[`connect-dashboard-metrics/${path}`]), hash, path);
    }

    const missing = await runPackage(["--exe", join(dir, "nope.exe"), "--output", zip]);
    assertEquals(missing.code, 2);
    assertMatch(new TextDecoder().decode(missing.stderr), /^error: --exe .*nope\.exe: no such file\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** scripts/package.sh as a 2019 build job runs it: no Deno flags, only the script's own. */
const runPackageSh = (args: string[], path: string) =>
  new Deno.Command("/bin/bash", {
    args: [join(REPO, "scripts", "package.sh"), ...args],
    cwd: "/",
    env: { PATH: path, HOME: Deno.env.get("HOME") ?? "/tmp" },
    clearEnv: true,
  }).output();

Deno.test("scripts/package.sh, the 2019 command, still builds dist/connect-dashboard-metrics.zip", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "connect-metrics-package-sh-" });
  const PATH = Deno.env.get("PATH") ?? "";
  try {
    await t.step("given --exe: packages that executable, from any working directory", async () => {
      const exe = join(dir, "connect-metrics.exe");
      await Deno.writeFile(exe, new TextEncoder().encode("MZ stand-in"));
      const zip = join(dir, "out.zip");
      const result = await runPackageSh(["--exe", exe, "--output", zip], `${dirname(Deno.execPath())}:${PATH}`);
      assertEquals(result.code, 0, new TextDecoder().decode(result.stderr));
      const names = Object.keys(unzipSync(await Deno.readFile(zip)));
      assert.ok(names.includes("connect-dashboard-metrics/connect-metrics.exe"), names.join(", "));
      assert.ok(!names.some((n) => n.endsWith("package.sh")), "the build script is not in the MI package");
    });

    // Compiling downloads denort from Deno's servers, which no test may reach: a stand-in deno records the calls.
    const bin = join(dir, "bin");
    await Deno.mkdir(bin);
    const calls = join(dir, "calls");
    await Deno.writeTextFile(
      join(bin, "deno"),
      `#!/bin/sh\necho "$*" >>"${calls}"\ncase "$*" in *compile*) exit "\${COMPILE_EXIT:-0}";; esac\n`,
      { mode: 0o755 },
    );
    await t.step("without --exe: compiles first, so that the zip never holds a stale executable", async () => {
      const result = await runPackageSh(["--output", join(dir, "x.zip")], `${bin}:/usr/bin:/bin`);
      assertEquals(result.code, 0, new TextDecoder().decode(result.stderr));
      assertEquals((await Deno.readTextFile(calls)).trim().split("\n"), [
        "task -q compile",
        `task -q package --output ${join(dir, "x.zip")}`,
      ]);
    });
    await t.step("a failed compile packages nothing", async () => {
      await Deno.remove(calls);
      const result = await new Deno.Command("/bin/bash", {
        args: [join(REPO, "scripts", "package.sh")],
        env: { PATH: `${bin}:/usr/bin:/bin`, COMPILE_EXIT: "1" },
        clearEnv: true,
      }).output();
      assertEquals(result.code, 1);
      assertEquals((await Deno.readTextFile(calls)).trim(), "task -q compile");
    });
    await t.step("without Deno on PATH: one line saying how to install it, exit 2", async () => {
      // Deno is installed in /usr/bin here: a PATH with only what the script needs besides it.
      const tools = join(dir, "tools");
      await Deno.mkdir(tools);
      await Deno.symlink("/usr/bin/dirname", join(tools, "dirname"));
      const result = await runPackageSh([], tools);
      assertEquals(result.code, 2);
      assertEquals(
        new TextDecoder().decode(result.stderr),
        "error: scripts/package.sh needs Deno 2.9 on PATH (npm install -g deno@2.9.6)\n",
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task compile: the permission set (never -A), config embedded, the icon on Windows only", () => {
  const windows = compileArgs("windows", true);
  assert.ok(windows.includes("-P") && !windows.includes("-A"));
  assertEquals(windows.slice(windows.indexOf("--include"), windows.indexOf("--include") + 2), ["--include", "config"]);
  assertEquals(windows.slice(windows.indexOf("--target"), windows.indexOf("--target") + 4), [
    "--target",
    "x86_64-pc-windows-msvc",
    "--output",
    "dist/connect-metrics.exe",
  ]);
  assert.ok(windows.includes("--icon"));
  assert.ok(!compileArgs("linux", true).includes("--icon"));
  assertEquals(compileArgs("windows", false).includes("--icon"), false);
});

Deno.test("deno task start and deno task bench run the source as the exe runs (the bench measures start as the exe)", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
  for (const task of ["start", "bench"]) {
    // deno run -q -P FLAGS... script: the runtime flags, no more and no fewer.
    const words = tasks[task].command.split(" ");
    assertEquals(words.slice(words.indexOf("-P") + 1, -1), [...RUNTIME_FLAGS], `deno task ${task}`);
  }
  const windows = compileArgs("windows", false);
  assertEquals(RUNTIME_FLAGS.filter((flag) => !windows.includes(flag)), []);
});
