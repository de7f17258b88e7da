import { assert, assertEquals } from "../assert.ts";
import { describeMerge, mergeQueues } from "../../src/config/merge.ts";
import { checkConfigFiles, duplicateQueueIds } from "../../src/config/check.ts";
import { seedConfig } from "../helpers.ts";

const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";
const C = "cccccccc-0000-4000-8000-000000000003";

Deno.test("merging discovered queues: added, gone (kept or pruned), renamed, key order kept", () => {
  const existing = {
    "//": "mine",
    clientName: "TradeUK",
    queues: { [A]: "Sales (UK)", [B]: "Old" },
    region: "eu-west-2",
  };
  const discovered = [{ id: A, name: "Sales" }, { id: C, name: "New" }];
  const kept = mergeQueues(existing, discovered, { prune: false });
  assertEquals(Object.keys(kept.config), ["//", "clientName", "queues", "region"]);
  assertEquals(kept.config.queues, { [A]: "Sales (UK)", [B]: "Old", [C]: "New" });
  assertEquals(describeMerge(kept), [
    `+ ${C}  New`,
    `! ${B}  Old  (gone from Connect: kept; --prune removes it)`,
    `~ ${A}  "Sales (UK)" is "Sales" in Connect (the file's name is kept)`,
  ]);
  const pruned = mergeQueues(existing, discovered, { prune: true });
  assertEquals(pruned.config.queues, { [A]: "Sales (UK)", [C]: "New" });
  assertEquals(describeMerge(pruned)[1], `- ${B}  Old  (gone from Connect: removed)`);
  assertEquals(
    describeMerge(mergeQueues({ queues: { [A]: "Sales" } }, [{ id: A, name: "Sales" }], { prune: true })),
    [],
  );
});

Deno.test("merge: a queue id the file has in capitals is Connect's queue, written back as Connect writes it", () => {
  const merge = mergeQueues(
    { clientName: "X", queues: { [` ${A.toUpperCase()}`]: "Sales" } },
    [{ id: A, name: "Sales" }, { id: B, name: "Support" }],
    { prune: false },
  );
  assertEquals(merge.config.queues, { [A]: "Sales", [B]: "Support" });
  assertEquals(describeMerge(merge), [`+ ${B}  Support`], "not added again, not reported gone");
});

Deno.test("check's rules: duplicate queue ids and names, invalid files", () => {
  const text = `{"clientName":"X","accountId":"111111111111","environment":"DEV",` +
    `"instanceId":"0d525d33-c2af-4b86-9d67-393db396e896","queues":{"${A}":"One","${A}":"Two","${B}":"two"}}`;
  assertEquals(duplicateQueueIds(text), [A]);
  const good = JSON.stringify(seedConfig());
  const checks = checkConfigFiles([
    { path: "config/a-instance-queues.json", text },
    { path: "config/b-instance-queues.json", text: good },
    { path: "config/c-instance-queues.json", text: "{ nope" },
  ]);
  assertEquals(checks[0].problems, [
    `queue id ${A} appears twice in "queues"; only the last name would be used`,
    `2 queues are named "two": their rows could not be told apart`,
  ]);
  assertEquals(checks[1].problems, [], "the same instance as a, but none of its queues");
  assertEquals(checks[2].problems.length, 1);
  assertEquals(checks[2].config, undefined);
});

Deno.test("check's rules: a queue of one instance in two files is a problem; an instance's queues split between clients are not", () => {
  const seed = seedConfig();
  const [first, ...rest] = Object.entries(seed.queues as Record<string, string>);
  const copy = { ...seed, clientName: "Copy" }; // copied for a new client, the instance and queues left as they were
  const split = { ...seed, clientName: "Other", queues: { [A]: "Other Sales" } }; // the instance's other queues
  const partOf = { ...seed, clientName: "Part", queues: Object.fromEntries([first]) };
  const texts = (configs: unknown[]) =>
    configs.map((config, i) => ({ path: `config/${"abc"[i]}-instance-queues.json`, text: JSON.stringify(config) }));
  assertEquals(checkConfigFiles(texts([seed, split])).map((c) => c.problems), [[], []]);
  assertEquals(checkConfigFiles(texts([seed, copy, partOf])).map((c) => c.problems), [
    [
      `instance ${seed.instanceId} is also in config/b-instance-queues.json, config/c-instance-queues.json, with 3 of ` +
      `the same queue(s) ("${first[1]}", "${rest[0][1]}", "${rest[1][1]}"): their rows would be written twice`,
    ],
    [
      `instance ${seed.instanceId} is also in config/a-instance-queues.json, config/c-instance-queues.json, with 3 of ` +
      `the same queue(s) ("${first[1]}", "${rest[0][1]}", "${rest[1][1]}"): their rows would be written twice`,
    ],
    [
      `instance ${seed.instanceId} is also in config/a-instance-queues.json, config/b-instance-queues.json, with 1 of ` +
      `the same queue(s) ("${first[1]}"): their rows would be written twice`,
    ],
  ]);
});

Deno.test("check's rules: DEV and PROD of one client, with queue names in common, are warned of (rows carry no environment)", () => {
  const dev = seedConfig();
  const prod = { ...dev, environment: "PROD", instanceId: "8d0f3f2a-1e57-4a4b-b0a8-2c7e9b1f4d99" };
  const renamed = { ...prod, clientName: "TradeUK (PROD)" };
  const files = (configs: unknown[]) =>
    configs.map((config, i) => ({ path: `config/${"ab"[i]}-instance-queues.json`, text: JSON.stringify(config) }));
  const [a, b] = checkConfigFiles(files([dev, prod]));
  assertEquals([a.problems, b.problems], [[], []], "each writes its own output file");
  assertEquals(a.warnings, [
    'config/a-instance-queues.json: its rows (Client "TradeUK", environment DEV) look like those of ' +
    "config/b-instance-queues.json (PROD) in Power BI, which gets no environment: pushed together, they mix on the " +
    "dashboard; keep one environment per pushing folder, or give each its own clientName",
  ]);
  assertEquals(b.warnings.length, 1);
  assertEquals(checkConfigFiles(files([dev, renamed])).map((c) => c.warnings), [[], []]);
});

Deno.test("check's rules: files fresh from init share the example's instance, and only their warnings say so", async () => {
  const example = await Deno.readTextFile(new URL("../../config/instance-queues.example.json", import.meta.url));
  const renamed = JSON.stringify({ ...JSON.parse(example), clientName: "TradeUK", environment: "PROD" });
  const checks = checkConfigFiles([
    { path: "config/a-instance-queues.json", text: example },
    { path: "config/b-instance-queues.json", text: renamed },
  ]);
  assertEquals(checks.map((c) => c.problems), [[], []], "not 'its rows would be written twice'");
  for (const c of checks) {
    assert.ok(c.warnings.some((w) => w.includes("instanceId is still the example's")), c.warnings.join("\n"));
  }
});

Deno.test("check's rules: two files that would write one output file (clientName and environment, any case)", () => {
  const other = { ...seedConfig(), clientName: "tradeuk", instanceId: "8d0f3f2a-1e57-4a4b-b0a8-2c7e9b1f4d99" };
  const checks = checkConfigFiles([
    { path: "config/a-instance-queues.json", text: JSON.stringify(seedConfig()) },
    { path: "config/b-instance-queues.json", text: JSON.stringify(other) },
    { path: "config/c-instance-queues.json", text: JSON.stringify({ ...other, environment: "PROD" }) },
  ]);
  assertEquals(checks.map((c) => c.problems), [
    [
      'clientName "TradeUK" and environment "DEV" are also those of config/b-instance-queues.json: ' +
      "both would write tradeuk-dev-metric-data.json, one over the other",
    ],
    [
      "instance 8d0f3f2a-1e57-4a4b-b0a8-2c7e9b1f4d99 is also in config/c-instance-queues.json, with 3 of the same " +
      'queue(s) ("BasicQueue", "Customer Services", "Collections"): their rows would be written twice',
      'clientName "tradeuk" and environment "DEV" are also those of config/a-instance-queues.json: ' +
      "both would write tradeuk-dev-metric-data.json, one over the other",
    ],
    [
      "instance 8d0f3f2a-1e57-4a4b-b0a8-2c7e9b1f4d99 is also in config/b-instance-queues.json, with 3 of the same " +
      'queue(s) ("BasicQueue", "Customer Services", "Collections"): their rows would be written twice',
    ],
  ]);
});
