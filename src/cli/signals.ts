/** Stopping a watch from the keyboard or the service manager. */

/**
 * Ctrl+C (and SIGTERM, or Ctrl+Break on Windows) aborts the returned
 * signal once, so the current cycle can finish; a second press exits at once.
 */
export function stopOnSignals(onFirst: () => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM"];
  const handler = () => {
    if (controller.signal.aborted) Deno.exit(130);
    controller.abort();
    onFirst();
  };
  for (const s of signals) Deno.addSignalListener(s, handler);
  return {
    signal: controller.signal,
    dispose: () => signals.forEach((s) => Deno.removeSignalListener(s, handler)),
  };
}

/** Ctrl+C (and SIGTERM, or Ctrl+Break) calls `handler` instead of ending the process silently. */
export function onInterrupt(handler: () => void): { dispose: () => void } {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, handler);
  return { dispose: () => signals.forEach((s) => Deno.removeSignalListener(s, handler)) };
}
