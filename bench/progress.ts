// The progress display: one status line on stderr, rewritten in place on a terminal.

export class Progress {
  readonly #start = Date.now();
  readonly #tty = process.stderr.isTTY === true;
  #scope = "";

  /** The scenario and case now running, e.g. "fan-out · liveroom · N=2000". */
  scope(s: string): void {
    this.#scope = s;
    this.step("starting");
  }

  step(detail: string): void {
    const secs = ((Date.now() - this.#start) / 1000).toFixed(0).padStart(4);
    const line = `[bench ${secs}s] ${this.#scope} · ${detail}`;
    if (this.#tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    else process.stderr.write(`${line}\n`);
  }

  /** A line that stays (a finished case and its headline figure). */
  done(summary: string): void {
    if (this.#tty) process.stderr.write("\r\x1b[2K");
    process.stderr.write(`  ✓ ${this.#scope}: ${summary}\n`);
  }

  warn(message: string): void {
    if (this.#tty) process.stderr.write("\r\x1b[2K");
    process.stderr.write(`  ! ${this.#scope}: ${message}\n`);
  }
}
