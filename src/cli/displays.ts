/**
 * The displays of a run, beside its lines: the console screen (watch mode
 * on a terminal) and the wallboard with /metrics (`--serve`). Both show the
 * one board, updated once a cycle; while the screen is drawn, the run's
 * lines go to the log and its warnings to the screen.
 */
import type { Reporter } from "./log.ts";
import { drawScreen, renderScreen, windowSize } from "./screen.ts";
import { clientOutcomes, pushState } from "../app/board.ts";
import type { CycleReport } from "../app/cycle.ts";
import type { PushSetup } from "../app/delivery.ts";
import type { Thresholds } from "../config/thresholds.ts";
import { Board } from "../display/board.ts";
import { type ServeAddress, startWallboard, type Wallboard } from "../display/server.ts";
import { UsageError } from "../util/errors.ts";

export interface DisplayOptions {
  /** Redraw one screen in place each cycle (watch mode on a terminal). */
  readonly screen: boolean;
  readonly serve?: ServeAddress;
  /** What is running, e.g. "connect-metrics --all --push". */
  readonly title: string;
  readonly everyMs?: number;
  readonly thresholds: Thresholds;
}

/** How often the screen may be redrawn while a cycle runs. */
const REDRAW_MS = 250;

export class Displays {
  readonly board: Board;
  readonly #notices: string[] = [];
  #running?: { number: number; startedAt: number; done: number; total: number };
  #drawnAt = 0;

  private constructor(
    readonly options: DisplayOptions,
    readonly reporter: Reporter,
    readonly wallboard?: Wallboard,
  ) {
    // The screen alone needs the tiles, not the rows: a large fleet's rows are let go after each cycle.
    this.board = wallboard ? wallboard.board : new Board(options.thresholds, options.everyMs, false);
  }

  /** The displays `options` ask for; undefined when none. Says where the wallboard is. */
  static async open(options: DisplayOptions, reporter: Reporter): Promise<Displays | undefined> {
    if (!options.screen && !options.serve) return undefined;
    let wallboard: Wallboard | undefined;
    if (options.serve) {
      const { hostname, port } = options.serve;
      const board = new Board(options.thresholds, options.everyMs);
      wallboard = await startWallboard(options.serve, board, options.title).catch((error) => {
        const taken = error instanceof Deno.errors.AddrInUse;
        throw new UsageError(
          `--serve ${hostname}:${port}: ${
            taken ? `port ${port} is in use, by another program` : `cannot listen there (${(error as Error).message})`
          }; give another port, or 0 for a free one`,
        );
      });
      reporter.info(
        `wallboard on ${wallboard.url} (and ${wallboard.url}metrics for Prometheus, ${wallboard.url}rows.json)`,
      );
    }
    const displays = new Displays(options, reporter, wallboard);
    if (options.screen) {
      // Warnings show on the screen; errors are the screen's own sections (a client's, the push's), or said by notice().
      reporter.divert = (level, line) => {
        if (level === "warn") displays.#notices.push(...line.split("\n"));
        displays.#notices.splice(0, displays.#notices.length - 20);
      };
      displays.#draw();
    }
    return displays;
  }

  /** Lines the screen shows at once (Ctrl+C's "stopping", a cycle that could not run). */
  notice(...lines: string[]): void {
    this.#notices.push(...lines);
    this.#running = undefined;
    this.#draw(true);
  }

  cycleStarted(number: number, startedAt: number, total: number): void {
    this.#running = { number, startedAt, done: 0, total };
    if (this.options.screen) this.#notices.length = 0;
    this.#draw();
  }

  clientDone(): void {
    if (this.#running) this.#running.done++;
    if (Date.now() - this.#drawnAt >= REDRAW_MS) this.#draw();
  }

  /** A cycle's end: the board, the screen and every open wallboard page. */
  cycleDone(report: CycleReport, push: PushSetup | undefined, nextAt?: number): void {
    const running = this.#running;
    this.#running = undefined;
    const endedAt = Date.now();
    this.board.record(
      {
        number: running?.number ?? this.board.totals.cycles + 1,
        startedAt: running?.startedAt ?? endedAt - report.ms,
        endedAt,
        ...(nextAt ? { nextAt } : {}),
      },
      clientOutcomes(report),
      pushState(report, push),
    );
    this.wallboard?.changed();
    this.#draw(true);
  }

  #draw(force = false): void {
    if (!this.options.screen) return;
    if (!force && Date.now() - this.#drawnAt < REDRAW_MS && this.#running?.done) return;
    this.#drawnAt = Date.now();
    const logFile = typeof this.reporter.logFile === "function" ? this.reporter.logFile() : this.reporter.logFile;
    drawScreen(renderScreen(this.board, {
      title: this.options.title,
      everyMs: this.options.everyMs ?? 0,
      ...(this.#running ? { running: this.#running } : {}),
      notices: this.#notices,
      ...(logFile ? { logFile } : {}),
    }, windowSize()));
  }

  /** Back to plain lines (the screen stays as last drawn); the wallboard stops. */
  async close(): Promise<void> {
    this.reporter.divert = undefined;
    await this.wallboard?.close();
  }
}
