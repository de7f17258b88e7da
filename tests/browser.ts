/**
 * A real browser for the tests: Debian's headless Chromium, driven over the
 * Chrome DevTools Protocol (a WebSocket on loopback). Only loopback pages
 * are loaded; background networking is off, so nothing leaves the machine.
 */
import { join } from "node:path";

export const CHROMIUM = ["chromium", "chromium-browser", "google-chrome"].find((name) => {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${name}`], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
});

export interface Page {
  navigate(url: string): Promise<void>;
  /** The value of a JavaScript expression in the page (awaited if it is a promise). */
  evaluate<T>(expression: string): Promise<T>;
  /** Waits until `expression` is truthy in the page; throws after `timeoutMs`. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  /** A PNG of the viewport. */
  screenshot(): Promise<Uint8Array>;
  /** Dialogs (alert, confirm) the page opened: none, for a page that runs nothing it was sent. */
  readonly dialogs: string[];
}

export async function withBrowser(fn: (page: Page) => Promise<void>, size = { width: 1400, height: 900 }) {
  if (!CHROMIUM) throw new Error("no chromium on PATH: apt-get install chromium (.ci/run does)");
  const profile = await Deno.makeTempDir({ prefix: "connect-metrics-chromium-" });
  const child = new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--no-default-browser-check",
      "--hide-scrollbars",
      `--window-size=${size.width},${size.height}`,
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      `--user-data-dir=${join(profile, "profile")}`,
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let socket: WebSocket | undefined;
  try {
    let said = "";
    let endpoint: string | undefined;
    while (!endpoint) {
      const { value, done } = await stderr.read();
      if (done) throw new Error(`chromium ended before it listened:\n${said}`);
      said += value;
      endpoint = said.match(/DevTools listening on (ws:\/\/\S+)/)?.[1];
    }
    // Chromium's log goes on; read it so that its pipe never fills.
    (async () => {
      while (!(await stderr.read()).done) { /* drain */ }
    })().catch(() => {});
    const port = new URL(endpoint).port;
    const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as {
      type: string;
      webSocketDebuggerUrl: string;
    }[];
    const target = targets.find((t) => t.type === "page")!;
    socket = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket!.onopen = resolve;
      socket!.onerror = reject;
    });
    let id = 0;
    const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    const listeners = new Map<string, (params: Record<string, unknown>) => void>();
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.id !== undefined) {
        const w = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error) w?.reject(new Error(JSON.stringify(message.error)));
        else w?.resolve(message.result);
      } else listeners.get(message.method)?.(message.params);
    };
    const send = <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        waiting.set(++id, { resolve: resolve as (v: unknown) => void, reject });
        socket!.send(JSON.stringify({ id, method, params }));
      });
    const dialogs: string[] = [];
    listeners.set("Page.javascriptDialogOpening", (params) => {
      dialogs.push(String(params.message));
      send("Page.handleJavaScriptDialog", { accept: true }).catch(() => {});
    });
    await send("Page.enable");
    await send("Runtime.enable");
    const evaluate = async <T>(expression: string): Promise<T> => {
      const result = await send<{ result: { value: T }; exceptionDetails?: unknown }>("Runtime.evaluate", {
        expression,
        returnByValue: true,
        awaitPromise: true,
      });
      if (result.exceptionDetails) throw new Error(`in the page: ${JSON.stringify(result.exceptionDetails)}`);
      return result.result.value;
    };
    const page: Page = {
      dialogs,
      navigate: async (url) => {
        const loaded = new Promise<void>((resolve) => listeners.set("Page.loadEventFired", () => resolve()));
        await send("Page.navigate", { url });
        await loaded;
      },
      evaluate,
      waitFor: async (expression, timeoutMs = 15_000) => {
        const deadline = Date.now() + timeoutMs;
        while (!(await evaluate<boolean>(`Boolean(${expression})`))) {
          if (Date.now() > deadline) throw new Error(`the page never had ${expression}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      screenshot: async () => {
        const { data } = await send<{ data: string }>("Page.captureScreenshot", { format: "png" });
        return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      },
    };
    await fn(page);
  } finally {
    socket?.close();
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    await stderr.cancel().catch(() => {});
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}
