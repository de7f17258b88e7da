/**
 * The Event Hubs emulator: the REST send of an event hub (what a Fabric
 * Eventstream's custom endpoint takes), with the service's Shared Access
 * Signature check, its size limit and error answers (XML, as its REST face
 * gives them), faults for tests, and a read-back of the events received.
 * Facts: shared/reference/power-bi.md.
 */
import { EVENT_HUBS_BATCH_TYPE, EVENT_HUBS_LIMITS, sasToken } from "../sinks/eventhubs.ts";
import { DROP_CONNECTION, FAULT_CONTROL_HELP, FaultQueue } from "./faults.ts";

export interface SimEventHub {
  readonly name: string;
  readonly keyName: string;
  readonly key: string;
  /** Each event's body, parsed as JSON where it is JSON. */
  readonly events: unknown[];
}

export interface EventHubsRequestRecord {
  readonly hub: string;
  readonly status: number;
  readonly events: number;
  readonly bytes: number;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** An error as the service's REST face answers: `<Error><Code>..</Code><Detail>..</Detail></Error>`. */
function serviceError(status: number, detail: string, headers: Record<string, string> = {}): Response {
  const tracking = `TrackingId:${crypto.randomUUID()}, Timestamp:${new Date().toISOString()}`;
  const escaped = detail.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  return new Response(`<Error><Code>${status}</Code><Detail>${escaped} ${tracking}</Detail></Error>`, {
    status,
    headers: { "content-type": "application/xml; charset=utf-8", ...headers },
  });
}

const MESSAGES_PATH = /^\/([^/]+)\/messages\/?$/;

export class EventHubsEmulator {
  readonly hubs = new Map<string, SimEventHub>();
  readonly requests: EventHubsRequestRecord[] = [];
  readonly faults = new FaultQueue();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** An event hub with a send key of its own. */
  addHub(name: string, options: { keyName?: string; key?: string } = {}): SimEventHub {
    const hub: SimEventHub = {
      name,
      keyName: options.keyName ?? "send",
      // As the service makes them: 32 random bytes, base64.
      key: options.key ?? btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
      events: [],
    };
    this.hubs.set(name.toLowerCase(), hub);
    return hub;
  }

  /** The connection string the Eventstream's custom endpoint would show for this hub. */
  connectionString(baseUrl: string, hub: SimEventHub): string {
    const { host } = new URL(baseUrl);
    return `Endpoint=sb://${host}/;SharedAccessKeyName=${hub.keyName};SharedAccessKey=${hub.key};EntityPath=${hub.name}`;
  }

  handles(url: URL): boolean {
    return MESSAGES_PATH.test(url.pathname) || url.pathname.startsWith("/emulator/eventhubs/");
  }

  async handle(request: Request): Promise<Response | typeof DROP_CONNECTION> {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/emulator/eventhubs/")) return this.#control(request, url);
    const name = decodeURIComponent(url.pathname.match(MESSAGES_PATH)![1]);
    const body = new Uint8Array(await request.arrayBuffer());
    const fault = await this.faults.take();
    if (fault?.kind === "drop") return DROP_CONNECTION;
    if (fault?.kind === "hang") {
      await this.faults.hang();
      return DROP_CONNECTION;
    }
    let events: unknown[] = [];
    let response: Response;
    if (fault?.kind === "status") {
      response = serviceError(
        fault.status,
        fault.message ??
          (fault.status === 503
            ? "ServerBusy: the request was terminated because the namespace is being throttled."
            : `Injected HTTP ${fault.status}`),
        fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter },
      );
    } else {
      [response, events] = await this.#send(request, url, name, body);
    }
    this.requests.push({ hub: name, status: response.status, events: events.length, bytes: body.length });
    return response;
  }

  async #send(request: Request, url: URL, name: string, body: Uint8Array): Promise<[Response, unknown[]]> {
    const hub = this.hubs.get(name.toLowerCase());
    if (request.method !== "POST") return [serviceError(405, "The requested HTTP verb is not allowed."), []];
    const denied = await this.#checkToken(request.headers.get("authorization"), `${url.host}/${name}`, hub);
    if (denied) return [denied, []];
    if (!hub) {
      return [serviceError(404, `The messaging entity 'sb://${url.host}/${name}' could not be found.`), []];
    }
    if (body.length > EVENT_HUBS_LIMITS.bytesPerRequest) {
      return [
        serviceError(
          413,
          `The received message (size: ${body.length} bytes) exceeds the limit (${EVENT_HUBS_LIMITS.bytesPerRequest} bytes).`,
        ),
        [],
      ];
    }
    const text = new TextDecoder().decode(body);
    const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    let events: unknown[];
    if (type === EVENT_HUBS_BATCH_TYPE) {
      let batch: unknown;
      try {
        batch = JSON.parse(text);
      } catch {
        return [serviceError(400, "BadRequest: the batch is not valid JSON."), []];
      }
      if (!Array.isArray(batch) || batch.some((e) => typeof e?.Body !== "string")) {
        return [serviceError(400, 'BadRequest: a batch is a JSON array of {"Body": "text"}.'), []];
      }
      events = batch.map((e: { Body: string }) => bodyOf(e.Body));
    } else {
      events = [bodyOf(text)];
    }
    hub.events.push(...events);
    return [new Response(null, { status: 201 }), events];
  }

  /** null when the Shared Access Signature grants a send to `entity` (host/hub); else the service's 401. */
  async #checkToken(header: string | null, entity: string, hub: SimEventHub | undefined): Promise<Response | null> {
    const match = header?.match(/^SharedAccessSignature\s+(.+)$/);
    if (!match) return serviceError(401, "MissingToken: The request is missing an authorization header.");
    const fields = new Map(
      match[1].split("&").map((part) => {
        const at = part.indexOf("=");
        return [part.slice(0, at), part.slice(at + 1)] as const;
      }),
    );
    const sr = fields.get("sr") ?? "";
    const se = Number(fields.get("se"));
    const skn = decodeURIComponent(fields.get("skn") ?? "");
    if (!sr || !fields.get("sig") || !Number.isInteger(se) || !skn) {
      return serviceError(401, "InvalidToken: the token is not sr=..&sig=..&se=..&skn=...");
    }
    if (se * 1000 <= this.#now()) {
      return serviceError(
        401,
        `ExpiredToken: The token is expired. Expiration time: '${new Date(se * 1000).toISOString()}'`,
      );
    }
    // The signed resource covers this entity when it is the entity's URI or a prefix of it (the namespace's).
    const resource = decodeURIComponent(sr).toLowerCase().replace(/^[a-z]+:\/\//, "").replace(/\/$/, "");
    const target = entity.toLowerCase();
    if (target !== resource && !target.startsWith(`${resource}/`)) {
      return serviceError(401, `InvalidAudience: The token audience '${decodeURIComponent(sr)}' does not match.`);
    }
    // Unknown hub: the service cannot know a key for it, so the token is judged against none and the answer is 404.
    if (!hub) return null;
    if (skn !== hub.keyName) return serviceError(401, `InvalidSignature: no policy '${skn}' on this entity.`);
    const expected = await sasToken({ keyName: skn, key: hub.key, resource: decodeURIComponent(sr) }, se);
    if (!expected.includes(`&sig=${fields.get("sig")}&`)) {
      return serviceError(401, "InvalidSignature: The token has an invalid signature.");
    }
    return null;
  }

  /** `GET /emulator/eventhubs/HUB/events`, `POST /emulator/eventhubs/faults`. */
  async #control(request: Request, url: URL): Promise<Response> {
    const events = url.pathname.match(/^\/emulator\/eventhubs\/([^/]+)\/events$/);
    if (request.method === "GET" && events) {
      const hub = this.hubs.get(decodeURIComponent(events[1]).toLowerCase());
      if (!hub) return json(404, { message: `no event hub ${events[1]}` });
      return json(200, { hub: hub.name, events: hub.events });
    }
    if (request.method === "POST" && url.pathname === "/emulator/eventhubs/faults") {
      const spec = await request.json().catch(() => null) as Record<string, unknown> | null;
      if (!this.faults.control(spec)) return json(400, { message: FAULT_CONTROL_HELP });
      return json(200, { ok: true });
    }
    return json(404, { message: `Nothing is served at ${url.pathname}` });
  }
}

/** An event's body: its JSON when it is JSON, else its text. */
function bodyOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
