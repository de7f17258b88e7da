/** How a failure of a Connect call is said: the cases no loopback server can produce. */
import { assertEquals, assertMatch } from "../assert.ts";
import { describeConnectError } from "../../src/connect/errors.ts";

const CONTEXT = {
  clientName: "TradeUK",
  instanceId: "0d525d33-c2af-4b86-9d67-393db396e896",
  configFile: "config/capita-tradeuk-dev-instance-queues.json",
  operation: "GetCurrentMetricData",
};

Deno.test("an endpoint name that does not resolve: the network, the proxy, or a Region without Connect", () => {
  // As Node's resolver rejects, and the SDK passes it on. Resolving a real name would leave the machine.
  const unknownHost = (host: string) =>
    Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  const error = describeConnectError(unknownHost("connect.eu-north-1.amazonaws.com"), {
    ...CONTEXT,
    region: "eu-north-1",
  });
  assertEquals(
    error.message,
    "cannot reach Amazon Connect for client TradeUK (instance 0d525d33-c2af-4b86-9d67-393db396e896 in eu-north-1): " +
      "getaddrinfo ENOTFOUND connect.eu-north-1.amazonaws.com",
  );
  // The first part depends on this machine's proxy variables.
  assertMatch(
    error.hint!,
    /^check the network connection.*; or Amazon Connect is not offered in eu-north-1: check the Region$/,
  );
  const refused = describeConnectError(
    Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
    { ...CONTEXT, region: "eu-west-2" },
  );
  assertEquals(refused.hint?.includes("Region"), false, "a refused connection says nothing of the Region");
});

Deno.test("a signature refused for its time points at this computer's clock, not at the keys", () => {
  // As the SDK throws it when its own correction of the clock (from the answer's Date) did not help either.
  const refused = (message: string) =>
    describeConnectError(
      Object.assign(new Error(message), { name: "InvalidSignatureException", $metadata: { httpStatusCode: 403 } }),
      { ...CONTEXT, region: "eu-west-2" },
    );
  const expired = refused(
    "Signature expired: 20261204T010000Z is now earlier than 20261204T010600Z (20261204T011100Z - 5 min.)",
  );
  assertMatch(
    expired.message,
    /^InvalidSignatureException: AWS did not accept the credentials for client TradeUK .*Signature expired/,
  );
  assertMatch(expired.hint!, /set this computer's date, time and time zone right/);
  assertMatch(
    refused("The request signature we calculated does not match the signature you provided.").hint!,
    /check the profile's keys/,
  );
});
