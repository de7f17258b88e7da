/**
 * A cycle's report as the displays take it (display/board.ts): each
 * client's outcome with its whole error, redacted, and the push with the
 * rows still waiting in the outbox.
 */
import type { CycleReport } from "./cycle.ts";
import type { PushSetup } from "./delivery.ts";
import { isReady } from "./plan.ts";
import type { ClientOutcome, PushState } from "../display/board.ts";
import type { PushError } from "../util/errors.ts";
import { redact } from "../util/redact.ts";

/** An error in full, its hint after it: what a display shows of a failure. */
export function wholeError(error: unknown): string {
  const { message, hint } = error as { message?: string; hint?: string };
  return redact(`${message ?? String(error)}${hint ? ` (${hint})` : ""}`);
}

/** Each client's outcome, in the order of the cycle's clients. */
export function clientOutcomes(report: CycleReport): ClientOutcome[] {
  return report.results.map((r) => {
    const plan = r.plan;
    const config = isReady(plan) ? plan.config : undefined;
    return {
      label: plan.label,
      clientName: config?.clientName ?? plan.label,
      environment: config?.environment ?? "",
      ...(r.error ? { error: wholeError(r.error) } : { rows: r.data }),
      requests: r.requests,
      retries: r.retries,
      columns: isReady(plan) ? plan.columns : [],
    };
  });
}

/** The push as displays show it: where, what went, what waits (as the push counted it: no second read of the outbox). */
export function pushState(report: CycleReport, setup?: PushSetup): PushState {
  if (!setup) return {};
  const waiting = report.push?.remaining.rows ?? (report.pushError as PushError | undefined)?.waitingRows;
  return {
    destination: setup.target.display,
    ...(report.push ? { sentRows: report.push.sentRows } : {}),
    ...(waiting === undefined ? {} : { waitingRows: waiting }),
    ...(report.pushError ? { error: wholeError(report.pushError) } : {}),
  };
}
