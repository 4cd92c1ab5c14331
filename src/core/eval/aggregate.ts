// Probe results by length × position, length and question family, with Wilson intervals and the
// number of items in every cell (issue #13). Pure.
import type { ProbeItem } from './probe';
import { proportion, type Proportion } from './stats';

export interface ProbeScores {
  /** Per item: did the summed / per-token scoring pick the correct candidate. */
  correctSum: boolean[];
  correctMean: boolean[];
}

export interface ProbeSummary {
  scoring: 'sum' | 'mean';
  byLength: Record<string, Proportion>;
  /** Per length: one entry per position bucket (first … last). */
  byLengthPosition: Record<string, Proportion[]>;
  byFamily: Record<string, Proportion>;
  /** Per length, per question family: where a context length loses (or a stage gains) its points. Absent in results stored before it. */
  byLengthFamily?: Record<string, Record<string, Proportion>>;
  /** Mean 1/|candidates| per length: what guessing scores. */
  chance: Record<string, number>;
}

export function summarise(items: readonly ProbeItem[], correct: readonly boolean[], scoring: 'sum' | 'mean', buckets: number): ProbeSummary {
  const tally = new Map<string, [number, number]>();
  const add = (key: string, ok: boolean): void => {
    const t = tally.get(key) ?? [0, 0];
    tally.set(key, [t[0] + (ok ? 1 : 0), t[1] + 1]);
  };
  const chanceSum = new Map<number, [number, number]>();
  items.forEach((it, i) => {
    const ok = correct[i] === true;
    add(`L${it.length}`, ok);
    add(`L${it.length}P${it.bucket}`, ok);
    add(`F${it.family}`, ok);
    add(`L${it.length}F${it.family}`, ok);
    const c = chanceSum.get(it.length) ?? [0, 0];
    chanceSum.set(it.length, [c[0] + 1 / it.candidates.length, c[1] + 1]);
  });
  const get = (key: string): Proportion => {
    const [k, n] = tally.get(key) ?? [0, 0];
    return proportion(k, n);
  };
  const lengths = [...new Set(items.map((i) => i.length))].sort((a, b) => a - b);
  const families = [...new Set(items.map((i) => i.family))].sort();
  return {
    scoring,
    byLength: Object.fromEntries(lengths.map((l) => [String(l), get(`L${l}`)])),
    byLengthPosition: Object.fromEntries(lengths.map((l) => [String(l), Array.from({ length: l === 1 ? 1 : buckets }, (_, b) => get(`L${l}P${b}`))])),
    byFamily: Object.fromEntries(families.map((f) => [f, get(`F${f}`)])),
    byLengthFamily: Object.fromEntries(lengths.map((l) => [String(l), Object.fromEntries(families.filter((f) => tally.has(`L${l}F${f}`)).map((f) => [f, get(`L${l}F${f}`)]))])),
    chance: Object.fromEntries([...chanceSum].map(([l, [s, n]]) => [String(l), s / n])),
  };
}
