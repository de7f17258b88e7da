import assert from "node:assert/strict";
import { QueueList } from "../../src/config/queue_list.ts";

const QUEUES = [
  { id: "397539d4-c209-4f7f-a9b2-d7ce3f558cb9", name: "Sales" },
  { id: "3A753B67-C109-4DEC-AAB2-D9613E558B26", name: "Société Générale – Ventes" },
  { id: "e42fa1d8-620e-4bf8-bd9a-eafc60b9c0ef", name: "Поддержка 📞" },
  { id: "11111111-2222-3333-4444-555555555555", name: "S" },
];

Deno.test("a queue list gives back each queue as it was given, in order, whatever the letters of its name", () => {
  const list = new QueueList(QUEUES);
  assert.equal(list.length, 4);
  assert.deepEqual([...list], QUEUES);
  assert.deepEqual(QUEUES.map((_, i) => list.at(i)), QUEUES);
  assert.deepEqual(list.map((q, i) => `${i}:${q.name}`), QUEUES.map((q, i) => `${i}:${q.name}`));
  assert.deepEqual(list.slice(1, 3), QUEUES.slice(1, 3));
  assert.deepEqual(list.slice(2), QUEUES.slice(2));
  assert.deepEqual(list.filter((q) => q.name.length > 1), QUEUES.filter((q) => q.name.length > 1));
  assert.equal(list.some((q) => q.name === "S"), true);
  assert.equal(list.some((q) => q.name === "Support"), false);
});

Deno.test("a queue list's at() refuses an index it does not have", () => {
  const list = new QueueList(QUEUES);
  for (const index of [-1, 4, 1.5]) assert.throws(() => list.at(index), RangeError);
  assert.deepEqual([...new QueueList([])], []);
});

Deno.test("two queue lists are deeply equal only when their queues are", () => {
  // Tests compare configs with assert's deep equality: it must see the queues.
  assert.deepEqual(new QueueList(QUEUES), new QueueList([...QUEUES]));
  assert.notDeepEqual(new QueueList(QUEUES), new QueueList(QUEUES.slice(0, 3)));
  assert.notDeepEqual(
    new QueueList(QUEUES),
    new QueueList(QUEUES.map((q, i) => i === 3 ? { ...q, name: "T" } : q)),
  );
});
