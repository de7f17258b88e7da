/**
 * The Amazon Connect API's surface as the emulator serves it (restJson1):
 * the routes, SigV4's access key and Region, JSON bodies, and errors as
 * the service sends them (status, `x-amzn-ErrorType`, a Message).
 */
import { CLOCK_TOLERANCE_MS } from "../aws/clock.ts";
import type { ConnectOperation } from "../connect/quotas.ts";
import type { SimInstance, SimQueue } from "./connect_model.ts";

export type Json = Record<string, unknown>;

/** An error answer: its status, its `x-amzn-ErrorType` and message. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}
/** The client hung up before its request arrived in full: there is nobody left to answer. */
export class ClientGone extends Error {}

export const invalidParameter = (message: string) => new ApiError(400, "InvalidParameterException", message);
export const invalidRequest = (message: string) => new ApiError(400, "InvalidRequestException", message);

export interface Authorization {
  readonly accessKeyId: string;
  readonly region: string;
}

/** The access key and Region of a SigV4 header; null when absent or not SigV4. */
export function parseAuthorization(header: string | null): Authorization | null {
  const match = header?.match(/^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/);
  return match ? { accessKeyId: match[1], region: match[2] } : null;
}

/** SigV4's basic ISO 8601 time, as in X-Amz-Date: 20261204T010203Z. */
const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

/**
 * A request signed too long before (or after) `now` is refused as AWS
 * refuses it: 403 InvalidSignatureException, in the service's words. No
 * X-Amz-Date (a Date header instead) is not checked.
 */
export function checkSigningTime(header: string | null, now: number): void {
  const m = header?.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  if (!m) return;
  const signed = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (Math.abs(signed - now) <= CLOCK_TOLERANCE_MS) return;
  const early = signed < now;
  const [refusal, bound, sign] = early
    ? ["Signature expired", "is now earlier than", "-"]
    : ["Signature not yet current", "is still later than", "+"];
  const limit = amzDate(early ? now - CLOCK_TOLERANCE_MS : now + CLOCK_TOLERANCE_MS);
  throw new ApiError(
    403,
    "InvalidSignatureException",
    `${refusal}: ${header} ${bound} ${limit} (${amzDate(now)} ${sign} ${CLOCK_TOLERANCE_MS / 60_000} min.)`,
  );
}

/** The operations the emulator serves: method, path (instance id, queue id), name. */
const ROUTES: readonly [string, RegExp, ConnectOperation][] = [
  ["POST", /^\/metrics\/current\/([^/]+)$/, "GetCurrentMetricData"],
  ["POST", /^\/metrics\/historical\/([^/]+)$/, "GetMetricData"],
  ["GET", /^\/queues-summary\/([^/]+)$/, "ListQueues"],
  ["GET", /^\/instance\/?$/, "ListInstances"],
  ["GET", /^\/queues\/([^/]+)\/([^/]+)$/, "DescribeQueue"],
];
export const EMULATED = ROUTES.map(([, , operation]) => operation);

/** Operations of the reference sheet that this tool never calls, and the emulator does not serve. */
export const NOT_EMULATED: readonly [string, RegExp, string][] = [["POST", /^\/metrics\/data$/, "GetMetricDataV2"]];

export function matchRoute(method: string, path: string):
  | { operation: ConnectOperation; method: string; instanceId?: string; queueId?: string }
  | null {
  for (const [m, pattern, operation] of ROUTES) {
    const match = path.match(pattern);
    if (!match || method !== m) continue;
    const [instanceId, queueId] = match.slice(1).map(decodeURIComponent);
    return { operation, method, instanceId, queueId };
  }
  return null;
}

/** The request's JSON object (empty for no body); a SerializationException for anything else. */
export async function readBody(request: Request): Promise<Json> {
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

export function instanceArn(instance: SimInstance, region: string): string {
  return `arn:aws:connect:${instance.region ?? region}:${instance.accountId}:instance/${instance.id}`;
}

export function queueArn(instance: SimInstance, queue: SimQueue, region: string): string {
  return `${instanceArn(instance, region)}/queue/${queue.id}`;
}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A 200 (or other) answer with a JSON body. */
export function json(status: number, body: Json): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-amzn-requestid": crypto.randomUUID() },
  });
}

/** An error as the service sends it. */
export function errorResponse(error: ApiError): Response {
  return new Response(JSON.stringify({ Message: error.message }), {
    status: error.status,
    headers: {
      "content-type": "application/json",
      "x-amzn-errortype": error.type,
      "x-amzn-requestid": crypto.randomUUID(),
    },
  });
}
