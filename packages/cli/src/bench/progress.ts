// The live progress line on stderr: on a terminal one line rewritten in place (with the
// running sample's elapsed time ticking); elsewhere one plain line per step, for logs.
// Invariant: writes only to the stream it was given; `done()` leaves the cursor on a fresh line.

export class Progress {
  private label = '';
  private started = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly live: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly quiet = false, private readonly prefix = 'bench') {
    this.live = stream.isTTY === true;
  }

  /** A new step starts (e.g. "3/7 bench_lz interp rep 2/5"). */
  step(label: string): void {
    if (this.quiet) return;
    this.label = label;
    this.started = performance.now();
    if (this.live) {
      this.draw();
      this.timer ??= setInterval(() => this.draw(), 500);
      this.timer.unref();
    } else {
      this.stream.write(`${this.prefix}: ${label}\n`);
    }
  }

  /** A message that must stay visible (an error, a build). */
  note(message: string): void {
    if (this.quiet) return;
    if (this.live) this.stream.write('\r\x1b[K');
    this.stream.write(`${this.prefix}: ${message}\n`);
    if (this.live && this.label) this.draw();
  }

  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.live && !this.quiet) this.stream.write('\r\x1b[K');
    this.label = '';
  }

  private draw(): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r\x1b[K${`${this.prefix}: ${this.label} ${seconds}s`.slice(0, columns - 1)}`);
  }
}
