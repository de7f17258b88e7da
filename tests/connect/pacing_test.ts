/** Pacing learns the rate an account's shared quota leaves: halved on a throttle, back up step by step. */
import { assertEquals, rejects } from "../assert.ts";
import { ADAPTIVE_PACING, RequestPacer } from "../../src/connect/pacing.ts";

Deno.test("a throttle halves the pace (never below the floor); successes bring it back to the quota", async () => {
  let now = 0;
  const slept: number[] = [];
  const pacer = new RequestPacer(() => now, (ms) => {
    slept.push(ms);
    now += ms;
    return Promise.resolve();
  });
  const op = ["111111111111", "eu-west-2", "GetMetricData"] as const;
  (await pacer.wait(...op))();
  assertEquals(pacer.rate(...op), 5, "Connect's 5 a second");
  pacer.throttled(...op);
  pacer.throttled(...op);
  assertEquals(pacer.rate(...op), 1.25);
  for (let i = 0; i < 10; i++) pacer.throttled(...op);
  assertEquals(pacer.rate(...op), ADAPTIVE_PACING.minPerSecond, "never stopped altogether");
  // At the floor, requests are a floor's interval apart, with no burst.
  slept.length = 0;
  (await pacer.wait(...op))();
  (await pacer.wait(...op))();
  assertEquals(slept.map((ms) => Math.round(ms)), [5_000, 5_000]);
  for (let i = 0; i < 100; i++) pacer.succeeded(...op);
  assertEquals(pacer.rate(...op), 5, "back to the quota, and no higher");
  assertEquals(pacer.rate("222222222222", "eu-west-2", "GetMetricData"), undefined, "each account learns its own");
});

Deno.test("the whole burst goes at once; then the full rate, late by as long as the burst's first answer took", async () => {
  let now = 0;
  const pacer = new RequestPacer(() => now, (ms) => {
    now += ms;
    return Promise.resolve();
  });
  const op = ["111111111111", "eu-west-2", "GetCurrentMetricData"] as const;
  const burst = await Promise.all(Array.from({ length: 8 }, () => pacer.wait(...op)));
  assertEquals(now, 0, "Connect's burst of 8 leaves at once");
  now = 60; // the first answer: the service had counted the burst by then, however late it arrived
  burst[0]();
  const left: number[] = [];
  for (let i = 0; i < 3; i++) {
    (await pacer.wait(...op))();
    left.push(now);
  }
  assertEquals(left, [260, 460, 660], "5 a second from the burst, each 60 ms late");
  // Idle long enough to fill the bucket: a new burst, which goes at once again.
  now += 10_000;
  const before = now;
  await Promise.all(Array.from({ length: 8 }, () => pacer.wait(...op)));
  assertEquals(now, before);
});

Deno.test("requests cut off while they wait their turn give it back: the account's next cycle is not held behind them", async () => {
  let now = 0;
  const slept: number[] = [];
  // Until the cut-off, a request that has to wait waits for ever; after it, waits are recorded and pass at once.
  let waitForEver = true;
  const pacer = new RequestPacer(() => now, (ms) => {
    if (waitForEver) return new Promise(() => {});
    slept.push(ms);
    now += ms;
    return Promise.resolve();
  });
  const op = ["111111111111", "eu-west-2", "GetMetricData"] as const;
  const cutOff = new AbortController();
  const burst = await Promise.all(Array.from({ length: 8 }, () => pacer.wait(...op, cutOff.signal)));
  burst[0]();
  // A large client's other 40 requests queue behind the burst, 8 s of turns at 5 a second; the cycle's time is up.
  const queued = Array.from({ length: 40 }, () => pacer.wait(...op, cutOff.signal));
  cutOff.abort();
  const outcomes = await Promise.allSettled(queued);
  assertEquals(outcomes.filter((o) => o.status === "rejected").length, 40, "none of them is sent");
  await rejects(() => pacer.wait(...op, cutOff.signal), DOMException); // nor one asked for after it

  // The next cycle, a second later: its first request waits for the bucket's refill, not behind 40 turns.
  waitForEver = false;
  now += 1_000;
  (await pacer.wait(...op))();
  assertEquals(slept, [], "5 tokens earned in that second: it goes at once");
});

Deno.test("connections: what the quotas let run at once (each client at its burst on both APIs), at most 32", async () => {
  const { connectionsFor, MAX_CONNECTIONS } = await import("../../src/connect/client.ts");
  assertEquals(connectionsFor(1, 1), 2, "one client of a few queues: a request on each API");
  assertEquals(connectionsFor(1, 10), 16, "one account of 1,000 queues: the burst of 8 on each API");
  assertEquals(connectionsFor(2, 3), 12, "two clients of 250 queues: 3 requests on each API each");
  assertEquals(connectionsFor(16, 3), 32, "16 clients of 250 queues would take 96: the bound");
  assertEquals(MAX_CONNECTIONS, 32);
});
