/**
 * The console as a display, for watch mode on a terminal (double-clicked
 * included): one screen redrawn in place each cycle, sized to the window.
 * When the last cycle ran and the next will; each client's state, a failed
 * one's whole error first; the push, and plainly when there is none; the
 * queues that need attention; the latest warnings. Redirected output never
 * gets this: it keeps the plain lines a log can hold.
 */
import { type Board, mostUrgent } from "../display/board.ts";
import { wholeNumber as count } from "../util/text.ts";
import { clockTime as clock } from "../util/time.ts";

export interface ScreenInfo {
  /** What is running, e.g. "connect-metrics --all --push". */
  readonly title: string;
  readonly everyMs: number;
  /** Set while a cycle runs. */
  readonly running?: {
    readonly number: number;
    readonly startedAt: number;
    readonly done: number;
    readonly total: number;
  };
  /** The latest warnings and errors, oldest first. */
  readonly notices: readonly string[];
  /** Where the whole story is. */
  readonly logFile?: string;
}

/** "45 s", "5 min 12 s", "2 h 03 min". */
export function waitText(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** `text` in lines of at most `width`, broken at spaces where it can be; continuation lines indented. */
export function wrap(text: string, width: number, indent = "    "): string[] {
  const lines: string[] = [];
  let rest = text;
  let prefix = "";
  while ((prefix + rest).length > width) {
    const room = width - prefix.length;
    const at = rest.lastIndexOf(" ", room);
    const cut = at > room / 2 ? at : room;
    lines.push(prefix + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    prefix = indent;
  }
  lines.push(prefix + rest);
  return lines;
}

const fit = (text: string, width: number) => text.length <= width ? text : `${text.slice(0, width - 1)}…`;

/** The screen for the board, in at most `size.rows` lines of at most `size.columns` characters. */
export function renderScreen(board: Board, info: ScreenInfo, size: { columns: number; rows: number }): string[] {
  const width = Math.max(40, size.columns);
  const height = Math.max(12, size.rows) - 1; // the last line stays free: a line there would scroll the window
  const top: string[] = [];
  top.push(fit(`${info.title} · every ${info.everyMs / 1000} s · Ctrl+C stops`, width));
  const cycle = board.cycle;
  if (info.running) {
    const r = info.running;
    top.push(fit(`cycle ${r.number} running since ${clock(r.startedAt)}: ${r.done} of ${r.total} clients done`, width));
  } else if (cycle) {
    const next = cycle.nextAt ? ` · next at ${clock(cycle.nextAt)}` : "";
    top.push(
      fit(
        `last cycle ${cycle.number} at ${clock(cycle.startedAt)}, took ${
          ((cycle.endedAt - cycle.startedAt) / 1000).toFixed(1)
        } s${next}`,
        width,
      ),
    );
  } else top.push("first cycle starting");

  const clients = board.clients;
  const failed = clients.filter((c) => c.error !== undefined);
  const ok = clients.filter((c) => c.error === undefined);
  const requests = clients.reduce((n, c) => n + c.requests, 0);
  const retries = clients.reduce((n, c) => n + c.retries, 0);
  const clientHead = fit(
    `Clients: ${ok.length} ok${failed.length ? `, ${failed.length} FAILED` : ""} · last cycle ${count(requests)} API ` +
      `requests, ${count(retries)} retried`,
    width,
  );
  const failedLines = failed.flatMap((c) => wrap(`FAILED  ${c.label}: ${c.error}`, width));

  const push = board.push;
  const pushLines = push.destination === undefined
    ? wrap("Push: none (no --push): no dashboard is being updated; rows are only written to the output files", width)
    : [
      ...wrap(
        `Push: ${push.error ? "FAILED" : `${count(push.sentRows ?? 0)} rows sent`} to ${push.destination}` +
          (push.waitingRows !== undefined ? ` · ${count(push.waitingRows)} rows waiting in the outbox` : ""),
        width,
      ),
      ...(push.error ? wrap(`  ${push.error}`, width) : []),
    ];

  const noticeLines = info.notices.slice(-3).map((n) => fit(n, width));
  const logLine = info.logFile ? [fit(`Everything is in the log: ${info.logFile}`, width)] : [];

  // What must show (the head, every failure in full, the push) first; the attention list and the ok clients share the rest.
  const fixed = top.length + 1 + 1 + failedLines.length + 1 + pushLines.length +
    (noticeLines.length ? 1 + noticeLines.length : 0) +
    logLine.length;
  let room = height - fixed;
  const attentionRows = Math.max(0, Math.min(5, room - 3));
  room -= attentionRows > 0 ? attentionRows + 3 : 0;

  // The clients that are fine, as a grid of cells, as many as fit.
  const cells = ok.map((c) => `${c.label}  ${count(c.tiles.length)} queues  ${c.requests} req`);
  const cellWidth = Math.min(width, Math.max(0, ...cells.map((c) => c.length)) + 3);
  const perLine = Math.max(1, Math.floor((width + 3) / cellWidth));
  const gridLines: string[] = [];
  for (let i = 0; i < cells.length; i += perLine) {
    gridLines.push(cells.slice(i, i + perLine).map((c) => c.padEnd(cellWidth - 3)).join("   ").trimEnd());
  }
  let grid = gridLines;
  if (gridLines.length > Math.max(0, room)) {
    const keep = Math.max(0, room - 1);
    const shown = keep * perLine;
    grid = [...gridLines.slice(0, keep), `… and ${ok.length - shown} more ok`].slice(-Math.max(1, room));
  }

  const attention: string[] = [];
  if (attentionRows > 0) {
    const half = Math.floor((width - 3) / 2);
    const longest = mostUrgent(board, "oldestWaitSeconds", attentionRows);
    const waiting = mostUrgent(board, "contactsInQueue", attentionRows);
    const cell = (e: { label: string; queue: string; level: string } | undefined, value: string) => {
      if (!e) return "".padEnd(half);
      const mark = e.level === "red" ? "!! " : e.level === "amber" ? "!  " : "   ";
      const name = fit(`${e.label} / ${e.queue}`, half - value.length - mark.length - 1);
      return `${mark}${name.padEnd(half - value.length - mark.length)}${value}`;
    };
    attention.push("Queues needing attention (!! red, ! amber)");
    attention.push(`${"   Longest wait".padEnd(half)}   ${"   Most contacts waiting"}`);
    if (longest.length === 0 && waiting.length === 0) attention.push("   none: no contact is waiting");
    for (let i = 0; i < Math.max(longest.length, waiting.length); i++) {
      const l = longest[i];
      const w = waiting[i];
      attention.push(`${cell(l, l ? waitText(l.value) : "")}   ${cell(w, w ? count(w.value) : "")}`.trimEnd());
    }
  }

  return [
    ...top,
    "",
    clientHead,
    ...failedLines,
    ...grid,
    "",
    ...pushLines,
    ...(attention.length ? ["", ...attention] : []),
    ...(noticeLines.length ? ["", ...noticeLines] : []),
    ...logLine,
  ].slice(0, height);
}

const encoder = new TextEncoder();

/** Draws the screen in place: the cursor home, each line cleared as it is written, the rest below cleared. */
export function drawScreen(lines: readonly string[]): void {
  Deno.stdout.writeSync(encoder.encode(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join("\n")}\n\x1b[J`));
}

/** The window's size, or a standard console's when it cannot be read. */
export function windowSize(): { columns: number; rows: number } {
  try {
    return Deno.consoleSize();
  } catch {
    return { columns: 120, rows: 40 };
  }
}
