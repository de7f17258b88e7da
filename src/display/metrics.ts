/**
 * `/metrics`: the board in the Prometheus text exposition format (0.0.4),
 * for Grafana. One gauge per KPI column, named by Prometheus conventions
 * from its Connect metric (`connect_queue_contacts_in_queue`, ages in
 * `_seconds`, today's counts `_today`, percentages as `_ratio`), labelled
 * by client, environment and queue; then the tool's own health.
 */
import type { MetricColumn } from "../connect/catalogue.ts";
import type { Board } from "./board.ts";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: "gauge" | "counter";
  readonly samples: string[];
}

/** A label value with `\`, `"` and newlines escaped, as the format asks. */
function labelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

const labels = (pairs: Record<string, string>) =>
  `{${Object.entries(pairs).map(([k, v]) => `${k}="${labelValue(v)}"`).join(",")}}`;

/** The metric name and help of a KPI column, and how its value converts (percent to a ratio). */
export function metricName(column: MetricColumn): { name: string; help: string; divisor: number } {
  const { metric } = column;
  const base = `connect_queue_${metric.name.toLowerCase()}`;
  const source = `Amazon Connect ${metric.name}${
    column.threshold === undefined ? "" : ` (threshold ${column.threshold} s)`
  }`;
  if (metric.api === "current") {
    return metric.unit === "SECONDS"
      ? { name: `${base}_seconds`, help: `${source}, now, in seconds.`, divisor: 1 }
      : { name: base, help: `${source}, now.`, divisor: 1 };
  }
  const statistic = metric.statistic === "SUM" ? "" : `_${metric.statistic!.toLowerCase()}`;
  if (metric.unit === "COUNT") return { name: `${base}_today`, help: `${source}, today so far.`, divisor: 1 };
  if (metric.unit === "PERCENT") {
    return {
      name: `${base}${statistic}_today_ratio`,
      help: `${source}, today so far, as a ratio (0 to 1).`,
      divisor: 100,
    };
  }
  return { name: `${base}${statistic}_today_seconds`, help: `${source}, today so far, in seconds.`, divisor: 1 };
}

const number = (n: number) => (Number.isFinite(n) ? String(n) : "NaN");

/** The exposition text of the board. */
export function prometheusText(board: Board): string {
  const families = new Map<string, Family>();
  const family = (name: string, help: string, type: Family["type"] = "gauge") => {
    let f = families.get(name);
    if (!f) families.set(name, f = { name, help, type, samples: [] });
    return f;
  };
  const seen = new Set<string>();
  for (const client of board.clients) {
    for (const column of client.columns) {
      const { name, help, divisor } = metricName(column);
      const f = family(name, help);
      for (const row of client.rows) {
        const pairs: Record<string, string> = {
          client: client.clientName,
          environment: client.environment,
          queue: String(row.QueueName),
          ...(column.threshold === undefined ? {} : { threshold_seconds: String(column.threshold) }),
        };
        const series = `${name}${labels(pairs)}`;
        // The same metric twice under two column names is one series: the first is kept.
        if (seen.has(series)) continue;
        seen.add(series);
        f.samples.push(`${series} ${number(Number(row[column.column]) / divisor)}`);
      }
    }
  }
  const health = (
    name: string,
    help: string,
    value: number,
    type: Family["type"] = "gauge",
    pairs?: Record<string, string>,
  ) => family(name, help, type).samples.push(`${name}${pairs ? labels(pairs) : ""} ${number(value)}`);
  const cycle = board.cycle;
  if (cycle) {
    health(
      "connect_metrics_last_cycle_timestamp_seconds",
      "When the last cycle ended (Unix time).",
      cycle.endedAt / 1000,
    );
    health(
      "connect_metrics_last_cycle_duration_seconds",
      "How long the last cycle took.",
      (cycle.endedAt - cycle.startedAt) / 1000,
    );
  }
  for (const client of board.clients) {
    const pairs = { client: client.clientName, environment: client.environment };
    health(
      "connect_metrics_client_up",
      "1 when the client's last fetch succeeded, 0 when it failed.",
      client.error ? 0 : 1,
      "gauge",
      pairs,
    );
    if (client.fetchedAt !== undefined) {
      health(
        "connect_metrics_client_fetched_timestamp_seconds",
        "When the client's figures shown were fetched (Unix time).",
        client.fetchedAt / 1000,
        "gauge",
        pairs,
      );
    }
  }
  health(
    "connect_metrics_failed_clients",
    "Clients whose last fetch failed.",
    board.clients.filter((c) => c.error).length,
  );
  health("connect_metrics_cycles_total", "Cycles run since the tool started.", board.totals.cycles, "counter");
  health(
    "connect_metrics_api_requests_total",
    "Amazon Connect API requests since the tool started.",
    board.totals.requests,
    "counter",
  );
  health(
    "connect_metrics_api_retries_total",
    "Amazon Connect API requests that were retries (throttled, or failed and tried again).",
    board.totals.retries,
    "counter",
  );
  if (board.push.waitingRows !== undefined) {
    health("connect_metrics_outbox_rows", "Rows waiting in the outbox for the next push.", board.push.waitingRows);
  }
  if (board.push.destination !== undefined) {
    health("connect_metrics_push_up", "1 when the last push succeeded, 0 when it failed.", board.push.error ? 0 : 1);
  }
  return [...families.values()].filter((f) => f.samples.length > 0)
    .map((f) => `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n${f.samples.join("\n")}\n`).join("");
}
