/**
 * The 2019 command line, run as a subprocess with the exe's permissions,
 * against the Connect emulator: exit codes, messages and the output file.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertNotMatch } from "../assert.ts";
import { describeClockOffset } from "../../src/cli/report.ts";
import { parseClientConfig } from "../../src/config/client_config.ts";
import { addConfiguredInstances } from "../../src/simulator/fleet.ts";
import {
  ACCESS_KEY,
  type CliResult,
  PROFILE,
  REPO,
  RUN_ARGS,
  SECRET_KEY,
  seedConfig,
  withFullDisk,
  withWorkspace,
  writeConfig,
} from "../helpers.ts";

const ARGS = RUN_ARGS;

const readRows = async (path: string) => JSON.parse(await Deno.readTextFile(path)) as Record<string, unknown>[];
const noSecrets = (result: CliResult) => {
  for (const text of [result.stdout, result.stderr]) {
    assert.ok(!text.includes(SECRET_KEY), "the secret key must never be printed");
    assert.ok(!text.includes(ACCESS_KEY), "the access key must never be printed whole");
  }
};

Deno.test("the 2019 command line writes output/tradeuk-dev-metric-data.json", async () => {
  await withWorkspace(async ({ dir, server, run }) => {
    const result = await run(ARGS);
    assertEquals(result.code, 0, result.stderr);
    assertMatch(
      result.stdout,
      /^TradeUK DEV: 3 queues, 2 API requests \(0 retried\), history .* -> output\/tradeuk-dev-metric-data\.json\n$/,
    );
    const rows = await readRows(join(dir, "output", "tradeuk-dev-metric-data.json"));
    assertEquals(rows.map((r) => r.QueueName), ["BasicQueue", "Customer Services", "Collections"]);
    assertEquals(Object.keys(rows[0]), [
      "Date",
      "Client",
      "QueueName",
      "Call",
      "CONTACTS_HANDLED",
      "Abandoned",
      "Agents",
      "AGENTS_ON_CALL",
      "MaxOCW",
      "InQueue",
      "ACW",
      "Available",
    ]);
    assertMatch(rows[0].Date as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    assertEquals(new Set(rows.map((r) => r.Date)).size, 1, "one Date per run");
    assertEquals(rows[0].Client, "TradeUK");
    // The profile's own keys signed every request, in the profile's Region.
    assertEquals(server.connect.requests.map((r) => [r.accessKeyId, r.region]), [
      [ACCESS_KEY, "eu-west-2"],
      [ACCESS_KEY, "eu-west-2"],
    ]);
    noSecrets(result);
    const leftovers = [...Deno.readDirSync(join(dir, "output"))].map((e) => e.name);
    assertEquals(leftovers, ["tradeuk-dev-metric-data.json"]);
  });
});

Deno.test("the 2019 script's abbreviated flags (argparse took --env for --environment) still work", async () => {
  await withWorkspace(async ({ dir, run }) => {
    const result = await run(["--cl", "tradeuk", "--env=dev", "--prof", PROFILE]);
    assertEquals(result.code, 0, result.stderr);
    assertEquals((await readRows(join(dir, "output", "tradeuk-dev-metric-data.json"))).length, 3);
    // Only the 2019 flags are taken this way: the start of a newer one is still a mistake.
    const newer = await run([...ARGS, "--out", "elsewhere"]);
    assertEquals(newer.code, 2);
    assertMatch(newer.stderr, /^error: unknown flag '--out'\n/);
  });
});

Deno.test('--client matches a clientName with spaces or hyphens ("Trade UK" is --client tradeuk)', async () => {
  await withWorkspace(async ({ dir, run }) => {
    const result = await run(ARGS);
    assertEquals(result.code, 0, result.stderr);
    const rows = await readRows(join(dir, "output", "trade-uk-dev-metric-data.json"));
    assertEquals(rows[0].Client, "Trade UK", "the dashboard shows the name as the file has it");
  }, { ...seedConfig(), clientName: "Trade UK" });
});

Deno.test("a client name with accents: --client typed without them matches, and the file is named with the letters", async () => {
  await withWorkspace(async ({ dir, run }) => {
    const result = await run(["--client", "societe-generale", "--environment", "dev", "--profile", PROFILE]);
    assertEquals(result.code, 0, result.stderr);
    const rows = await readRows(join(dir, "output", "societe-generale-dev-metric-data.json"));
    assertEquals(rows[0].Client, "Soci\u00e9t\u00e9 G\u00e9n\u00e9rale");
  }, { ...seedConfig(), clientName: "Soci\u00e9t\u00e9 G\u00e9n\u00e9rale" });
});

Deno.test("queue and instance ids copied in capitals still get their rows (Connect's ids are lower case)", async () => {
  await withWorkspace(async ({ dir, run }) => {
    const lower = await run(ARGS);
    assertEquals(lower.code, 0, lower.stderr);
    const withoutDate = async () =>
      (await readRows(join(dir, "output", "tradeuk-dev-metric-data.json"))).map(({ Date: _, ...row }) => row);
    const expected = await withoutDate();
    const seed = seedConfig();
    const shouted = Object.fromEntries(
      Object.entries(seed.queues as Record<string, string>).map(([id, name]) => [id.toUpperCase(), name]),
    );
    await writeConfig(join(dir, "config"), PROFILE, {
      ...seed,
      instanceId: (seed.instanceId as string).toUpperCase(),
      queues: shouted,
    });
    const upper = await run(ARGS);
    assertEquals(upper.code, 0, upper.stderr);
    assertEquals(upper.stderr, "", "no queue said to be missing");
    assertEquals(await withoutDate(), expected);
  });
});

Deno.test("--output-dir is created if missing; --region overrides the profile's", async () => {
  await withWorkspace(async ({ dir, server, run }) => {
    // Typed in capitals, as the console's Region menu shows it: still the Region's code.
    const result = await run([...ARGS, "--output-dir", "reports/today", "--region", "EU-Central-1"]);
    assertEquals(result.code, 0, result.stderr);
    assertEquals((await readRows(join(dir, "reports", "today", "tradeuk-dev-metric-data.json"))).length, 3);
    assertEquals(server.connect.requests[0].region, "eu-central-1");
  });
});

Deno.test("an output or outbox folder that cannot be written is exit 2 before any call, naming it", async () => {
  await withWorkspace(async ({ dir, server, run }) => {
    // A scheduled task starts in C:\\Windows\\System32, where "output" cannot be created; here a file stands in the way.
    await Deno.writeTextFile(join(dir, "output"), "");
    const byDefault = await run(ARGS);
    assertEquals(byDefault.code, 2, byDefault.stderr);
    const [error, hint] = byDefault.stderr.split("\n");
    assertEquals(error, `error: output folder ${join(dir, "output")}: cannot write to it (it is a file, not a folder)`);
    assertEquals(
      hint,
      'hint: that is "output" in the working directory; run from a folder you can write to, or give --output-dir',
    );
    const outbox = await run([...ARGS, "--output-dir", "out", "--push", "--outbox-dir", "output/outbox"], {
      CONNECT_METRICS_POWERBI_URL: "http://127.0.0.1:9/beta/x/datasets/y/rows?key=k",
    });
    assertEquals(outbox.code, 2, outbox.stderr);
    assertMatch(outbox.stderr, /^error: outbox folder output\/outbox: cannot write to it \(/);
    assertEquals(server.connect.requests.length, 0, "nothing was fetched only to be lost");
  });
});

Deno.test("the output folder's disk is full: the client fails saying so and what to do, leaving no partial file", async () => {
  await withWorkspace(async ({ dir, run }) => {
    await withFullDisk(dir, async ({ mountPoint, free }) => {
      const outputDir = join(mountPoint, "out");
      const full = await run([...ARGS, "--output-dir", outputDir]);
      assertEquals(full.code, 1, full.stderr);
      const file = join(outputDir, "tradeuk-dev-metric-data.json");
      assertMatch(full.stderr, new RegExp(`^error: .*cannot write ${file}: No space left on device.*\n`, "m"));
      assertMatch(full.stderr, /^hint: free some space on that disk, or give --output-dir a folder on another disk$/m);
      assertNotMatch(full.stderr, /holding it open/);
      assertEquals([...Deno.readDirSync(outputDir)].map((e) => e.name), [], "no file, whole or half, and no temp file");

      // Room again: the next run writes the file.
      await free(16 * 1024);
      const again = await run([...ARGS, "--output-dir", outputDir]);
      assertEquals(again.code, 0, again.stderr);
      assertEquals((await readRows(file)).length, 3);
    });
  });
});

Deno.test("usage errors: one line, the usage, exit 2", async (t) => {
  await withWorkspace(async ({ run }) => {
    const cases: [string, string[], RegExp][] = [
      ["unknown flag", [...ARGS, "--clent", "x"], /^error: unknown flag '--clent'; did you mean --client\?\n/],
      [
        "missing --profile",
        ["--client", "tradeuk", "--environment", "dev"],
        /^error: missing --profile \(e\.g\. --profile capita-tradeuk-dev\)/,
      ],
      ["missing --client", ["--environment", "dev", "--profile", PROFILE], /^error: missing --client/],
      [
        "a folder with a space, without quotes",
        [...ARGS, "--output-dir", "C:\\MI", "Reports"],
        /^error: unexpected argument 'Reports': each value goes right after its flag, and one with a space needs quotes/,
      ],
      ["a mistyped command", ["chek", "--all"], /^error: unknown command 'chek'; did you mean check\?\n/],
      [
        "an unknown command",
        ["report"],
        /^error: unknown command 'report'; the commands are check, demo, discover, init, schema, simulate, and a fetch/,
      ],
      ["a flag without its value", [...ARGS, "--output-dir"], /^error: --output-dir needs a value\n/],
      [
        "a --region that is not a Region",
        [...ARGS, "--region", "London"],
        /^error: --region expects an AWS Region such as eu-west-2, got "London"\n/,
      ],
    ];
    for (const [name, args, pattern] of cases) {
      await t.step(name, async () => {
        const result = await run(args);
        assertEquals(result.code, 2);
        assertMatch(result.stderr, pattern);
        // One line, then the command lines: short enough that the error is still on a console's screen.
        assertMatch(
          result.stderr,
          /^error: [^\n]+\n\nUsage:\n {2}connect-metrics --client NAME --environment ENV --profile /,
        );
        assert.ok(result.stderr.split("\n").length <= 20, `${result.stderr.split("\n").length} lines`);
        assertMatch(result.stderr, /\nEvery flag and command: connect-metrics --help\n$/);
        assertEquals(result.stdout, "");
      });
    }
  });
});

Deno.test("config errors: exit 2, one line naming the file and field, no output file", async (t) => {
  await t.step("--client that disagrees with clientName", async () => {
    await withWorkspace(async ({ dir, run }) => {
      const result = await run(["--client", "acme", "--environment", "dev", "--profile", PROFILE]);
      assertEquals(result.code, 2);
      assertMatch(
        result.stderr,
        /^error: --client acme does not match clientName "TradeUK" in .*capita-tradeuk-dev-instance-queues\.json\n/,
      );
      await Deno.stat(join(dir, "output")).then(() => assert.fail("no output expected"), () => {});
    });
  });
  await t.step("--environment that disagrees with environment", async () => {
    await withWorkspace(async ({ run }) => {
      const result = await run(["--client", "TRADEUK", "--environment", "prod", "--profile", PROFILE]);
      assertEquals(result.code, 2);
      assertMatch(result.stderr, /^error: --environment prod does not match environment "DEV"/);
    });
  });
  await t.step("a bad accountId", async () => {
    await withWorkspace(async ({ run }) => {
      const result = await run(ARGS);
      assertEquals(result.code, 2);
      assertMatch(
        result.stderr,
        /^error: .*config\/capita-tradeuk-dev-instance-queues\.json: field "accountId": expected a 12-digit AWS account id in quotes, e\.g\. "111111111111", got "12-34"\n$/,
      );
    }, { ...seedConfig(), accountId: "12-34" });
  });
  await t.step("no config file for the profile", async () => {
    await withWorkspace(async ({ run }) => {
      const result = await run(["--client", "tradeuk", "--environment", "dev", "--profile", "nobody"]);
      assertEquals(result.code, 2);
      assertMatch(result.stderr, /^error: config file nobody-instance-queues\.json not found; looked in /);
      assertMatch(result.stderr, /\nhint: the file is named <profile>-instance-queues\.json: check --profile/);
      // A profile one letter off: the file that is there.
      const typo = await run(["--client", "tradeuk", "--environment", "dev", "--profile", "capita-tradeuk-dv"]);
      assertEquals(typo.code, 2);
      assertMatch(
        typo.stderr,
        /\nhint: .*config\/capita-tradeuk-dev-instance-queues\.json is there; did you mean --profile capita-tradeuk-dev\?\n/,
      );
    });
  });
  await t.step("a settings.json column with a threshold Connect does not take", async () => {
    await withWorkspace(async ({ dir, run, server }) => {
      await Deno.writeTextFile(
        join(dir, "config", "settings.json"),
        '{ "addColumns": [{ "column": "SL", "metric": "SERVICE_LEVEL", "threshold": 0 }] }',
      );
      const result = await run(ARGS);
      assertEquals(result.code, 2, result.stderr);
      assertMatch(
        result.stderr,
        /^error: .*config\/settings\.json: field "addColumns\[0\]\.threshold": expected whole seconds from 1 to 604800/,
      );
      assertEquals(server.connect.requests.length, 0, "no API call was made");
      await Deno.stat(join(dir, "output")).then(() => assert.fail("no output expected"), () => {});
    });
  });
  await t.step("two queues with one name only warn, as check's FAIL says why; both rows are written", async () => {
    const seed = seedConfig();
    const queues = Object.fromEntries(Object.keys(seed.queues as object).map((id) => [id, "Sales"]));
    await withWorkspace(async ({ dir, run }) => {
      const result = await run(ARGS);
      assertEquals(result.code, 0, result.stderr);
      assertMatch(result.stderr, /^warning: .*: 3 queues are named "sales": their rows could not be told apart\n$/);
      assertEquals((await readRows(join(dir, "output", "tradeuk-dev-metric-data.json"))).length, 3);
    }, { ...seed, queues });
  });
  await t.step("an unknown field only warns", async () => {
    await withWorkspace(async ({ run }) => {
      const result = await run(ARGS);
      assertEquals(result.code, 0, result.stderr);
      assertMatch(result.stderr, /^warning: .*: unknown field "notes" ignored\n$/);
    }, { ...seedConfig(), notes: "hello" });
  });
});

Deno.test("a runaway config file (nested deep, huge, a huge name): exit 2 with one short line naming it", async (t) => {
  const cases: [string, () => string, RegExp][] = [
    [
      "nested 100,000 deep and broken",
      () => '{"clientName": ' + "[".repeat(100_000),
      /nested more than 256 levels deep$/,
    ],
    ["25 MB", () => " ".repeat(25 * 1024 * 1024) + "{}", /cannot read: it is 25 MB, more than .* \(at most 20 MB\)/],
    [
      "a clientName of a million characters",
      () => JSON.stringify({ ...seedConfig(), clientName: "A".repeat(1_000_000) }),
      /field "clientName": expected a client's name of at most 100 characters, got "A+\.\.\.$/,
    ],
  ];
  for (const [name, text, problem] of cases) {
    await t.step(name, async () => {
      await withWorkspace(async ({ dir, run }) => {
        await Deno.writeTextFile(join(dir, "config", `${PROFILE}-instance-queues.json`), text());
        const result = await run(ARGS);
        assertEquals(result.code, 2, result.stderr.slice(0, 300));
        const [line] = result.stderr.split("\n");
        assertMatch(line, new RegExp(`^error: .*${PROFILE}-instance-queues\\.json: `));
        assertMatch(line, problem);
        assert.ok(result.stderr.length < 2_000, `${result.stderr.length} characters on stderr`);
      });
    });
  }
});

Deno.test("config and settings files saved by Windows Notepad (byte-order mark, CRLF) work", async () => {
  await withWorkspace(async ({ dir, run }) => {
    const notepad = (value: unknown) => "\uFEFF" + JSON.stringify(value, null, 2).replaceAll("\n", "\r\n") + "\r\n";
    await Deno.writeTextFile(join(dir, "config", `${PROFILE}-instance-queues.json`), notepad(seedConfig()));
    await Deno.writeTextFile(join(dir, "config", "settings.json"), notepad({ oldestContactAgeUnit: "SECONDS" }));
    const result = await run(ARGS);
    assertEquals(result.code, 0, result.stderr);
    const rows = JSON.parse(await Deno.readTextFile(join(dir, "output", "tradeuk-dev-metric-data.json")));
    assertEquals(rows.map((r: { QueueName: string }) => r.QueueName).sort(), [
      "BasicQueue",
      "Collections",
      "Customer Services",
    ]);
  });
});

Deno.test("files saved as UTF-16 (PowerShell 5) or ANSI (Notepad) are read; the output is ASCII, as in 2019", async (t) => {
  const config = seedConfig();
  const queues = config.queues as Record<string, string>;
  const [first] = Object.keys(queues);
  queues[first] = "Café £ Enquiries";
  const utf16le = (text: string) => {
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) new DataView(bytes.buffer).setUint16(2 + 2 * i, text.charCodeAt(i), true);
    return bytes;
  };
  // Windows-1252 for the characters used here: é is E9, £ is A3, as in Latin-1.
  const ansi = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  for (const [name, encode] of [["UTF-16 LE with its mark", utf16le], ["ANSI (Windows-1252)", ansi]] as const) {
    await t.step(name, async () => {
      await withWorkspace(async ({ dir, run }) => {
        const json = JSON.stringify(config, null, 2).replaceAll("\n", "\r\n");
        await Deno.writeFile(join(dir, "config", `${PROFILE}-instance-queues.json`), encode(json));
        await Deno.writeFile(join(dir, "config", "settings.json"), encode('{ "oldestContactAgeUnit": "SECONDS" }'));
        const result = await run(ARGS);
        assertEquals(result.code, 0, result.stderr);
        const text = await Deno.readTextFile(join(dir, "output", "tradeuk-dev-metric-data.json"));
        assertMatch(text, /"QueueName": "Caf\\u00e9 \\u00a3 Enquiries"/, "escaped as Python's json.dump does");
        assertNotMatch(text, /[^\t\r\n -~]/, "ASCII only: any reader gets the same names");
        assertEquals(JSON.parse(text)[0].QueueName, "Café £ Enquiries");
      });
    });
  }
});

Deno.test("keys written in quotes in the credentials file are said as such, before any call", async (t) => {
  const cases: [string, string, string, RegExp][] = [
    ["quotes", `"${ACCESS_KEY}"`, `"${SECRET_KEY}"`, /its keys are written in quotes, .*: remove the quotes\n/],
    ["a stray character", `${ACCESS_KEY}\u200b`, SECRET_KEY, /its aws_access_key_id is not an access key id/],
  ];
  for (const [name, accessKeyId, secretAccessKey, problem] of cases) {
    await t.step(name, async () => {
      await withWorkspace(async ({ dir, server, run }) => {
        await Deno.writeTextFile(
          join(dir, ".aws", "credentials"),
          `[${PROFILE}]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`,
        );
        const result = await run(ARGS);
        assertEquals(result.code, 2);
        assertMatch(result.stderr, new RegExp(`^error: AWS profile "${PROFILE}": ${problem.source}`));
        assertMatch(result.stderr, /\nhint: fix them in .*\.aws\/credentials\n$/);
        assertEquals(server.connect.requests.length, 0, "AWS would only have said the keys are invalid");
        noSecrets(result);
      });
    });
  }
});

Deno.test("a profile as `aws configure` leaves it, its keys never written: where they go, and any file in the way", async (t) => {
  const setUp = async (dir: string) => {
    await Deno.remove(join(dir, ".aws", "credentials"));
    await Deno.writeTextFile(join(dir, ".aws", "config"), `[profile ${PROFILE}]\nregion = eu-west-2\n`);
  };
  await t.step("no credentials file: said to be missing", async () => {
    await withWorkspace(async ({ dir, run }) => {
      await setUp(dir);
      const result = await run(ARGS);
      assertEquals(result.code, 2, result.stderr);
      assertEquals(result.stderr.split("\n").slice(0, 2), [
        `error: AWS profile "${PROFILE}": it has no keys (add aws_access_key_id and aws_secret_access_key under it)`,
        `hint: the keys go under [${PROFILE}] in ${
          join(dir, ".aws", "credentials")
        }, a file that does not exist yet: ` +
        "create it (README-MI.md, step 2)",
      ]);
    });
  });
  await t.step("the keys saved by Notepad as credentials.txt: rename it", async () => {
    await withWorkspace(async ({ dir, run }) => {
      await setUp(dir);
      await Deno.writeTextFile(
        join(dir, ".aws", "credentials.txt"),
        `[${PROFILE}]\naws_access_key_id = ${ACCESS_KEY}\naws_secret_access_key = ${SECRET_KEY}\n`,
      );
      const result = await run(ARGS);
      assertEquals(result.code, 2, result.stderr);
      assertMatch(
        result.stderr,
        /\nhint: .*credentials\.txt is there instead: rename it to credentials \(Notepad adds ".txt" to the name/,
      );
      noSecrets(result);
    });
  });
});

Deno.test("a failing credential_process: the profile and what to do, never its command line or its output", async () => {
  await withWorkspace(async ({ dir, run }) => {
    await Deno.writeTextFile(join(dir, ".aws", "credentials"), "");
    await Deno.writeTextFile(
      join(dir, ".aws", "config"),
      `[profile ${PROFILE}]\nregion = eu-west-2\n` +
        `credential_process = sh -c "echo vault-token-LEAKED >&2; exit 3" --password hunter2-SECRET\n`,
    );
    const result = await run([...ARGS, "--log-file", join(dir, "run.log")]);
    assertEquals(result.code, 1, result.stderr);
    assertEquals(result.stderr.split("\n").slice(0, 2), [
      `error: AWS profile "${PROFILE}": its credential_process command failed; its command line and output are not ` +
      "shown, as they can hold secrets",
      `hint: run the credential_process line of [profile ${PROFILE}] in ${join(dir, ".aws", "config")} by hand, in a ` +
      "Command Prompt, to see why",
    ]);
    const log = await Deno.readTextFile(join(dir, "run.log"));
    for (const text of [result.stdout, result.stderr, log]) {
      assert.ok(!/hunter2|LEAKED|sh -c/.test(text), text);
    }
  });
});

Deno.test("a profile with one key, or none, says which is missing, in a run and in check", async (t) => {
  const cases: [string, string, RegExp][] = [
    [
      "the secret left out",
      `aws_access_key_id = ${ACCESS_KEY}\naws_secret_access_key =\n`,
      /it has an aws_access_key_id but no aws_secret_access_key \(add the secret access key that came with it\)/,
    ],
    [
      "no keys at all",
      "region = eu-west-2\n",
      /it has no keys \(add aws_access_key_id and aws_secret_access_key under it\)/,
    ],
    [
      "keys written with a colon",
      `aws_access_key_id = ${ACCESS_KEY}\naws_secret_access_key: ${SECRET_KEY}\n`,
      /its keys are written with ":", which AWS tools do not read \(write aws_access_key_id = \.\.\., with "="\)/,
    ],
  ];
  for (const [name, section, problem] of cases) {
    await t.step(name, async () => {
      await withWorkspace(async ({ dir, server, run }) => {
        await Deno.writeTextFile(join(dir, ".aws", "credentials"), `[${PROFILE}]\n${section}`);
        const result = await run(ARGS);
        assertEquals(result.code, 2, result.stderr);
        assertMatch(result.stderr, new RegExp(`^error: AWS profile "${PROFILE}": ${problem.source}\n`));
        assertMatch(result.stderr, new RegExp(`\nhint: the keys go under \\[${PROFILE}\\] in .*\\.aws/credentials`));
        assertNotMatch(result.stderr, /case-sensitive|not found/, "the profile is there, under its own name");
        const check = await run(["check"]);
        assertMatch(
          check.stdout,
          new RegExp(`\nwarn  .*: AWS profile "${PROFILE}": ${problem.source}, so a run stops`),
        );
        assertEquals(server.connect.requests.length, 0);
        noSecrets(result);
      });
    });
  }
  // A role with nothing to assume it with: the profile is there, so no hint about its name.
  await withWorkspace(async ({ dir, run }) => {
    await Deno.writeTextFile(join(dir, ".aws", "credentials"), "");
    await Deno.writeTextFile(
      join(dir, ".aws", "config"),
      `[profile ${PROFILE}]\nrole_arn = arn:aws:iam::111111111111:role/r\n`,
    );
    const result = await run(ARGS);
    assertEquals(result.code, 2, result.stderr);
    assertMatch(
      result.stderr,
      new RegExp(`^error: AWS profile "${PROFILE}" is there, but the SDK could not get credentials`),
    );
    assertMatch(
      result.stderr,
      /\nhint: it needs aws_access_key_id and aws_secret_access_key, or a role_arn with a source_profile/,
    );
  });
  // An empty AWS_SHARED_CREDENTIALS_FILE is unset, for the SDK and for what the tool says.
  await withWorkspace(async ({ dir, run }) => {
    await Deno.writeTextFile(join(dir, ".aws", "credentials"), `[${PROFILE}]\naws_access_key_id = ${ACCESS_KEY}\n`);
    const result = await run(ARGS, { AWS_SHARED_CREDENTIALS_FILE: "", AWS_CONFIG_FILE: "" });
    assertEquals(result.code, 2, result.stderr);
    assertMatch(result.stderr, new RegExp(`\nhint: the keys go under \\[${PROFILE}\\] in ${dir}/\\.aws/credentials`));
  });
});

Deno.test("a queue deleted in Connect, answered 400 InvalidParameterException naming it, loses its row only", async () => {
  await withWorkspace(async ({ dir, server, run }) => {
    // Connect's answer to an unknown queue is not documented: an endpoint may say 400 rather than 404.
    server.connect.unknownQueueAnswer = "InvalidParameterException";
    server.model.instances.get(seedConfig().instanceId as string)!.queues.delete(
      "5b1c9a5e-3f0e-4c1a-9a57-6c1d2f0a7b11",
    );
    const result = await run(ARGS);
    assertEquals(result.code, 0, result.stderr);
    assertMatch(result.stderr, /^warning: TradeUK DEV: 1 queue\(s\) .*so no row: "Customer Services"/);
    const rows = await readRows(join(dir, "output", "tradeuk-dev-metric-data.json"));
    assertEquals(rows.map((r) => r.QueueName), ["BasicQueue", "Collections"]);
    assert.ok(
      server.connect.requests.some((r) => r.status === 400 && r.errorType === "InvalidParameterException"),
      "the emulator did answer 400",
    );
  });
});

Deno.test("a queue deleted in Connect but still in the config loses its row only; the others are written", async () => {
  await withWorkspace(async ({ dir, server, run }) => {
    const instance = server.model.instances.get(seedConfig().instanceId as string)!;
    instance.queues.delete("5b1c9a5e-3f0e-4c1a-9a57-6c1d2f0a7b11"); // "Customer Services"
    const result = await run(ARGS);
    assertEquals(result.code, 0, result.stderr);
    assertMatch(result.stdout, /^TradeUK DEV: 2 queues, \d+ API requests/);
    assertMatch(
      result.stderr,
      /^warning: TradeUK DEV: 1 queue\(s\) in .*capita-tradeuk-dev-instance-queues\.json not in instance 0d525d33-c2af-4b86-9d67-393db396e896 \(deleted in Connect\?\), so no row: "Customer Services" \(5b1c9a5e-3f0e-4c1a-9a57-6c1d2f0a7b11\); connect-metrics discover --prune --profile capita-tradeuk-dev takes them out of the file\n$/,
    );
    const rows = await readRows(join(dir, "output", "tradeuk-dev-metric-data.json"));
    assertEquals(rows.map((r) => r.QueueName), ["BasicQueue", "Collections"]);
    assert.ok(rows.some((r) => Number(r.Agents) > 0), "the other queues' values, not zeros");

    // Under --all the summary says so too, and the run is still a success.
    const all = await run(["--all"]);
    assertEquals(all.code, 0, all.stderr);
    assertMatch(all.stdout, /TradeUK DEV +2 .* ok, with a warning\n/);

    // Every queue gone: nothing to show is a failure.
    instance.queues.clear();
    const none = await run(ARGS);
    assertEquals(none.code, 1);
    assertMatch(none.stderr, /^error: ResourceNotFoundException: none of the 3 queue\(s\) in .* is in instance /);
  });
});

Deno.test("an AWS failure exits 1 and leaves the previous output file untouched", async () => {
  await withWorkspace(async ({ dir, server, run }) => {
    assertEquals((await run(ARGS)).code, 0);
    const path = join(dir, "output", "tradeuk-dev-metric-data.json");
    const before = await Deno.readTextFile(path);
    server.model.instances.clear();
    const result = await run(ARGS);
    assertEquals(result.code, 1);
    assertMatch(
      result.stderr,
      /^error: ResourceNotFoundException: Instance 0d525d33-c2af-4b86-9d67-393db396e896 not found \(client TradeUK, instance 0d525d33-c2af-4b86-9d67-393db396e896 in eu-west-2\) - check instanceId in .*capita-tradeuk-dev-instance-queues\.json, and that the instance is in eu-west-2\n/,
    );
    assertEquals(await Deno.readTextFile(path), before);
    assertEquals([...Deno.readDirSync(join(dir, "output"))].length, 1, "no temp file left behind");
    noSecrets(result);
  });
});

Deno.test("a computer clock 6 minutes slow: the rows are written, and the run says to set the clock right", async () => {
  let slowBy = 4 * 60_000;
  await withWorkspace(
    async ({ dir, server, run }) => {
      // Four minutes is within what AWS accepts: nothing refused, nothing said.
      const within = await run(ARGS);
      assertEquals([within.code, within.stderr], [0, ""]);
      assertEquals(server.connect.requests.filter((r) => r.status !== 200), []);
      slowBy = 6 * 60_000;
      const result = await run(ARGS);
      assertEquals(result.code, 0, result.stderr);
      assertMatch(result.stdout, /^TradeUK DEV: 3 queues, \d+ API requests \(\d+ retried\)/);
      assertEquals(
        result.stderr,
        "warning: this computer's clock is 6 minutes behind AWS's, and AWS refuses requests more than 5 minutes off: " +
          "the run signs them with AWS's time instead; set this computer's date, time and time zone right (Windows: " +
          "Settings > Time & language > Date & time)\n",
      );
      assertEquals((await readRows(join(dir, "output", "tradeuk-dev-metric-data.json"))).length, 3);
      assert.ok(
        server.connect.requests.some((r) => r.errorType === "InvalidSignatureException"),
        "AWS refused it first",
      );
      noSecrets(result);
    },
    seedConfig(),
    { now: () => Date.now() + slowBy },
  );
});

Deno.test("a clock hours off (a wrong time zone) is said in hours, and which way", () => {
  assertMatch(describeClockOffset(-(2 * 60 + 1) * 60_000)!, /^this computer's clock is about 2 hours ahead of AWS's/);
  assertEquals(describeClockOffset(5 * 60_000), undefined);
});

Deno.test("denied access exits 1 naming the IAM action; secrets stay out of the message", async () => {
  await withWorkspace(async ({ server, run }) => {
    server.model.deny(ACCESS_KEY, "GetCurrentMetricData");
    const result = await run(ARGS);
    assertEquals(result.code, 1);
    assertMatch(
      result.stderr,
      /^error: AccessDeniedException: .* connect:GetCurrentMetricData .*\nhint: the role needs the IAM action connect:GetCurrentMetricData/,
    );
    noSecrets(result);
  });
});

Deno.test("no Region anywhere is a config error (exit 2) saying where to set one", async () => {
  await withWorkspace(async ({ dir, run }) => {
    await Deno.writeTextFile(join(dir, ".aws", "config"), "");
    const result = await run(ARGS);
    assertEquals(result.code, 2);
    assertMatch(
      result.stderr,
      /^error: no AWS Region for client TradeUK: give --region, add "region" to .*, or set region in the AWS profile\n$/,
    );
  });
});

Deno.test("a misspelt Region in the AWS profile, AWS_REGION or AWS_DEFAULT_REGION is exit 2 naming it, before any call", async () => {
  await withWorkspace(async ({ dir, server, run }) => {
    await Deno.writeTextFile(join(dir, ".aws", "config"), `[profile ${PROFILE}]\nregion = London\n`);
    const fromProfile = await run(ARGS);
    assertEquals(fromProfile.code, 2);
    assertMatch(
      fromProfile.stderr,
      new RegExp(
        `^error: "London" is not an AWS Region \\(client TradeUK\\); it came from the region setting of AWS profile "${PROFILE}"\n` +
          "hint: write a Region code such as eu-west-2 there",
      ),
    );
    await Deno.writeTextFile(join(dir, ".aws", "config"), "");
    const fromEnv = await run(ARGS, { AWS_REGION: "eu-west-2 " });
    assertEquals(fromEnv.code, 2);
    assertMatch(
      fromEnv.stderr,
      /^error: "eu-west-2 " is not an AWS Region \(client TradeUK\); it came from the environment variable AWS_REGION\n/,
    );
    const fromBoto3Env = await run(ARGS, { AWS_DEFAULT_REGION: "London" });
    assertEquals(fromBoto3Env.code, 2);
    assertMatch(fromBoto3Env.stderr, /^error: "London" .*; it came from the environment variable AWS_DEFAULT_REGION\n/);
    assertEquals(server.connect.requests.length, 0, "Connect was never called");
  });
});

Deno.test("AWS_DEFAULT_REGION, which boto3 read for the 2019 script, is used as AWS_REGION is, above the profile's", async () => {
  await withWorkspace(async ({ dir, server, run }) => {
    await Deno.writeTextFile(join(dir, ".aws", "config"), "");
    const only = await run(ARGS, { AWS_DEFAULT_REGION: "eu-west-2" });
    assertEquals(only.code, 0, only.stderr);
    await Deno.writeTextFile(join(dir, ".aws", "config"), `[profile ${PROFILE}]\nregion = eu-central-1\n`);
    const overProfile = await run(ARGS, { AWS_DEFAULT_REGION: "eu-west-2" });
    assertEquals(overProfile.code, 0, overProfile.stderr);
    const bothVariables = await run(ARGS, { AWS_REGION: "eu-west-2", AWS_DEFAULT_REGION: "eu-central-1" });
    assertEquals(bothVariables.code, 0, bothVariables.stderr);
    assertEquals(server.connect.requests.map((r) => r.region), Array(6).fill("eu-west-2"));
  });
});

Deno.test("the config lookup through the real program: env var, beside the exe, built in", async (t) => {
  await withWorkspace(async ({ dir, server, run }) => {
    const elsewhere = join(dir, "elsewhere");
    await Deno.rename(join(dir, "config"), elsewhere);

    // The workspace config has 3 queues, the built-in example 1: the row count tells which was used.
    const queuesWritten = async () => (await readRows(join(dir, "output", "tradeuk-dev-metric-data.json"))).length;

    await t.step("CONNECT_METRICS_CONFIG_DIR", async () => {
      const result = await run(ARGS, { CONNECT_METRICS_CONFIG_DIR: elsewhere });
      assertEquals(result.code, 0, result.stderr);
      assertEquals(await queuesWritten(), 3);
    });

    await t.step('CONNECT_METRICS_CONFIG_DIR with the quotes of a console\'s set NAME="..."', async () => {
      const result = await run(ARGS, { CONNECT_METRICS_CONFIG_DIR: `"${elsewhere}"` });
      assertEquals(result.code, 0, result.stderr);
      assertEquals(await queuesWritten(), 3);
    });

    await t.step("config/ beside the executable", async () => {
      // A copy of the runtime stands in for connect-metrics.exe: Deno.execPath() is then beside our config.
      const bin = join(dir, "bin");
      await Deno.mkdir(bin);
      const exe = join(bin, "deno");
      await Deno.link(Deno.execPath(), exe).catch(() => Deno.copyFile(Deno.execPath(), exe));
      await Deno.rename(elsewhere, join(bin, "config"));
      const result = await run(ARGS, {}, exe);
      assertEquals(result.code, 0, result.stderr);
      assertEquals(await queuesWritten(), 3);
      await Deno.rename(join(bin, "config"), elsewhere);
    });

    await t.step("the built-in example when no config directory exists", async () => {
      const example = JSON.parse(await Deno.readTextFile(join(REPO, "config", `${PROFILE}-instance-queues.json`)));
      server.model.instances.clear();
      addConfiguredInstances(server.model, [parseClientConfig(JSON.stringify(example), "built-in").config]);
      const result = await run(ARGS);
      assertEquals(result.code, 0, result.stderr);
      const rows = await readRows(join(dir, "output", "tradeuk-dev-metric-data.json"));
      assertEquals(rows.map((r) => r.QueueName), Object.values(example.queues));
      assertEquals(rows.length, 1);
      assertMatch(result.stdout, /^TradeUK DEV: 1 queue, 2 API requests/);
    });
  });
});

Deno.test("a config folder in the working directory that cannot be read is passed over, unless named", async () => {
  await withWorkspace(async ({ dir, run }) => {
    // A scheduled task starts in C:\Windows\System32, whose "config" folder (the registry's) only administrators
    // may read. Here a "config" that is a link to itself stands in (tests run as root, whom permissions do not stop).
    const bin = join(dir, "bin");
    await Deno.mkdir(bin);
    const exe = join(bin, "deno");
    await Deno.link(Deno.execPath(), exe).catch(() => Deno.copyFile(Deno.execPath(), exe));
    await Deno.rename(join(dir, "config"), join(bin, "config"));
    await Deno.symlink("config", join(dir, "config"));
    for (const args of [["--all"], ARGS]) {
      const result = await run(args, {}, exe);
      assertEquals(result.code, 0, result.stderr);
      assertEquals((await readRows(join(dir, "output", "tradeuk-dev-metric-data.json"))).length, 3);
    }
    const named = await run(["--all", "--config-dir", "config"], {}, exe);
    assertEquals(named.code, 2);
    assertMatch(named.stderr, /^error: .*config \(--config-dir\): cannot read it \(/);
  });
});

Deno.test("a mistyped --config-dir is 'no such folder' with the folder meant, not 'no files found' and init", async () => {
  await withWorkspace(async ({ dir, run }) => {
    for (const args of [["--all"], ARGS, ["check"]]) {
      const result = await run([...args, "--config-dir", join(dir, "confg")]);
      assertEquals(result.code, 2, result.stderr);
      assertEquals(result.stderr.split("\n").slice(0, 2), [
        `error: ${join(dir, "confg")} (--config-dir): no such folder`,
        `hint: did you mean ${join(dir, "config")}?`,
      ]);
    }
    const nowhere = await run(["--all"], { CONNECT_METRICS_CONFIG_DIR: join(dir, "no", "such") });
    assertEquals(nowhere.stderr.split("\n").slice(0, 2), [
      `error: ${join(dir, "no", "such")} (CONNECT_METRICS_CONFIG_DIR): no such folder`,
      "hint: give the folder that holds the *-instance-queues.json files; connect-metrics init --config-dir DIR " +
      "starts a new one",
    ]);
  });
});

Deno.test("an output folder where the system lets nothing be written says so, not Deno's '--allow-all'", async () => {
  await withWorkspace(async ({ run }) => {
    const result = await run([...ARGS, "--output-dir", "/proc/connect-metrics-output"]);
    assertEquals(result.code, 2, result.stderr);
    assertEquals(
      result.stderr.split("\n")[0],
      "error: output folder /proc/connect-metrics-output: cannot write to it (the system does not let programs write there)",
    );
    assert.ok(!result.stderr.includes("allow-all"), result.stderr);
  });
});

Deno.test("--config-dir naming a client's file instead of its folder says which folder to give", async () => {
  await withWorkspace(async ({ dir, run }) => {
    const file = join(dir, "config", `${PROFILE}-instance-queues.json`);
    for (const args of [["--all"], ARGS, ["check"]]) {
      const result = await run([...args, "--config-dir", file]);
      assertEquals(result.code, 2, result.stderr);
      assertEquals(
        result.stderr.split("\n").slice(0, 2),
        [
          `error: ${file} (--config-dir) is a file, not a folder`,
          `hint: give the folder it is in: ${join(dir, "config")}`,
        ],
      );
    }
  });
});

Deno.test("an exe started from inside the zip (Explorer runs a lone temporary copy) is told to extract it", async () => {
  await withWorkspace(async ({ dir, run }) => {
    await Deno.remove(join(dir, "config"), { recursive: true });
    // Where Windows Explorer puts an exe double-clicked inside connect-dashboard-metrics.zip.
    const temp = join(dir, "Temp", "Temp1_connect-dashboard-metrics.zip");
    await Deno.mkdir(temp, { recursive: true });
    const exe = join(temp, "deno");
    await Deno.link(Deno.execPath(), exe).catch(() => Deno.copyFile(Deno.execPath(), exe));
    const zipped = await run(["--all"], {}, exe);
    assertEquals(zipped.code, 2);
    assertMatch(
      zipped.stderr,
      /^error: no \*-instance-queues\.json files found; .*\nhint: .*inside the zip file: extract/,
    );

    const extracted = join(dir, "connect-metrics");
    await Deno.rename(temp, extracted);
    const elsewhere = await run(["--all"], {}, join(extracted, "deno"));
    assertEquals(elsewhere.code, 2);
    assertMatch(elsewhere.stderr, /\nhint: connect-metrics init writes an example config/, "no zip, no zip hint");
  });
});

Deno.test("--help and --version exit 0 without touching AWS", async () => {
  await withWorkspace(async ({ server, run }) => {
    const help = await run(["--help"]);
    assertEquals(help.code, 0);
    assertMatch(help.stdout, /^connect-metrics: Amazon Connect queue KPIs/);
    // What Windows and PowerShell users type, and `help` as a command.
    for (const asked of [["/?"], ["-?"], ["help"], ["discover", "/?"]]) {
      const same = await run(asked);
      assertEquals([same.code, same.stdout], [0, help.stdout], asked.join(" "));
    }
    const version = await run(["--version"]);
    assertEquals(version.code, 0);
    const { version: expected } = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
    assertEquals(version.stdout, `connect-metrics ${expected}\n`);
    assertEquals(server.connect.requests.length, 0);
    assertNotMatch(help.stderr + version.stderr, /./);
  });
});
