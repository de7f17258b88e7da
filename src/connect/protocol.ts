/**
 * How the tool's ConnectClients read Connect's answers: the SDK's own
 * restJson1 protocol, except the answers of the two metrics APIs.
 *
 * The SDK parses an answer, then walks its schema and builds every object
 * again. For a page of 100 queues that walk costs 1.3-1.5 ms of CPU (the
 * parse 0.25 ms): about as much as all the rest of a request, and with a thousand
 * clients the CPU is what limits a cycle. In these two answers nothing needs
 * the walk but DataSnapshotTime (epoch seconds, read as a Date) and numbers
 * that JSON cannot write (restJson1 writes "NaN", "Infinity" and
 * "-Infinity"), so they are read in one pass here, into what the SDK's
 * reading gives. Unlike it, members the SDK does not know are kept and null
 * members stay null: fetch.ts reads no others, and takes a null as no value.
 *
 * Errors (any status from 300) and every other operation are read by the
 * SDK, and signing, retries and pagination stay its own. A body that is not
 * JSON fails as with the SDK's reading: JSON.parse's SyntaxError.
 *
 * A request may name who takes its MetricResults (readResultsOf): they are
 * handed over as the answer is read, not once the page has climbed the SDK's
 * middleware.
 */
import { AwsRestJsonProtocol } from "@aws-sdk/core/protocols";
import { collectBody } from "@smithy/core/protocols";
import { parseEpochTimestamp } from "@smithy/core/serde";
import { SMITHY_CONTEXT_KEY } from "@smithy/types";
import type {
  HandlerExecutionContext,
  HttpResponse,
  MetadataBearer,
  OperationSchema,
  SerdeFunctions,
} from "@smithy/types";

const CONNECT_NAMESPACE = "com.amazonaws.connect";

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** restJson1's words for the numbers JSON cannot write. */
const NOT_FINITE = new Map([["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity]]);

function readNumber(record: Json, member: string): void {
  const value = record[member];
  if (typeof value === "string" && NOT_FINITE.has(value)) record[member] = NOT_FINITE.get(value);
}

/** MetricResults[].Collections[]: each Value, and a historical metric's Threshold.ThresholdValue. */
function readMetricResults(body: Json): void {
  if (!Array.isArray(body.MetricResults)) return;
  for (const result of body.MetricResults) {
    if (!isRecord(result) || !Array.isArray(result.Collections)) continue;
    for (const data of result.Collections) {
      if (!isRecord(data)) continue;
      readNumber(data, "Value");
      const threshold = isRecord(data.Metric) ? data.Metric.Threshold : undefined;
      if (isRecord(threshold)) readNumber(threshold, "ThresholdValue");
    }
  }
}

/** What needs reading in each answer, beyond JSON.parse. */
const READERS: Readonly<Record<string, (body: Json) => void>> = {
  GetCurrentMetricData: (body) => {
    readMetricResults(body);
    if (body.DataSnapshotTime !== undefined && body.DataSnapshotTime !== null) {
      body.DataSnapshotTime = parseEpochTimestamp(body.DataSnapshotTime);
    }
    readNumber(body, "ApproximateTotalCount");
  },
  GetMetricData: readMetricResults,
};

/** Takes one answer's MetricResults, read into the shape the SDK's output types give them. */
export type ResultsReader = (results: unknown[]) => void;

const resultsReaders = new WeakMap<object, ResultsReader>();

/**
 * Hands the MetricResults of every answer to a request made with `input`
 * (the object given to the SDK's command or paginator) to `read` as the
 * answer is read, and leaves them out of the page the SDK returns.
 *
 * Answers that come in the same turn of the event loop are read one after
 * another, then climb the SDK's middleware together, a step each in turn:
 * a page's objects lived until all the others had been read, long enough for
 * V8 to move them to the old generation, which only full collections clear
 * (docs/development.md: 121 KB a request moved there, against 62 KB now).
 */
export function readResultsOf(input: object, read: ResultsReader): void {
  resultsReaders.set(input, read);
}

/** Gives the answer's MetricResults to whoever readResultsOf named for its request, if anyone. */
function handOverResults(body: Json, context: HandlerExecutionContext): void {
  const input: unknown = context[SMITHY_CONTEXT_KEY]?.commandInstance?.input;
  const read = isRecord(input) ? resultsReaders.get(input) : undefined;
  if (!read || !Array.isArray(body.MetricResults)) return;
  read(body.MetricResults);
  delete body.MetricResults;
}

const utf8 = new TextDecoder();

export class ConnectProtocol extends AwsRestJsonProtocol {
  override async deserializeResponse<Output extends MetadataBearer>(
    operationSchema: OperationSchema,
    context: HandlerExecutionContext & SerdeFunctions,
    response: HttpResponse,
  ): Promise<Output> {
    const read = operationSchema.namespace === CONNECT_NAMESPACE && response.statusCode < 300 &&
        Object.hasOwn(READERS, operationSchema.name)
      ? READERS[operationSchema.name]
      : undefined;
    if (!read) return await super.deserializeResponse<Output>(operationSchema, context, response);
    const bytes = await collectBody(response.body, context);
    // As the SDK: an empty body is an empty answer, and one that is not JSON throws JSON.parse's SyntaxError.
    const parsed: unknown = bytes.byteLength > 0 ? JSON.parse(utf8.decode(bytes)) : {};
    const body: Json = isRecord(parsed) ? parsed : {};
    read(body);
    handOverResults(body, context);
    body.$metadata = this.deserializeMetadata(response);
    return body as Output;
  }
}
