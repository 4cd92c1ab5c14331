// How the CLI fails (docs/cli.md): one line on stderr naming the problem and the fix, and an exit
// code; the stack trace only with --debug. Ctrl-C (an AbortError) exits 130 with nothing written.
import { UserFacingError } from '../core/errors';

export const EXIT = { ok: 0, failed: 1, cancelled: 130 } as const;

/** A failure the user can fix; `exitCode` 1 unless said otherwise. */
export class CliError extends UserFacingError {
  override name = 'CliError';
}

export interface LineIssue {
  line: number;
  message: string;
}

/** A file with bad lines: every line is printed as `FILE:LINE: message` (compiler style). */
export class FileProblemsError extends CliError {
  override name = 'FileProblemsError';
  constructor(
    readonly file: string,
    readonly issues: readonly LineIssue[],
    readonly moreIssues: number,
    hint: string,
  ) {
    const total = issues.length + moreIssues;
    super(`${file} has ${total} ${total === 1 ? 'problem' : 'problems'} (listed above).`, hint);
  }
}

export function printIssues(file: string, issues: readonly LineIssue[], kind: 'error' | 'warning' = 'error'): void {
  for (const i of issues) process.stderr.write(`${file}:${i.line}: ${kind === 'warning' ? 'warning: ' : ''}${oneLine(i.message)}\n`);
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** Prints `e` for a user and returns the exit code. */
export function reportFailure(e: unknown, debug: boolean): number {
  if (isAbort(e)) {
    process.stderr.write('longvpo: cancelled; no output was written.\n');
    return EXIT.cancelled;
  }
  if (e instanceof FileProblemsError) printIssues(e.file, e.issues);
  if (e instanceof UserFacingError) process.stderr.write(`longvpo: ${sentence(e.message)} ${sentence(e.hint)}\n`);
  else {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`longvpo: unexpected error: ${sentence(message)} Run again with --debug for the stack trace, and report it.\n`);
  }
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return EXIT.failed;
}

/** One line ending in a full stop. */
function sentence(text: string): string {
  const line = oneLine(text);
  return /[.!?)]$/.test(line) ? line : `${line}.`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
