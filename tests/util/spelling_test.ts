import { assertEquals } from "../assert.ts";
import { likelyMeant, looseName } from "../../src/util/spelling.ts";

Deno.test("a mistyped flag, command or field: the one it most likely stands for, only when there is one", () => {
  const flags = ["--client", "--environment", "--profile", "--output-dir", "--log-file", "--log-format", "--quiet"];
  const cases: [string, string | undefined][] = [
    ["--clent", "--client"], // a letter missing
    ["--qiuet", "--quiet"], // two swapped
    ["--Profile", "--profile"], // case
    ["--output", "--output-dir"], // the start of one flag
    ["--log", undefined], // the start of two
    ["--region", undefined], // nothing near
    ["-x", undefined],
  ];
  for (const [typed, meant] of cases) assertEquals(likelyMeant(typed, flags), meant, typed);
  assertEquals(likelyMeant("discovr", ["check", "discover", "init"]), "discover");
  assertEquals(likelyMeant("chk", ["check", "discover", "init"]), undefined, "too short to guess from");
  assertEquals(likelyMeant("logRetentionDay", ["every", "logRetentionDays"]), "logRetentionDays");
});

Deno.test("a field's name as people vary it", () => {
  assertEquals(
    ["powerBiUrl", "powerBIUrl", "PowerBiURL", "power_bi_url", "power-bi url"].map(looseName),
    Array(5).fill("powerbiurl"),
  );
});
