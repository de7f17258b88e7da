/**
 * The Amazon Connect emulator's HTTP side: restJson1 routes, validation,
 * quotas and errors as the reference sheet (shared/reference/
 * amazon-connect-api.md) describes the real service.
 */
import { MAX_SERVICE_LEVEL_METRICS, METRICS, SERVICE_LEVEL_THRESHOLD } from "../connect/catalogue.ts";
import {
  CONNECT_QUOTAS,
  type ConnectOperation,
  HISTORICAL_MAX_SPAN_HOURS,
  HISTORICAL_STEP_MINUTES,
  MAX_INSTANCE_LIST_PAGE,
  MAX_QUEUE_LIST_PAGE,
  MAX_QUEUES_PER_REQUEST,
  MAX_RESULTS_PER_PAGE,
  NEXT_TOKEN_TTL_MINUTES,
} from "../connect/quotas.ts";
import { type RateQuota, TokenBucket } from "../util/token_bucket.ts";
import type { ConnectModel, SimInstance, SimQueue } from "./connect_model.ts";

/** One request as the emulator saw it: what tests and `demo` look at. */
export interface ConnectRequestRecord {
  readonly operation: string;
  readonly status: number;
  readonly errorType?: string;
  readonly accessKeyId?: string;
  readonly sessionToken?: string;
  readonly region?: string;
  readonly queues?: number;
  readonly at: number;
  /** The client's end of the TCP connection ("127.0.0.1:54321"): requests on one connection share it. */
  readonly connection?: string;
}

export interface ConnectHandlerOptions {
  readonly now?: () => number;
  /** Added before every answer, to make round trips realistic. */
  readonly latencyMs?: number;
  /** The benchmark's memory case lifts the quotas; everything else uses Connect's. */
  readonly quotas?: Readonly<Record<ConnectOperation, RateQuota>>;
}

export interface InjectedFault {
  remaining: number;
  readonly status: number;
  readonly errorType: string;
}

class ApiError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}
/** The client hung up before its request arrived in full: there is nobody left to answer. */
class ClientGone extends Error {}

const invalidParameter = (message: string) => new ApiError(400, "InvalidParameterException", message);
const invalidRequest = (message: string) => new ApiError(400, "InvalidRequestException", message);

const CHANNELS = ["VOICE", "CHAT", "TASK", "EMAIL"];
const SUPPORTED_GROUPINGS = ["QUEUE", "CHANNEL"];
const ALL_GROUPINGS = [
  "QUEUE",
  "CHANNEL",
  "ROUTING_PROFILE",
  "ROUTING_STEP_EXPRESSION",
  "AGENT_STATUS",
  "SUBTYPE",
  "VALIDATION_TEST_TYPE",
];

type Json = Record<string, unknown>;

export class ConnectEmulator {
  readonly requests: ConnectRequestRecord[] = [];
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #now: () => number;
  #fault: InjectedFault | undefined;

  /** Added before every answer; tests may change it while serving. */
  latencyMs: number;
  /** Extra latency for one account's requests (ms): a slow or hanging Connect. */
  readonly accountLatencyMs = new Map<string, number>();
  /** Requests being answered now, and the most there have been at once. */
  inFlight = 0;
  maxInFlight = 0;

  constructor(readonly model: ConnectModel, readonly options: ConnectHandlerOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.latencyMs = options.latencyMs ?? 0;
  }

  /** The next `count` requests fail with this status and error type. */
  failNext(count: number, status = 500, errorType = "InternalServiceException"): void {
    this.#fault = { remaining: count, status, errorType };
  }

  /** Empties an account's bucket, as if another tool had just used its quota. */
  exhaustQuota(accountId: string, region: string, operation: ConnectOperation): void {
    this.#bucket(accountId, region, operation).drain();
  }

  #bucket(accountId: string, region: string, operation: ConnectOperation): TokenBucket {
    const key = `${accountId}/${region}/${operation}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket((this.options.quotas ?? CONNECT_QUOTAS)[operation], this.#now);
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Whether this path belongs to the Connect API. */
  handles(url: URL): boolean {
    return /^\/(metrics\/|queues-summary\/|queues\/|instance\/?$)/.test(url.pathname);
  }

  async handle(request: Request, connection?: string): Promise<Response> {
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      return await this.#answer(request, connection);
    } catch (error) {
      // Not worth a stack trace on the emulator's console: the client went away (e.g. Ctrl+C).
      if (error instanceof ClientGone) return new Response(null, { status: 400 });
      throw error;
    } finally {
      this.inFlight--;
    }
  }

  async #answer(request: Request, connection: string | undefined): Promise<Response> {
    const url = new URL(request.url);
    const auth = parseAuthorization(request.headers.get("authorization"));
    const route = matchRoute(request.method, url.pathname);
    const record = (status: number, errorType?: string, queues?: number) => {
      this.requests.push({
        operation: route?.operation ?? `${request.method} ${url.pathname}`,
        status,
        ...(errorType ? { errorType } : {}),
        ...(auth ? { accessKeyId: auth.accessKeyId, region: auth.region } : {}),
        ...(request.headers.get("x-amz-security-token")
          ? { sessionToken: request.headers.get("x-amz-security-token")! }
          : {}),
        ...(queues === undefined ? {} : { queues }),
        at: this.#now(),
        ...(connection ? { connection } : {}),
      });
    };
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    let queueCount: number | undefined;
    try {
      if (!route) {
        const known = NOT_EMULATED.find(([m, pattern]) => m === request.method && pattern.test(url.pathname));
        throw new ApiError(
          404,
          "UnknownOperationException",
          known
            ? `${known[2]} is a Connect operation the emulator does not serve; it serves ${EMULATED.join(", ")}`
            : `No operation matches ${request.method} ${url.pathname}`,
        );
      }
      if (!auth) {
        throw new ApiError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
      }
      if (this.#fault && this.#fault.remaining > 0) {
        this.#fault.remaining--;
        throw new ApiError(this.#fault.status, this.#fault.errorType, "Injected fault");
      }
      const body = route.method === "POST" ? await readBody(request) : {};
      queueCount = Array.isArray((body.Filters as Json | undefined)?.Queues)
        ? ((body.Filters as Json).Queues as unknown[]).length
        : undefined;
      const instance = route.instanceId === undefined ? undefined : this.#instance(route.instanceId, auth);
      const account = instance?.accountId ?? this.model.accountOfKey.get(auth.accessKeyId) ?? "000000000000";
      const slow = this.accountLatencyMs.get(account);
      if (slow) await new Promise((r) => setTimeout(r, slow));
      if (this.model.isDenied(auth.accessKeyId, route.operation)) {
        const resource = instance ? instanceArn(instance, auth.region) : "*";
        throw new ApiError(
          403,
          "AccessDeniedException",
          `User: arn:aws:iam::${account}:user/${auth.accessKeyId} is not authorized to perform: connect:${route.operation} on resource: ${resource}`,
        );
      }
      if (!this.#bucket(account, auth.region, route.operation).tryTake()) {
        throw new ApiError(429, "ThrottlingException", "Rate exceeded");
      }
      let answer: Json;
      switch (route.operation) {
        case "GetCurrentMetricData":
          answer = this.#currentMetrics(instance!, body, auth.region);
          break;
        case "GetMetricData":
          answer = this.#historicalMetrics(instance!, body, auth.region);
          break;
        case "ListQueues":
          answer = this.#listQueues(instance!, url, auth.region);
          break;
        case "ListInstances":
          answer = this.#listInstances(url, auth);
          break;
        case "DescribeQueue":
          answer = this.#describeQueue(instance!, route.queueId!, auth.region);
          break;
      }
      record(200, undefined, queueCount);
      return json(200, answer);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      record(error.status, error.type, queueCount);
      return new Response(JSON.stringify({ Message: error.message }), {
        status: error.status,
        headers: {
          "content-type": "application/json",
          "x-amzn-errortype": error.type,
          "x-amzn-requestid": crypto.randomUUID(),
        },
      });
    }
  }

  #instance(id: string, auth: Authorization): SimInstance {
    const instance = this.model.instances.get(id);
    const callerAccount = this.model.accountOfKey.get(auth.accessKeyId);
    if (
      !instance || (instance.region && instance.region !== auth.region) ||
      (callerAccount && callerAccount !== instance.accountId)
    ) {
      throw new ApiError(404, "ResourceNotFoundException", `Instance ${id} not found`);
    }
    return instance;
  }

  #queues(instance: SimInstance, filters: Json): SimQueue[] {
    const ids = filters.Queues;
    if (!Array.isArray(ids) || ids.length === 0) {
      throw invalidParameter("Filters.Queues must hold at least one queue id or ARN");
    }
    if (ids.length > MAX_QUEUES_PER_REQUEST) {
      throw invalidParameter(`Filters.Queues can hold at most ${MAX_QUEUES_PER_REQUEST} queues, got ${ids.length}`);
    }
    return ids.map((raw) => {
      const id = String(raw).replace(/^arn:aws[\w-]*:connect:[^:]*:\d{12}:instance\/[^/]+\/queue\//, "");
      const queue = instance.queues.get(id);
      if (!queue) {
        throw new ApiError(404, "ResourceNotFoundException", `Queue ${id} not found in instance ${instance.id}`);
      }
      return queue;
    });
  }

  #common(body: Json): { filters: Json; channels: string[]; groupings: string[]; maxResults: number } {
    if (!isObject(body.Filters)) throw invalidRequest("Filters is required");
    const filters = body.Filters;
    for (const key of Object.keys(filters)) {
      if (key !== "Queues" && key !== "Channels") {
        throw invalidParameter(`The emulator supports Queues and Channels filters only, not ${key}`);
      }
    }
    const channels = filters.Channels ?? [];
    if (!Array.isArray(channels) || channels.some((c) => !CHANNELS.includes(c))) {
      throw invalidParameter(`Filters.Channels must be from ${CHANNELS.join(", ")}`);
    }
    const groupings = body.Groupings ?? [];
    if (!Array.isArray(groupings) || groupings.length > 2 || groupings.some((g) => !ALL_GROUPINGS.includes(g))) {
      throw invalidParameter(`Groupings: at most 2 of ${ALL_GROUPINGS.join(", ")}`);
    }
    if (groupings.some((g) => !SUPPORTED_GROUPINGS.includes(g))) {
      throw invalidParameter(
        `Groupings other than QUEUE and CHANNEL need routing-profile filters, which the emulator does not model`,
      );
    }
    const maxResults = body.MaxResults ?? MAX_RESULTS_PER_PAGE;
    if (!Number.isInteger(maxResults) || (maxResults as number) < 1 || (maxResults as number) > MAX_RESULTS_PER_PAGE) {
      throw invalidParameter(`MaxResults must be from 1 to ${MAX_RESULTS_PER_PAGE}`);
    }
    return {
      filters,
      channels: channels.length > 0 ? channels as string[] : ["VOICE", "CHAT", "TASK"],
      groupings: groupings as string[],
      maxResults: maxResults as number,
    };
  }

  #currentMetrics(instance: SimInstance, body: Json, region: string): Json {
    const { filters, channels, groupings, maxResults } = this.#common(body);
    const metrics = body.CurrentMetrics;
    if (!Array.isArray(metrics) || metrics.length === 0) throw invalidRequest("CurrentMetrics is required");
    for (const m of metrics) {
      const definition = isObject(m) ? METRICS.get(String(m.Name)) : undefined;
      if (!definition || definition.api !== "current") {
        throw invalidParameter(`${isObject(m) ? m.Name : m} is not a real-time metric`);
      }
      if (m.Unit !== definition.unit) {
        throw invalidParameter(`The unit of ${definition.name} must be ${definition.unit}, not ${m.Unit}`);
      }
    }
    if (groupings.includes("CHANNEL") && !Array.isArray(filters.Channels)) {
      throw invalidParameter("A CHANNEL grouping needs a Channels filter");
    }
    const queues = this.#queues(instance, filters);
    const page = this.#page(body, "current", instance.id);
    const at = page.issuedAt;
    // Without groupings the model says OLDEST_CONTACT_AGE comes in milliseconds.
    const ageFactor = groupings.length === 0 ? 1000 : 1;
    const results: { online: number; result: Json }[] = [];
    const cells = resultCells(queues, channels, groupings);
    for (const cell of cells) {
      const totals = new Map<string, number>();
      for (const q of cell.queues) {
        const values = this.model.currentValues(q, cell.channels, at);
        for (const [name, value] of values ?? []) {
          totals.set(
            name,
            name === "OLDEST_CONTACT_AGE" ? Math.max(totals.get(name) ?? 0, value) : (totals.get(name) ?? 0) + value,
          );
        }
      }
      if (totals.size === 0) continue;
      results.push({
        online: totals.get("AGENTS_ONLINE") ?? 0,
        result: {
          Dimensions: {
            ...(cell.queue ? { Queue: { Id: cell.queue.id, Arn: queueArn(instance, cell.queue, region) } } : {}),
            ...(cell.channel ? { Channel: cell.channel } : {}),
          },
          Collections: (metrics as Json[]).map((m) => ({
            Metric: { Name: m.Name, Unit: m.Unit },
            Value: m.Name === "OLDEST_CONTACT_AGE"
              ? (totals.get("OLDEST_CONTACT_AGE") ?? 0) * ageFactor
              : (totals.get(String(m.Name)) ?? 0),
          })),
        },
      });
    }
    // Sorted by AGENTS_ONLINE, descending: the service's default order.
    results.sort((a, b) => b.online - a.online);
    const slice = results.slice(page.offset, page.offset + maxResults);
    const next = page.offset + maxResults < results.length
      ? this.#token(body, "current", instance.id, page.offset + maxResults, at)
      : undefined;
    return {
      MetricResults: slice.map((r) => r.result),
      DataSnapshotTime: at / 1000,
      ApproximateTotalCount: results.length,
      ...(next ? { NextToken: next } : {}),
    };
  }

  #historicalMetrics(instance: SimInstance, body: Json, region: string): Json {
    const { filters, channels, groupings, maxResults } = this.#common(body);
    if (typeof body.StartTime !== "number") throw invalidRequest("StartTime is required (epoch seconds)");
    if (typeof body.EndTime !== "number") throw invalidRequest("EndTime is required (epoch seconds)");
    const start = body.StartTime * 1000;
    const end = body.EndTime * 1000;
    const step = HISTORICAL_STEP_MINUTES * 60_000;
    const maxSpan = HISTORICAL_MAX_SPAN_HOURS * 3_600_000;
    if (start % step !== 0) {
      throw invalidParameter(`StartTime must be a multiple of ${HISTORICAL_STEP_MINUTES} minutes`);
    }
    if (end % step !== 0) throw invalidParameter(`EndTime must be a multiple of ${HISTORICAL_STEP_MINUTES} minutes`);
    if (start < this.#now() - maxSpan) {
      throw invalidParameter(`StartTime must be within the last ${HISTORICAL_MAX_SPAN_HOURS} hours`);
    }
    if (end <= start) throw invalidParameter("EndTime must be after StartTime");
    if (end - start > maxSpan) {
      throw invalidParameter(`The time range must be ${HISTORICAL_MAX_SPAN_HOURS} hours or less`);
    }
    const metrics = body.HistoricalMetrics;
    if (!Array.isArray(metrics) || metrics.length === 0) throw invalidRequest("HistoricalMetrics is required");
    let serviceLevels = 0;
    for (const m of metrics) {
      const definition = isObject(m) ? METRICS.get(String(m.Name)) : undefined;
      if (!definition || definition.api !== "historical") {
        throw invalidParameter(`${isObject(m) ? m.Name : m} is not a historical metric`);
      }
      if (m.Statistic !== definition.statistic || m.Unit !== definition.unit) {
        throw invalidParameter(
          `${definition.name} takes Statistic ${definition.statistic} and Unit ${definition.unit}, not ${m.Statistic} and ${m.Unit}`,
        );
      }
      if (definition.needsThreshold) {
        serviceLevels++;
        const t = isObject(m.Threshold) ? m.Threshold : {};
        const value = t.ThresholdValue;
        if (
          t.Comparison !== "LT" || typeof value !== "number" || !Number.isInteger(value) ||
          value < SERVICE_LEVEL_THRESHOLD.min || value > SERVICE_LEVEL_THRESHOLD.max
        ) {
          throw invalidParameter(
            `${definition.name} needs a Threshold with Comparison LT and a ThresholdValue from ${SERVICE_LEVEL_THRESHOLD.min} to ${SERVICE_LEVEL_THRESHOLD.max}`,
          );
        }
      } else if (m.Threshold !== undefined) {
        throw invalidParameter(`${definition.name} does not take a Threshold`);
      }
    }
    if (serviceLevels > MAX_SERVICE_LEVEL_METRICS) {
      throw invalidParameter(`At most ${MAX_SERVICE_LEVEL_METRICS} SERVICE_LEVEL metrics per request`);
    }
    const queues = this.#queues(instance, filters);
    const page = this.#page(body, "historical", instance.id);
    const cells = resultCells(queues, channels, groupings);
    const results: Json[] = [];
    for (const cell of cells) {
      // Summing over queues is right for counts; for averages the emulator
      // reports the first active queue's value, which is plausible enough.
      let collected: Map<string, number | null> | null = null;
      for (const q of cell.queues) {
        const values = this.model.historicalValues(q, cell.channels, start, end);
        if (!values) continue;
        if (!collected) collected = values;
        else {
          for (const [name, value] of values) {
            if (METRICS.get(name)?.statistic === "SUM") {
              collected.set(name, (collected.get(name) ?? 0) + (value ?? 0));
            }
          }
        }
      }
      if (!collected) continue;
      const firstQueue = cell.queues.find((q) => !q.quiet)!;
      results.push({
        Dimensions: {
          ...(cell.queue ? { Queue: { Id: cell.queue.id, Arn: queueArn(instance, cell.queue, region) } } : {}),
          ...(cell.channel ? { Channel: cell.channel } : {}),
        },
        Collections: (metrics as Json[]).map((m) => {
          const threshold = isObject(m.Threshold) ? m.Threshold : undefined;
          const value = m.Name === "SERVICE_LEVEL"
            ? this.model.serviceLevel(firstQueue, start, end, threshold!.ThresholdValue as number)
            : collected!.get(String(m.Name)) ?? null;
          return {
            Metric: {
              Name: m.Name,
              Statistic: m.Statistic,
              Unit: m.Unit,
              ...(threshold ? { Threshold: threshold } : {}),
            },
            ...(value === null ? {} : { Value: value }),
          };
        }),
      });
    }
    const slice = results.slice(page.offset, page.offset + maxResults);
    const next = page.offset + maxResults < results.length
      ? this.#token(body, "historical", instance.id, page.offset + maxResults, page.issuedAt)
      : undefined;
    return { MetricResults: slice, ...(next ? { NextToken: next } : {}) };
  }

  #listQueues(instance: SimInstance, url: URL, region: string): Json {
    const types = url.searchParams.getAll("queueTypes");
    for (const t of types) {
      if (t !== "STANDARD" && t !== "AGENT") throw invalidParameter(`queueTypes must be STANDARD or AGENT, not ${t}`);
    }
    const maxResults = pageSizeParam(url, MAX_QUEUE_LIST_PAGE);
    const all = [...instance.queues.values()].filter((q) => types.length === 0 || types.includes(q.type));
    const page = this.#page(
      { NextToken: url.searchParams.get("nextToken") ?? undefined, types },
      "queues",
      instance.id,
    );
    const slice = all.slice(page.offset, page.offset + maxResults);
    const next = page.offset + maxResults < all.length
      ? this.#token({ types }, "queues", instance.id, page.offset + maxResults, page.issuedAt)
      : undefined;
    return {
      QueueSummaryList: slice.map((q) => ({
        Id: q.id,
        Arn: queueArn(instance, q, region),
        Name: q.name,
        QueueType: q.type,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  #describeQueue(instance: SimInstance, queueId: string, region: string): Json {
    const queue = instance.queues.get(queueId);
    if (!queue) {
      throw new ApiError(404, "ResourceNotFoundException", `Queue ${queueId} not found in instance ${instance.id}`);
    }
    return {
      Queue: {
        Name: queue.name,
        QueueArn: queueArn(instance, queue, region),
        QueueId: queue.id,
        Status: "ENABLED",
        Tags: {},
        LastModifiedRegion: region,
      },
    };
  }

  #listInstances(url: URL, auth: Authorization): Json {
    const maxResults = pageSizeParam(url, MAX_INSTANCE_LIST_PAGE);
    const account = this.model.accountOfKey.get(auth.accessKeyId);
    const all = [...this.model.instances.values()].filter((i) =>
      (!account || i.accountId === account) && (!i.region || i.region === auth.region)
    );
    const page = this.#page({ NextToken: url.searchParams.get("nextToken") ?? undefined }, "instances", account ?? "");
    const slice = all.slice(page.offset, page.offset + maxResults);
    const next = page.offset + maxResults < all.length
      ? this.#token({}, "instances", account ?? "", page.offset + maxResults, page.issuedAt)
      : undefined;
    return {
      InstanceSummaryList: slice.map((i) => ({
        Id: i.id,
        Arn: instanceArn(i, auth.region),
        IdentityManagementType: "CONNECT_MANAGED",
        InstanceAlias: i.alias,
        InstanceStatus: "ACTIVE",
        InboundCallsEnabled: true,
        OutboundCallsEnabled: true,
        InstanceAccessUrl: `https://${i.alias}.my.connect.aws`,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  /**
   * Where a page starts. A NextToken carries the offset, when it was issued
   * (it expires after 5 minutes) and a digest of the request, which a
   * follow-up must repeat.
   */
  #page(body: Json, kind: string, scope: string): { offset: number; issuedAt: number } {
    const token = body.NextToken;
    if (token === undefined || token === null) return { offset: 0, issuedAt: this.#now() };
    let decoded: { o: number; t: number; d: string };
    try {
      decoded = JSON.parse(atob(String(token)));
    } catch {
      throw invalidParameter("The NextToken is not valid");
    }
    if (decoded.d !== digest(body, kind, scope)) {
      throw invalidParameter("The NextToken was issued for a request with other parameters");
    }
    if (this.#now() - decoded.t > NEXT_TOKEN_TTL_MINUTES * 60_000) {
      throw invalidParameter("The NextToken has expired");
    }
    return { offset: decoded.o, issuedAt: decoded.t };
  }

  #token(body: Json, kind: string, scope: string, offset: number, issuedAt: number): string {
    return btoa(JSON.stringify({ o: offset, t: issuedAt, d: digest(body, kind, scope) }));
  }
}

/** One result line: the queues and channels whose values it adds up. */
interface ResultCell {
  readonly queue?: SimQueue;
  readonly channel?: string;
  readonly queues: readonly SimQueue[];
  readonly channels: readonly string[];
}

/** The result lines a request's groupings ask for. */
function resultCells(queues: SimQueue[], channels: string[], groupings: string[]): ResultCell[] {
  const byQueue = groupings.includes("QUEUE");
  const byChannel = groupings.includes("CHANNEL");
  if (!byQueue && !byChannel) return [{ queues, channels }];
  if (!byQueue) return channels.map((channel) => ({ channel, queues, channels: [channel] }));
  return queues.flatMap((queue) =>
    byChannel
      ? channels.map((channel) => ({ queue, channel, queues: [queue], channels: [channel] }))
      : [{ queue, queues: [queue], channels }]
  );
}

interface Authorization {
  readonly accessKeyId: string;
  readonly region: string;
}

/** The access key and Region of a SigV4 header; null when absent or not SigV4. */
function parseAuthorization(header: string | null): Authorization | null {
  const match = header?.match(/^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/);
  return match ? { accessKeyId: match[1], region: match[2] } : null;
}

/** The operations the emulator serves: method, path (instance id, queue id), name. */
const ROUTES: readonly [string, RegExp, ConnectOperation][] = [
  ["POST", /^\/metrics\/current\/([^/]+)$/, "GetCurrentMetricData"],
  ["POST", /^\/metrics\/historical\/([^/]+)$/, "GetMetricData"],
  ["GET", /^\/queues-summary\/([^/]+)$/, "ListQueues"],
  ["GET", /^\/instance\/?$/, "ListInstances"],
  ["GET", /^\/queues\/([^/]+)\/([^/]+)$/, "DescribeQueue"],
];
const EMULATED = ROUTES.map(([, , operation]) => operation);

/** Operations of the reference sheet that this tool never calls, and the emulator does not serve. */
const NOT_EMULATED: readonly [string, RegExp, string][] = [["POST", /^\/metrics\/data$/, "GetMetricDataV2"]];

function matchRoute(method: string, path: string):
  | { operation: ConnectOperation; method: string; instanceId?: string; queueId?: string }
  | null {
  for (const [m, pattern, operation] of ROUTES) {
    const match = path.match(pattern);
    if (!match || method !== m) continue;
    const [instanceId, queueId] = match.slice(1).map(decodeURIComponent);
    return { operation, method, ...(instanceId ? { instanceId } : {}), ...(queueId ? { queueId } : {}) };
  }
  return null;
}

async function readBody(request: Request): Promise<Json> {
  const text = await request.text().catch((error) => {
    throw new ClientGone(String(error));
  });
  if (text.trim() === "") return {};
  try {
    const body = JSON.parse(text);
    if (isObject(body)) return body;
  } catch {
    // fall through
  }
  throw new ApiError(400, "SerializationException", "The request body is not a JSON object");
}

function pageSizeParam(url: URL, max: number): number {
  const raw = url.searchParams.get("maxResults");
  if (raw === null) return Math.min(100, max);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalidParameter(`maxResults must be from 1 to ${max}`);
  return n;
}

/** A digest of the request without its NextToken. */
function digest(body: Json, kind: string, scope: string): string {
  const { NextToken: _ignored, ...rest } = body;
  const text = `${kind}:${scope}:${JSON.stringify(rest)}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

function instanceArn(instance: SimInstance, region: string): string {
  return `arn:aws:connect:${instance.region ?? region}:${instance.accountId}:instance/${instance.id}`;
}

function queueArn(instance: SimInstance, queue: SimQueue, region: string): string {
  return `${instanceArn(instance, region)}/queue/${queue.id}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function json(status: number, body: Json): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-amzn-requestid": crypto.randomUUID() },
  });
}
