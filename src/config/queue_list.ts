/**
 * A config's queues, in the file's order, held compactly. A run holds every
 * client's config from planning to its end, so 1,000 clients of 250 queues
 * are 250,000 queues held for the whole run. As `{ id, name }` objects they
 * took 33 MB of heap, 60% of what was live, marked again by every full
 * collection; here they take about 50 bytes a queue (the ids end to end in
 * one string, the names in another, and where each ends). A `Queue` object
 * is made when one is read, and goes with the request or row that used it.
 */

/** One queue of a config: its Connect id and the name its row shows. */
export interface Queue {
  readonly id: string;
  readonly name: string;
}

export class QueueList implements Iterable<Queue> {
  readonly length: number;
  // Plain (not #private) fields, so that assert's deep equality compares two lists by their queues.
  private readonly ids: string;
  private readonly names: string;
  /** Where queue i's id and name end in `ids` and `names`. */
  private readonly idEnds: Uint32Array;
  private readonly nameEnds: Uint32Array;

  constructor(queues: Iterable<Queue>) {
    const all = [...queues];
    this.length = all.length;
    this.idEnds = new Uint32Array(all.length);
    this.nameEnds = new Uint32Array(all.length);
    let idEnd = 0, nameEnd = 0;
    all.forEach((q, i) => {
      this.idEnds[i] = idEnd += q.id.length;
      this.nameEnds[i] = nameEnd += q.name.length;
    });
    // join, not +=: one flat string, not a chain of a string per queue.
    this.ids = all.map((q) => q.id).join("");
    this.names = all.map((q) => q.name).join("");
  }

  /** The queue at `index` (0 <= index < length). */
  at(index: number): Queue {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`no queue ${index} in a list of ${this.length}`);
    }
    return {
      id: this.ids.slice(index === 0 ? 0 : this.idEnds[index - 1], this.idEnds[index]),
      name: this.names.slice(index === 0 ? 0 : this.nameEnds[index - 1], this.nameEnds[index]),
    };
  }

  *[Symbol.iterator](): Iterator<Queue> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  map<T>(f: (queue: Queue, index: number) => T): T[] {
    return Array.from(this, f);
  }

  filter(keep: (queue: Queue) => boolean): Queue[] {
    return [...this].filter(keep);
  }

  some(test: (queue: Queue) => boolean): boolean {
    for (const queue of this) if (test(queue)) return true;
    return false;
  }

  /** Queues `start` to `end` (not included), as `Array.prototype.slice` with indexes of 0 or more. */
  slice(start: number, end = this.length): Queue[] {
    const queues: Queue[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) queues.push(this.at(i));
    return queues;
  }
}
