import { describe, expect, it } from 'vitest';
import { agreement, cohenKappa, VERDICTS, type Verdict } from './agreement';
import type { Review, ReviewStatus } from './decisions';

/** Plain-JS reference: κ from the two label lists directly, no confusion matrix. */
function referenceKappa(a: Verdict[], b: Verdict[]): number {
  const n = a.length;
  let agree = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) agree++;
  let pe = 0;
  for (const v of VERDICTS) pe += (a.filter((x) => x === v).length / n) * (b.filter((x) => x === v).length / n);
  return (agree / n - pe) / (1 - pe);
}

describe('cohenKappa', () => {
  it('matches a hand-computed case', () => {
    // 10 items. A: 6 accept, 3 reject, 1 flag. B: 5 accept, 4 reject, 1 flag.
    // Agree on 4 accepts, 2 rejects, 1 flag → p_o = 0.7.
    // p_e = 0.6·0.5 + 0.3·0.4 + 0.1·0.1 = 0.30 + 0.12 + 0.01 = 0.43.
    // κ = (0.7 − 0.43) / (1 − 0.43) = 0.27 / 0.57 = 0.473684…
    const a: Verdict[] = ['accept', 'accept', 'accept', 'accept', 'accept', 'accept', 'reject', 'reject', 'reject', 'flag'];
    const b: Verdict[] = ['accept', 'accept', 'accept', 'accept', 'reject', 'reject', 'reject', 'reject', 'accept', 'flag'];
    const k = cohenKappa(a.map((x, i) => [x, b[i]!] as const));
    expect(k.n).toBe(10);
    expect(k.agreements).toBe(7);
    expect(k.observed).toBeCloseTo(0.7, 12);
    expect(k.expected).toBeCloseTo(0.43, 12);
    expect(k.kappa).toBeCloseTo(0.27 / 0.57, 12);
    expect(k.counts).toEqual([
      [4, 2, 0],
      [1, 2, 0],
      [0, 0, 1],
    ]);
  });

  it('agrees with the plain-JS reference on random labels', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + Math.floor(rand() * 60);
      const a = Array.from({ length: n }, () => VERDICTS[Math.floor(rand() * 3)]!);
      const b = a.map((x) => (rand() < 0.6 ? x : VERDICTS[Math.floor(rand() * 3)]!));
      const k = cohenKappa(a.map((x, i) => [x, b[i]!] as const));
      const ref = referenceKappa(a, b);
      if (Number.isFinite(ref)) expect(k.kappa).toBeCloseTo(ref, 12);
    }
  });

  it('is 1 for perfect agreement, null when undefined (no pairs, or one category only)', () => {
    expect(cohenKappa([['accept', 'accept'], ['reject', 'reject']]).kappa).toBe(1);
    expect(cohenKappa([]).kappa).toBeNull();
    const one = cohenKappa([['accept', 'accept'], ['accept', 'accept']]);
    expect(one.kappa).toBeNull();
    expect(one.observed).toBe(1);
  });
});

describe('agreement', () => {
  const r = (id: string, status: ReviewStatus, reviewer: string): Review => ({ tripleId: id, status, reviewer, at: 1 });
  it('counts edited as accepted, splits by task type, lists conflicts and one-sided reviews', () => {
    const types: Record<string, string> = { t1: 'detail', t2: 'detail', t3: 'anchored_qa', t4: 'anchored_qa', t5: 'detail' };
    const a = new Map([r('t1', 'accepted', 'a'), r('t2', 'rejected', 'a'), r('t3', 'edited', 'a'), r('t4', 'flagged', 'a'), r('gone', 'accepted', 'a')].map((x) => [x.tripleId, x]));
    const b = new Map([r('t1', 'edited', 'b'), r('t2', 'accepted', 'b'), r('t3', 'accepted', 'b'), r('t4', 'flagged', 'b'), r('t5', 'accepted', 'b')].map((x) => [x.tripleId, x]));
    const g = agreement(a, b, (id) => types[id]);
    expect(g.overall.n).toBe(4);
    expect(g.overall.agreements).toBe(3);
    expect(g.conflicts.map((c) => c.tripleId)).toEqual(['t2']);
    expect(g.onlyA).toBe(0); // 'gone' is not a stored triple
    expect(g.onlyB).toBe(1);
    expect(g.byTaskType.map((x) => [x.taskType, x.kappa.n, x.kappa.agreements])).toEqual([
      ['anchored_qa', 2, 2],
      ['detail', 2, 1],
    ]);
  });
});
