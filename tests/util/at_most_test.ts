import assert from "node:assert/strict";
import { atMost } from "../../src/util/at_most.ts";

Deno.test("atMost runs every task once, starting them in turn, never more than the limit at once", async () => {
  const started: number[] = [];
  let running = 0, most = 0;
  await atMost(3, 10, async (index) => {
    started.push(index);
    most = Math.max(most, ++running);
    await new Promise((resolve) => setTimeout(resolve, (index % 4) * 3));
    running--;
  });
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(most, 3);
  await atMost(3, 0, () => Promise.reject(new Error("no task to run")));
});
