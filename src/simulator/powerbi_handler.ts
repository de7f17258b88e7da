/**
 * The Power BI push-URL emulator: datasets with a schema and a key, the
 * limits and error answers of shared/reference/power-bi.md, fault injection
 * for tests, and a read-back endpoint listing the rows that arrived.
 */
import type { DatasetMode } from "../config/settings.ts";
import type { MetricRow } from "../rows/flatten.ts";
import { POWER_BI_LIMITS, requestQuotasFor } from "../sinks/powerbi.ts";
import type { DatasetColumn } from "../sinks/powerbi_schema.ts";
import { SlidingWindow } from "../util/sliding_window.ts";
import { DROP_CONNECTION, FAULT_CONTROL_HELP, FaultQueue } from "./faults.ts";
import { fakeGuid } from "./fleet.ts";

export interface SimDataset {
  readonly tenant: string;
  readonly id: string;
  readonly key: string;
  readonly mode: DatasetMode;
  readonly columns: readonly DatasetColumn[];
  readonly rows: MetricRow[];
  readonly windows: readonly SlidingWindow[];
}

export interface PowerBiRequestRecord {
  readonly dataset: string;
  readonly status: number;
  readonly rows: number;
  readonly at: number;
}

const STRING_MAX = 4_000;
const ISO_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)?$/;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const powerBiError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message } }, headers);

export class PowerBiEmulator {
  readonly datasets = new Map<string, SimDataset>();
  readonly requests: PowerBiRequestRecord[] = [];
  /** What the next requests meet instead of normal service. */
  readonly faults = new FaultQueue();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** A dataset with these columns; returns it with a fresh key. */
  addDataset(
    columns: readonly DatasetColumn[],
    options: { mode?: DatasetMode; id?: string; key?: string } = {},
  ): SimDataset {
    const dataset: SimDataset = {
      tenant: "00000000-0000-4000-8000-0000000e3a11",
      id: options.id ?? fakeGuid(`dataset-${this.datasets.size}`),
      key: options.key ?? crypto.randomUUID().replaceAll("-", ""),
      mode: options.mode ?? "Streaming",
      columns,
      rows: [],
      // Each mode's own quotas: a Streaming dataset's 5 a second, a push model's 120 a minute, PushStreaming both.
      windows: requestQuotasFor(options.mode ?? "Streaming").map((quota) => new SlidingWindow(quota, this.#now)),
    };
    this.datasets.set(dataset.id, dataset);
    return dataset;
  }

  /** The push URL of a dataset, as Power BI's API info page shows it. */
  pushUrl(baseUrl: string, dataset: SimDataset): string {
    return `${baseUrl}/beta/${dataset.tenant}/datasets/${dataset.id}/rows?key=${encodeURIComponent(dataset.key)}`;
  }

  handles(url: URL): boolean {
    return url.pathname.startsWith("/beta/") || url.pathname.startsWith("/emulator/");
  }

  async handle(request: Request): Promise<Response | typeof DROP_CONNECTION> {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/emulator/")) return this.#control(request, url);
    const match = url.pathname.match(/^\/beta\/([^/]+)\/datasets\/([^/]+)\/rows\/?$/);
    if (!match || request.method !== "POST") {
      return powerBiError(404, "NotFound", "No HTTP resource was found that matches the request URI");
    }
    const body = await request.text();
    const fault = await this.faults.take();
    if (fault?.kind === "drop") return DROP_CONNECTION;
    if (fault?.kind === "hang") {
      await this.faults.hang();
      return DROP_CONNECTION;
    }
    const response = fault?.kind === "status"
      ? powerBiError(
        fault.status,
        fault.status === 429 ? "TooManyRequests" : "InjectedFault",
        fault.message ?? `Injected HTTP ${fault.status}`,
        fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter },
      )
      : this.#push(match[2], url.searchParams.get("key"), body);
    this.requests.push({
      dataset: match[2],
      status: response.status,
      rows: response.status === 200 ? (JSON.parse(body) as unknown[]).length : 0,
      at: this.#now(),
    });
    return response;
  }

  #push(datasetId: string, key: string | null, body: string): Response {
    const dataset = this.datasets.get(datasetId);
    if (!dataset) return powerBiError(404, "ItemNotFound", `Dataset ${datasetId} is not found`);
    if (key !== dataset.key) {
      return powerBiError(403, "Forbidden", "The provided key is not valid for this dataset");
    }
    const waitMs = Math.max(...dataset.windows.map((w) => w.waitMs()));
    if (waitMs > 0) {
      return powerBiError(429, "TooManyRequests", "Rate limit exceeded for this dataset", {
        "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))),
      });
    }
    for (const w of dataset.windows) w.tryTake();
    if (dataset.mode !== "Push" && new TextEncoder().encode(body).length > POWER_BI_LIMITS.bytesPerStreamingRequest) {
      return powerBiError(400, "RequestTooLarge", "Request size exceeds the 15 KB limit of a streaming dataset");
    }
    let rows: unknown;
    try {
      rows = JSON.parse(body);
    } catch {
      return powerBiError(400, "InvalidRequest", "Error reading JSON: unexpected character in the request body");
    }
    if (!Array.isArray(rows)) return powerBiError(400, "InvalidRequest", "Did not encounter start array token");
    if (rows.length > POWER_BI_LIMITS.rowsPerRequest) {
      return powerBiError(
        400,
        "InvalidRequest",
        `Too many rows in one request: ${rows.length} (at most ${POWER_BI_LIMITS.rowsPerRequest})`,
      );
    }
    const types = new Map(dataset.columns.map((c) => [c.name, c.type]));
    for (const row of rows) {
      if (typeof row !== "object" || row === null || Array.isArray(row)) {
        return powerBiError(400, "InvalidRequest", "Did not encounter start object token for a row");
      }
      for (const [column, value] of Object.entries(row)) {
        const type = types.get(column);
        if (!type) {
          return powerBiError(400, "InvalidRequest", `Column '${column}' does not exist in the dataset's table`);
        }
        const ok = value === null ||
          (type === "Number" && typeof value === "number" && Number.isFinite(value)) ||
          (type === "Text" && typeof value === "string" && value.length <= STRING_MAX) ||
          (type === "DateTime" && typeof value === "string" && ISO_DATETIME.test(value));
        if (!ok) {
          return powerBiError(400, "InvalidRequest", `Value of column '${column}' is not a valid ${type}`);
        }
      }
    }
    dataset.rows.push(...(rows as MetricRow[]));
    return new Response(null, { status: 200 });
  }

  /** `GET /emulator/datasets[/ID/rows]`, `POST /emulator/faults`: for tests, demo and simulate users. */
  async #control(request: Request, url: URL): Promise<Response> {
    if (request.method === "GET" && url.pathname === "/emulator/datasets") {
      return json(200, {
        datasets: [...this.datasets.values()].map((d) => ({ id: d.id, mode: d.mode, rows: d.rows.length })),
      });
    }
    const rowsMatch = url.pathname.match(/^\/emulator\/datasets\/([^/]+)\/rows$/);
    if (request.method === "GET" && rowsMatch) {
      const dataset = this.datasets.get(rowsMatch[1]);
      if (!dataset) return json(404, { message: `no dataset ${rowsMatch[1]}` });
      return json(200, { dataset: dataset.id, rows: dataset.rows });
    }
    if (request.method === "POST" && url.pathname === "/emulator/faults") {
      const spec = await request.json().catch(() => null) as Record<string, unknown> | null;
      if (!this.faults.control(spec)) return json(400, { message: FAULT_CONTROL_HELP });
      return json(200, { ok: true });
    }
    return json(404, { message: `Nothing is served at ${url.pathname}` });
  }
}
