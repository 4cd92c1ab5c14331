// What every command gets from main.ts: the cancellation signal (Ctrl-C).
export interface CliContext {
  signal: AbortSignal;
}
