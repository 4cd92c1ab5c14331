// Progress of long work on stderr (DESIGN.md §6: long work shows progress): rate and ETA, one
// refreshed line on a terminal, a line every few seconds otherwise (logs, CI), nothing with --quiet.

export class Progress {
  private readonly startedAt = Date.now();
  private lastPrint = 0;
  private open = false;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly unit: string,
    private readonly quiet: boolean,
  ) {}

  /** `done` of `total` units so far. */
  update(done: number, total: number): void {
    if (this.quiet) return;
    const now = Date.now();
    const final = done >= total;
    if (!final && now - this.lastPrint < (this.tty ? 200 : 5000)) return;
    this.lastPrint = now;
    const seconds = (now - this.startedAt) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const tail = final ? `in ${formatSeconds(seconds)}` : rate > 0 ? `ETA ${formatSeconds((total - done) / rate)}` : 'ETA ?';
    const line = `${this.label}: ${done}/${total} ${this.unit} (${rate.toFixed(1)} ${this.unit}/s, ${tail})`;
    if (this.tty) process.stderr.write(`\r${line}\x1b[K`);
    else process.stderr.write(`${line}\n`);
    this.open = this.tty;
    if (final) this.finish();
  }

  /** Ends a refreshed terminal line. */
  finish(): void {
    if (this.open) process.stderr.write('\n');
    this.open = false;
  }
}

export function note(text: string, quiet: boolean): void {
  if (!quiet) process.stderr.write(`${text}\n`);
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}
