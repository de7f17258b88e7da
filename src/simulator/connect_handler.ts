/**
 * The Amazon Connect emulator: each request routed and signed-checked
 * (connect_api.ts: its key, Region and signing time), held to the
 * account's quota, delayed or failed as a test asks, validated
 * (connect_validation.ts) and answered from the model (connect_results.ts),
 * as the reference sheet (shared/reference/amazon-connect-api.md)
 * describes the real service. Every request is recorded.
 */
import {
  ApiError,
  type Authorization,
  checkSigningTime,
  ClientGone,
  EMULATED,
  errorResponse,
  instanceArn,
  type Json,
  json,
  matchRoute,
  NOT_EMULATED,
  parseAuthorization,
  queueArn,
  readBody,
} from "./connect_api.ts";
import type { ConnectModel, SimInstance } from "./connect_model.ts";
import { currentResults, historicalResults, type MetricsQuery, Pager } from "./connect_results.ts";
import {
  type CommonRequest,
  pageSizeParam,
  queueTypesParam,
  requestedQueues,
  type UnknownQueueAnswer,
  validateCommon,
  validateCurrentMetrics,
  validateHistoricalMetrics,
  validateWindow,
} from "./connect_validation.ts";
import {
  CONNECT_QUOTAS,
  type ConnectOperation,
  MAX_INSTANCE_LIST_PAGE,
  MAX_QUEUE_LIST_PAGE,
} from "../connect/quotas.ts";
import { type RateQuota, TokenBucket } from "../util/token_bucket.ts";

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

export class ConnectEmulator {
  readonly requests: ConnectRequestRecord[] = [];
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #now: () => number;
  readonly #pager: Pager;
  #fault: InjectedFault | undefined;

  /** Added before every answer; tests may change it while serving. */
  latencyMs: number;
  /** Extra latency for one account's requests (ms): a slow or hanging Connect. */
  readonly accountLatencyMs = new Map<string, number>();
  /** How a queue id the instance does not have is answered (either: the service's answer is not documented). */
  unknownQueueAnswer: UnknownQueueAnswer = "ResourceNotFoundException";
  /** Requests being answered now, and the most there have been at once. */
  inFlight = 0;
  maxInFlight = 0;

  constructor(readonly model: ConnectModel, readonly options: ConnectHandlerOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#pager = new Pager(this.#now);
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
      const response = await this.#answer(request, connection);
      // The service's Date is its own clock's: the SDK corrects a skewed clock of its own from it.
      response.headers.set("date", new Date(this.#now()).toUTCString());
      return response;
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
    const arrived = this.#now();
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
      checkSigningTime(request.headers.get("x-amz-date"), arrived);
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
      return errorResponse(error);
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

  /** What a metrics request asks of the model, its queues looked up (a queue it lacks is answered as set). */
  #query(instance: SimInstance, request: CommonRequest, metrics: Json[], region: string): MetricsQuery {
    const queues = requestedQueues(instance, request.filters, this.unknownQueueAnswer);
    return { ...request, instance, queues, metrics, region };
  }

  #currentMetrics(instance: SimInstance, body: Json, region: string): Json {
    const request = validateCommon(body);
    const query = this.#query(instance, request, validateCurrentMetrics(body, request), region);
    const at = this.#pager.start(body, "current", instance.id);
    const all = currentResults(this.model, query, at.issuedAt);
    const page = this.#pager.page(all, body, "current", instance.id, at, request.maxResults);
    return {
      MetricResults: page.items,
      DataSnapshotTime: page.issuedAt / 1000,
      ApproximateTotalCount: all.length,
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  }

  #historicalMetrics(instance: SimInstance, body: Json, region: string): Json {
    const request = validateCommon(body);
    const { start, end } = validateWindow(body, this.#now());
    const query = this.#query(instance, request, validateHistoricalMetrics(body), region);
    const at = this.#pager.start(body, "historical", instance.id);
    const page = this.#pager.page(
      historicalResults(this.model, query, start, end),
      body,
      "historical",
      instance.id,
      at,
      request.maxResults,
    );
    return { MetricResults: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  }

  #listQueues(instance: SimInstance, url: URL, region: string): Json {
    const types = queueTypesParam(url);
    const size = pageSizeParam(url, MAX_QUEUE_LIST_PAGE);
    const all = [...instance.queues.values()].filter((q) => types.length === 0 || types.includes(q.type));
    const request = { NextToken: url.searchParams.get("nextToken") ?? undefined, types };
    const page = this.#pager.page(
      all,
      request,
      "queues",
      instance.id,
      this.#pager.start(request, "queues", instance.id),
      size,
    );
    return {
      QueueSummaryList: page.items.map((q) => ({
        Id: q.id,
        Arn: queueArn(instance, q, region),
        Name: q.name,
        QueueType: q.type,
      })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
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
    const size = pageSizeParam(url, MAX_INSTANCE_LIST_PAGE);
    const account = this.model.accountOfKey.get(auth.accessKeyId);
    const all = [...this.model.instances.values()].filter((i) =>
      (!account || i.accountId === account) && (!i.region || i.region === auth.region)
    );
    const request = { NextToken: url.searchParams.get("nextToken") ?? undefined };
    const scope = account ?? "";
    const page = this.#pager.page(
      all,
      request,
      "instances",
      scope,
      this.#pager.start(request, "instances", scope),
      size,
    );
    return {
      InstanceSummaryList: page.items.map((i) => ({
        Id: i.id,
        Arn: instanceArn(i, auth.region),
        IdentityManagementType: "CONNECT_MANAGED",
        InstanceAlias: i.alias,
        InstanceStatus: "ACTIVE",
        InboundCallsEnabled: true,
        OutboundCallsEnabled: true,
        InstanceAccessUrl: `https://${i.alias}.my.connect.aws`,
      })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  }
}
