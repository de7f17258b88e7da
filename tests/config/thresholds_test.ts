/** settings.json's "thresholds": the most specific band wins; a bad one is a one-line error naming the field. */
import { assertEquals, throws } from "../assert.ts";
import { bandFor, levelOf, parseThresholds } from "../../src/config/thresholds.ts";
import { ConfigError } from "../../src/util/errors.ts";

const FILE = "/c/settings.json";

Deno.test("thresholds: a queue's own, else its client's, else everyone's, else the default wait of 60 and 180 s", () => {
  const t = parseThresholds({
    contactsInQueue: { amber: 5, red: 10 },
    clients: {
      TradeUK: {
        contactsInQueue: { amber: 3, red: 6 },
        queues: { Complaints: { oldestWaitSeconds: { amber: 30, red: 90 } } },
      },
    },
  }, FILE);
  assertEquals(bandFor(t, "tradeuk", "complaints", "oldestWaitSeconds"), { amber: 30, red: 90 });
  assertEquals(bandFor(t, "TradeUK", "Sales", "oldestWaitSeconds"), { amber: 60, red: 180 });
  assertEquals(bandFor(t, "TradeUK", "Complaints", "contactsInQueue"), { amber: 3, red: 6 });
  assertEquals(bandFor(t, "HomeInsure", "Claims", "contactsInQueue"), { amber: 5, red: 10 });
  assertEquals(bandFor(t, "HomeInsure", "Claims", "abandoned"), undefined);
  assertEquals([2, 3, 6, 7].map((n) => levelOf(n, { amber: 3, red: 6 })), ["ok", "amber", "red", "red"]);
  assertEquals(levelOf(100, undefined), "ok");
});

Deno.test("thresholds: what is wrong, in one line naming the field", () => {
  const bad = (raw: unknown) => throws(() => parseThresholds(raw, FILE), ConfigError).message;
  assertEquals(
    bad({ waitSeconds: { amber: 1, red: 2 } }),
    `${FILE}: field "thresholds.waitSeconds": expected one of contactsInQueue, oldestWaitSeconds, abandoned, clients`,
  );
  assertEquals(
    bad({ contactsInQueue: { amber: 10, red: 5 } }),
    `${FILE}: field "thresholds.contactsInQueue": expected amber at or below red`,
  );
  assertEquals(
    bad({ clients: { TradeUK: { queues: { Sales: { abandoned: { amber: "5", red: 9 } } } } } }),
    `${FILE}: field "thresholds.clients.TradeUK.queues.Sales.abandoned": expected { "amber": N, "red": N }, numbers of 0 or more`,
  );
  assertEquals(
    bad([1]),
    `${FILE}: field "thresholds": expected an object like { "oldestWaitSeconds": { "amber": 60, "red": 180 } }`,
  );
});
