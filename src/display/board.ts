/**
 * What every display shows (the console screen, the web wallboard,
 * /metrics): each client's state and latest rows, its queues as tiles with
 * threshold colours, the push, and the last cycle. It remembers each
 * client's last good rows, so that one failed cycle shows as a failure
 * beside the figures it had, not as an empty board.
 */
import type { MetricColumn } from "../connect/catalogue.ts";
import { bandFor, type Level, levelOf, type ThresholdMeasure, type Thresholds } from "../config/thresholds.ts";
import type { MetricRow } from "../rows/flatten.ts";

/** A queue's tile: the figures a floor looks at, and the level of each that has a threshold. */
export interface QueueTile {
  readonly queue: string;
  readonly contactsInQueue: number;
  readonly oldestWaitSeconds: number;
  readonly agentsAvailable: number;
  readonly agentsOnContact: number;
  readonly agentsAfterContactWork: number;
  readonly handled: number;
  readonly abandoned: number;
  readonly levels: Readonly<Record<ThresholdMeasure, Level>>;
}

export interface ClientBoard {
  /** "TradeUK DEV". */
  readonly label: string;
  readonly clientName: string;
  readonly environment: string;
  /** This cycle's outcome: its whole error (and hint) when it failed. */
  readonly error?: string;
  /** When the rows shown were fetched (epoch ms); undefined before any good cycle. */
  readonly fetchedAt?: number;
  readonly requests: number;
  readonly retries: number;
  readonly tiles: readonly QueueTile[];
  /** The rows shown, as the output file holds them, and their KPI columns (for /rows.json and /metrics). */
  readonly rows: readonly MetricRow[];
  readonly columns: readonly MetricColumn[];
}

export interface PushState {
  /** Where rows go, as it may be shown (no secret); undefined when no push is set up. */
  readonly destination?: string;
  readonly sentRows?: number;
  /** Rows waiting in the outbox for a later push. */
  readonly waitingRows?: number;
  readonly error?: string;
}

export interface CycleState {
  readonly number: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /** When the next cycle starts; undefined for a one-shot run. */
  readonly nextAt?: number;
}

/** One client's outcome in a cycle, as the display takes it. */
export interface ClientOutcome {
  readonly label: string;
  readonly clientName: string;
  readonly environment: string;
  /** The rows written, for a client that succeeded. */
  readonly rows?: readonly MetricRow[];
  readonly error?: string;
  readonly requests: number;
  readonly retries: number;
  readonly columns: readonly MetricColumn[];
}

/** The KPI column holding a metric (the first, without a threshold), if the columns have it. */
function columnOf(columns: readonly MetricColumn[], ...metrics: string[]): string | undefined {
  for (const metric of metrics) {
    const found = columns.find((c) => c.metric.name === metric && c.threshold === undefined);
    if (found) return found.column;
  }
  return undefined;
}

/** The tiles of a client's rows, coloured by the thresholds. */
export function tilesOf(
  clientName: string,
  rows: readonly MetricRow[],
  columns: readonly MetricColumn[],
  thresholds: Thresholds,
): QueueTile[] {
  const named = {
    contactsInQueue: columnOf(columns, "CONTACTS_IN_QUEUE"),
    oldestWaitSeconds: columnOf(columns, "OLDEST_CONTACT_AGE"),
    agentsAvailable: columnOf(columns, "AGENTS_AVAILABLE"),
    agentsOnContact: columnOf(columns, "AGENTS_ON_CONTACT", "AGENTS_ON_CALL"),
    agentsAfterContactWork: columnOf(columns, "AGENTS_AFTER_CONTACT_WORK"),
    handled: columnOf(columns, "CONTACTS_HANDLED"),
    abandoned: columnOf(columns, "CONTACTS_ABANDONED"),
  };
  return rows.map((row) => {
    const queue = String(row.QueueName);
    const value = (column?: string) => (column === undefined ? 0 : Number(row[column]) || 0);
    const figures = Object.fromEntries(Object.entries(named).map(([k, c]) => [k, value(c)])) as Record<
      keyof typeof named,
      number
    >;
    const level = (measure: ThresholdMeasure) =>
      levelOf(figures[measure], bandFor(thresholds, clientName, queue, measure));
    return {
      queue,
      ...figures,
      levels: {
        contactsInQueue: level("contactsInQueue"),
        oldestWaitSeconds: level("oldestWaitSeconds"),
        abandoned: level("abandoned"),
      },
    };
  });
}

/** The latest state of everything the displays show; updated once a cycle. */
export class Board {
  #clients = new Map<string, ClientBoard>();
  cycle?: CycleState;
  push: PushState = {};
  /** Over the process's life. */
  readonly totals = { requests: 0, retries: 0, cycles: 0 };

  /** `keepRows`: hold each client's rows (for /rows.json and /metrics); the screen needs only the tiles. */
  constructor(readonly thresholds: Thresholds, readonly everyMs?: number, readonly keepRows = true) {}

  get clients(): readonly ClientBoard[] {
    return [...this.#clients.values()];
  }

  /** A finished cycle: each client's outcome (in order), the push, the times. */
  record(cycle: CycleState, outcomes: readonly ClientOutcome[], push: PushState): void {
    const next = new Map<string, ClientBoard>();
    for (const o of outcomes) {
      const before = this.#clients.get(o.label);
      const shown = o.rows
        ? { rows: o.rows, columns: o.columns, fetchedAt: cycle.endedAt }
        : { rows: before?.rows ?? [], columns: before?.columns ?? o.columns, fetchedAt: before?.fetchedAt };
      next.set(o.label, {
        label: o.label,
        clientName: o.clientName,
        environment: o.environment,
        ...(o.error === undefined ? {} : { error: o.error }),
        requests: o.requests,
        retries: o.retries,
        ...shown,
        tiles: o.rows || !before ? tilesOf(o.clientName, shown.rows, shown.columns, this.thresholds) : before.tiles,
        ...(this.keepRows ? {} : { rows: [] }),
      });
      this.totals.requests += o.requests;
      this.totals.retries += o.retries;
    }
    // A client whose config went away mid-watch leaves the board with it.
    this.#clients = next;
    this.totals.cycles++;
    this.cycle = cycle;
    this.push = push;
  }

  /** Every row shown, client by client, as the output files hold them. */
  rows(): MetricRow[] {
    return this.clients.flatMap((c) => [...c.rows]);
  }
}

export interface AttentionEntry {
  readonly label: string;
  readonly queue: string;
  readonly value: number;
  readonly level: Level;
}

/** The `count` queues that most need attention by one measure, highest first (ties: the order of the board). */
export function mostUrgent(
  board: Board,
  measure: "oldestWaitSeconds" | "contactsInQueue",
  count: number,
): AttentionEntry[] {
  const all: AttentionEntry[] = [];
  for (const client of board.clients) {
    for (const tile of client.tiles) {
      if (tile[measure] > 0) {
        all.push({ label: client.label, queue: tile.queue, value: tile[measure], level: tile.levels[measure] });
      }
    }
  }
  return all.sort((a, b) => b.value - a.value).slice(0, count);
}
