// `sft.jsonl` (issue #12, docs/training.md): single-clip question/answer samples that teach the
// short-context model before DPO. One JSON object per line; clip ids are those of `clips.jsonl`.
//
// Must: a file with any bad line gives no samples, and every bad line is reported with its line.
import { Issues, isRecord, readRecords, type ImportIssue, type RecordFormat } from '../jsonRecords';
import type { SftSample } from './samples';

export interface SftLine {
  id: string;
  clip: string;
  video: string;
  start_s: number;
  end_s: number;
  task_type: string;
  question: string;
  answer: string;
  generator: string;
}

export function sftJsonl(lines: readonly SftLine[]): string {
  return lines.map((l) => JSON.stringify(l) + '\n').join('');
}

const FORMAT: RecordFormat = {
  lineSyntaxError: (d) => `is not valid JSON: ${d} (each line must be one JSON object)`,
  arraySyntaxError: (d) => `is not valid JSON: ${d}`,
  prettyPrinted: 'starts a pretty-printed object: write one sample per line (JSONL)',
};

export type SftParseResult = { ok: true; samples: SftSample[] } | { ok: false; errors: ImportIssue[] };

export function parseSftJsonl(text: string): SftParseResult {
  const issues = new Issues({ maxErrors: 50, unknownField: () => '' });
  const samples: SftSample[] = [];
  const ids = new Set<string>();
  for (const r of readRecords(text, issues, FORMAT)) {
    if (r.syntaxError) {
      issues.error(r.line, r.syntaxError);
      continue;
    }
    const v = r.value;
    if (!isRecord(v)) {
      issues.error(r.line, `${r.where}is not an object`);
      continue;
    }
    const bad = (['id', 'clip', 'question', 'answer'] as const).filter((k) => typeof v[k] !== 'string' || (v[k] as string).trim() === '');
    if (bad.length > 0) {
      issues.error(r.line, `${r.where}${bad.join(', ')} must be non-empty text`);
      continue;
    }
    const id = v.id as string;
    if (ids.has(id)) {
      issues.error(r.line, `${r.where}id ${id} appears twice (ids must be unique)`);
      continue;
    }
    ids.add(id);
    samples.push({ id, clips: [v.clip as string], question: v.question as string, answer: v.answer as string });
  }
  return issues.errors.length > 0 ? { ok: false, errors: issues.errors } : { ok: true, samples };
}
