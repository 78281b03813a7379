/** A one-line progress bar on a terminal's stderr (redrawn at most 10 times a second). */
export class ProgressBar {
  private label = '';
  private started = 0;
  private lastDraw = 0;
  private shown = false;

  constructor(
    private readonly write: (text: string) => void,
    readonly enabled: boolean,
    private readonly width = 30,
  ) {}

  start(label: string): void {
    this.label = label;
    this.started = Date.now();
    this.lastDraw = 0;
    this.update(0, true);
  }

  update(fraction: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
    const full = Math.round(f * this.width);
    const secs = Math.round((now - this.started) / 1000);
    this.write(`\r\x1b[K${this.label} [${'#'.repeat(full)}${'-'.repeat(this.width - full)}] ${String(Math.round(f * 100)).padStart(3)}% ${secs}s`);
    this.shown = true;
  }

  /** Clears the bar and prints `line` (if any) in its place. */
  finish(line?: string): void {
    if (!this.enabled) return;
    if (this.shown) this.write('\r\x1b[K');
    this.shown = false;
    if (line !== undefined) this.write(`${line}\n`);
  }
}
