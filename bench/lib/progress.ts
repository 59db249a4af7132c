/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per 10% elsewhere (CI logs).
 */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDecile = -1;
  private done = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.render();
  }

  tick(amount: number): void {
    this.done = Math.min(this.total, this.done + amount);
    this.render();
  }

  finish(): void {
    this.done = this.total;
    this.render();
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private render(): void {
    const fraction = this.total === 0 ? 1 : this.done / this.total;
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const line =
      `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
      `${(fraction * 100).toFixed(0).padStart(3)}% ${this.done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')}` +
      ` ${elapsed.toFixed(0)}s${this.done < this.total && rate > 0 ? ` eta ${eta.toFixed(0)}s` : ''}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`${line}\n`);
    }
  }
}
