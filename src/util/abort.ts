/** Waiting on work that a signal may cut short. */

/**
 * `work`'s outcome, or a rejection with `signal`'s reason as soon as it
 * aborts, whichever comes first. Work cut short this way may still settle
 * later: its outcome is then let go (never an unhandled rejection).
 */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
