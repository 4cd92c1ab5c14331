// The Stage 2 probe (issue #13): held-out cross-scene queries over whole long videos. Each
// held-out Stage 2 triple becomes two items — the full video as context, and only the scenes its
// relevance chain cites — each a choice between the correct answer and the answer from a degraded
// context (partial evidence or irrelevance: plausible but wrong). Pure.
import { normalizeText } from '../synthesis/stage1';
import type { Triple } from '../triples/types';

export interface Stage2ProbeItem {
  id: string;
  context: 'full' | 'cited';
  task: string;
  clips: string[];
  question: string;
  answer: string;
  candidates: string[];
}

export function stage2ProbeItems(triples: readonly Triple[]): Stage2ProbeItem[] {
  const out: Stage2ProbeItem[] = [];
  for (const t of triples) {
    if (t.stage !== 2 || normalizeText(t.chosen) === normalizeText(t.rejected)) continue;
    const clips = t.clips.map((c) => c.id);
    const cited = [...(t.relevant_clips ?? [])].sort((a, b) => a - b).map((i) => clips[i] as string);
    const base = { task: t.task_type, question: t.question, answer: t.chosen, candidates: [t.chosen, t.rejected] };
    out.push({ id: `${t.id}-full`, context: 'full', clips, ...base }, { id: `${t.id}-cited`, context: 'cited', clips: cited, ...base });
  }
  return out;
}
