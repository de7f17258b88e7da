/**
 * HTTPS through a company's TLS inspection: the certificate of every site
 * is signed by the company's own root, which IT installs in the operating
 * system's store (on Windows, the certificate store). Here a test CA made
 * with openssl signs a loopback HTTPS front for the emulators, and
 * SSL_CERT_FILE stands in for the store (Deno's "system" store reads it on
 * Linux).
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { RUN_ARGS, SECRET_KEY, withWorkspace, type Workspace } from "../helpers.ts";
import { DEFAULT_COLUMNS } from "../../src/connect/catalogue.ts";
import { datasetColumns } from "../../src/sinks/powerbi_schema.ts";
import { needs } from "../tools.ts";

const tools = await needs(["openssl"]);

/** A root CA and a certificate it signed for 127.0.0.1, as PEM files in `dir`. */
async function makeTestCa(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const openssl = async (...args: string[]) => {
    const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" }).output();
    if (!out.success) throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
  };
  await Deno.writeTextFile(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
  const run = (command: string) => openssl(...command.split(" "));
  await run("req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=Test-Company-Root");
  await run("req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1");
  await run("x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile ext.cnf");
  return { ca: join(dir, "ca.pem"), cert: join(dir, "srv.pem"), key: join(dir, "srv.key") };
}

/** An HTTPS front on loopback, signed by the test CA, passing every request on to `target` (http://). */
function httpsFront(target: string, pems: { cert: string; key: string }) {
  return Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(pems.cert),
    key: Deno.readTextFileSync(pems.key),
    onListen() {},
  }, (request) => {
    const url = new URL(request.url);
    return fetch(`${target}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
  });
}

interface HttpsWorkspace extends Workspace {
  /** The test CA's root certificate (PEM file). */
  readonly ca: string;
  /** The Connect and Power BI emulators behind HTTPS fronts signed by it. */
  readonly connectUrl: string;
  readonly powerBiUrl: string;
}

/** A CLI workspace whose emulators are also served over HTTPS, by a certificate the test CA signed. */
function withHttpsWorkspace(fn: (ws: HttpsWorkspace) => Promise<void>): Promise<void> {
  return withWorkspace(async (ws) => {
    const pems = await makeTestCa(ws.dir);
    const fronts = [httpsFront(ws.server.url, pems), httpsFront(ws.server.powerBiUrl, pems)];
    try {
      const [connectUrl, powerBiUrl] = fronts.map((f) => `https://127.0.0.1:${f.addr.port}`);
      await fn({ ...ws, ca: pems.ca, connectUrl, powerBiUrl });
    } finally {
      await Promise.all(fronts.map((f) => f.shutdown()));
    }
  });
}

Deno.test({
  name: "a company root CA in the system's store is trusted, by Connect calls and Power BI pushes alike",
  ignore: tools.ignore,
}, async () => {
  tools.check();
  await withHttpsWorkspace(async ({ dir, server, run, ca, connectUrl, powerBiUrl }) => {
    const dataset = server.powerBi.addDataset(datasetColumns(DEFAULT_COLUMNS));
    const pushUrl = server.powerBi.pushUrl(powerBiUrl, dataset);
    const env = { AWS_ENDPOINT_URL_CONNECT: connectUrl, CONNECT_METRICS_POWERBI_URL: pushUrl, SSL_CERT_FILE: ca };
    const result = await run([...RUN_ARGS, "--push"], env);
    assertEquals(result.code, 0, result.stderr);
    assertEquals(server.connect.requests.length, 2);
    assertEquals(dataset.rows.length, 3, "the rows reached Power BI over HTTPS");
    assertEquals(JSON.parse(await Deno.readTextFile(join(dir, "output", "tradeuk-dev-metric-data.json"))).length, 3);

    // Deno's bundled roots alone, as the user may still choose, do not know the company's root.
    const mozillaOnly = await run(RUN_ARGS, { ...env, DENO_TLS_CA_STORE: "mozilla" });
    assertEquals(mozillaOnly.code, 1);
    assertMatch(
      mozillaOnly.stderr,
      /^error: cannot reach Amazon Connect for client TradeUK \(.*\): the server's certificate is not trusted \(.*\)\nhint: .*company.*root certificate.*AWS_CA_BUNDLE/,
    );
    assert.ok(!mozillaOnly.stderr.includes(SECRET_KEY));

    // Connect over plain loopback HTTP, Power BI over HTTPS: the push says why it failed, and keeps the rows.
    const { AWS_ENDPOINT_URL_CONNECT: _, ...powerBiOnly } = env;
    const pushRefused = await run([...RUN_ARGS, "--push"], { ...powerBiOnly, DENO_TLS_CA_STORE: "mozilla" });
    assertEquals(pushRefused.code, 1);
    assertMatch(
      pushRefused.stderr,
      /error: Power BI's certificate is not trusted \(.*UnknownIssuer\)\. 3 row\(s\) .* kept .*\nhint: if the company inspects HTTPS, /,
    );
    assert.ok(!pushRefused.stderr.includes(dataset.key), "the push key is never printed");
    assertEquals(dataset.rows.length, 3, "nothing more reached Power BI");
    assert.ok((await Array.fromAsync(Deno.readDir(join(dir, "outbox")))).length > 0, "the rows wait in the outbox");
  });
});

Deno.test({
  name: "AWS_CA_BUNDLE, boto3's variable, adds a PEM file of roots; a bad one is exit 2 naming it",
  ignore: tools.ignore,
}, async () => {
  tools.check();
  await withHttpsWorkspace(async ({ dir, server, run, ca, connectUrl }) => {
    const env = { AWS_ENDPOINT_URL_CONNECT: connectUrl };
    const trusted = await run(RUN_ARGS, { ...env, AWS_CA_BUNDLE: ca });
    assertEquals(trusted.code, 0, trusted.stderr);
    assertEquals(server.connect.requests.length, 2);
    // set AWS_CA_BUNDLE="C:\My Certs\corp.pem" in a console keeps the quotes in the value.
    const quoted = await run(RUN_ARGS, { ...env, AWS_CA_BUNDLE: `"${ca}"` });
    assertEquals(quoted.code, 0, quoted.stderr);
    assertEquals(server.connect.requests.length, 4);

    const missing = join(dir, "no-such.pem");
    const absent = await run(RUN_ARGS, { ...env, AWS_CA_BUNDLE: missing });
    assertEquals(absent.code, 2);
    assertMatch(absent.stderr, new RegExp(`^error: AWS_CA_BUNDLE: cannot read ${missing} \\(.*\\)\n`));
    const notPem = await run(RUN_ARGS, { ...env, AWS_CA_BUNDLE: join(dir, "ext.cnf") });
    assertEquals(notPem.code, 2);
    assertMatch(notPem.stderr, /^error: AWS_CA_BUNDLE: .*ext\.cnf holds no certificate; expected a PEM file/);
    assertEquals(server.connect.requests.length, 4, "nothing was called with a bad AWS_CA_BUNDLE");
  });
});
