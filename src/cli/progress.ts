/**
 * One line per client, updated in place, while a multi-client run works:
 * only on a terminal. Redirected output gets the plain lines the run prints anyway.
 */
const encoder = new TextEncoder();

export class ClientProgress {
  readonly #lines: string[];
  #drawn = false;

  constructor(readonly labels: readonly string[], readonly enabled: boolean) {
    this.#lines = labels.map((label) => `${label}: waiting`);
  }

  update(index: number, state: string): void {
    if (!this.enabled) return;
    this.#lines[index] = `${this.labels[index]}: ${state}`;
    const up = this.#drawn ? `\x1b[${this.#lines.length}A` : "";
    this.#drawn = true;
    Deno.stdout.writeSync(encoder.encode(up + this.#lines.map((l) => `\x1b[2K${l}\n`).join("")));
  }
}
