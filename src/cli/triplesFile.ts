// Reading a triples file for `validate`, `export` and `import`: every bad line reported with its
// line number (src/core/triples/import.ts does the checking).
import { parseTriples, type TripleFileFormat } from '../core/triples/import';
import type { Triple } from '../core/triples/types';
import { FileProblemsError, printIssues } from './errors';
import { readText } from './io';

export const TRIPLES_HINT = 'Fix those lines (formats and fields: docs/triples.md) and run the command again.';

export async function readTriples(path: string, options: { now?: string; quiet?: boolean } = {}): Promise<{ triples: Triple[]; format: TripleFileFormat }> {
  const text = await readText(path, 'Triples file');
  const name = path === '-' ? 'stdin' : path;
  const result = parseTriples(text, { maxErrors: Number.POSITIVE_INFINITY, sourceName: name.split(/[\\/]/).pop() ?? name, ...(options.now !== undefined && { now: options.now }) });
  if (!result.ok) throw new FileProblemsError(name, result.errors, result.moreErrors, TRIPLES_HINT);
  if (!options.quiet) printIssues(name, result.warnings, 'warning');
  return { triples: result.triples, format: result.format };
}
