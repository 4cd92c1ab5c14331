// Agreement between two reviewers (issue #11): Cohen's kappa overall and per task type, and the
// triples they disagree on. Pure.
//
// Categories: an edited triple counts as accepted (both reviewers let it train), so the verdicts
// compared are `accept`, `reject` and `flag`. Only triples both reviewers decided are counted.
//
// κ = (p_o − p_e) / (1 − p_e), p_o = observed agreement, p_e = Σ_k p_A(k)·p_B(k)
// (Cohen 1960). When p_e = 1 (both reviewers used one same category for everything) κ is undefined:
// reported as null with p_o = 1.

import type { Review } from './decisions';

export const VERDICTS = ['accept', 'reject', 'flag'] as const;
export type Verdict = (typeof VERDICTS)[number];

export function verdictOf(r: Review): Verdict {
  return r.status === 'rejected' ? 'reject' : r.status === 'flagged' ? 'flag' : 'accept';
}

export interface Kappa {
  /** Triples both reviewers decided. */
  n: number;
  agreements: number;
  observed: number;
  expected: number;
  /** null when undefined (n = 0, or p_e = 1). */
  kappa: number | null;
  /** counts[a][b]: reviewer A said VERDICTS[a], reviewer B said VERDICTS[b]. */
  counts: number[][];
}

/** Cohen's kappa over paired verdicts. */
export function cohenKappa(pairs: readonly (readonly [Verdict, Verdict])[]): Kappa {
  const k = VERDICTS.length;
  const counts = VERDICTS.map(() => new Array<number>(k).fill(0));
  for (const [a, b] of pairs) (counts[VERDICTS.indexOf(a)] as number[])[VERDICTS.indexOf(b)]! += 1;
  const n = pairs.length;
  if (n === 0) return { n, agreements: 0, observed: 0, expected: 0, kappa: null, counts };
  let agreements = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    const row = counts[i] as number[];
    agreements += row[i] as number;
    const rowSum = row.reduce((s, x) => s + x, 0);
    const colSum = counts.reduce((s, r) => s + (r[i] as number), 0);
    expected += (rowSum / n) * (colSum / n);
  }
  const observed = agreements / n;
  const kappa = expected >= 1 - 1e-12 ? null : (observed - expected) / (1 - expected);
  return { n, agreements, observed, expected, kappa, counts };
}

export interface Disagreement {
  tripleId: string;
  a: Review;
  b: Review;
}

export interface Agreement {
  overall: Kappa;
  byTaskType: { taskType: string; kappa: Kappa }[];
  /** Decided by only one of the two. */
  onlyA: number;
  onlyB: number;
  conflicts: Disagreement[];
}

/**
 * Agreement of two reviewers' reviews (keyed by triple id). `taskTypeOf` names a triple's task
 * type; a triple it does not know (deleted since) is left out.
 */
export function agreement(a: ReadonlyMap<string, Review>, b: ReadonlyMap<string, Review>, taskTypeOf: (tripleId: string) => string | undefined): Agreement {
  const pairs: [Verdict, Verdict][] = [];
  const byType = new Map<string, [Verdict, Verdict][]>();
  const conflicts: Disagreement[] = [];
  let onlyA = 0;
  let onlyB = 0;
  for (const [id, ra] of a) {
    const type = taskTypeOf(id);
    if (type === undefined) continue;
    const rb = b.get(id);
    if (!rb) {
      onlyA++;
      continue;
    }
    const pair: [Verdict, Verdict] = [verdictOf(ra), verdictOf(rb)];
    pairs.push(pair);
    byType.set(type, [...(byType.get(type) ?? []), pair]);
    if (pair[0] !== pair[1]) conflicts.push({ tripleId: id, a: ra, b: rb });
  }
  for (const id of b.keys()) if (!a.has(id) && taskTypeOf(id) !== undefined) onlyB++;
  conflicts.sort((x, y) => (x.tripleId < y.tripleId ? -1 : x.tripleId > y.tripleId ? 1 : 0));
  const byTaskType = [...byType.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([taskType, p]) => ({ taskType, kappa: cohenKappa(p) }));
  return { overall: cohenKappa(pairs), byTaskType, onlyA, onlyB, conflicts };
}
