// Comparing two runs on the same probe (issue #13): per-item results stored compactly, a
// fingerprint that says whether two evaluations asked the same items, and the paired change in
// accuracy per length (Newcombe interval, exact McNemar p). Pure.
import { differenceInDifferences, pairedDifference, type MeanDifference, type PairedDifference } from './stats';

/** Per-item results of one evaluation, in probe order. */
export interface PerItem {
  /** FNV-1a of the items (ids, clips, answers, candidates): equal means the same probe. */
  fingerprint: string;
  /** Composite length (or, for the Stage 2 probe, the context: "full" / "cited") of each item. */
  group: (number | string)[];
  /** '1' where the (summed) scoring picked the correct candidate, '0' elsewhere. */
  correct: string;
  /**
   * Per item, its anchor's position bucket (0 … positions−1) and its question (an index, the same
   * for one anchor's question asked at every position and length): what the position gap
   * (positionGap.ts) needs. Absent for the Stage 2 probe and in results stored before they were kept.
   */
  bucket?: number[];
  question?: number[];
}

/** FNV-1a (32-bit) over the items' JSON. */
export function itemsFingerprint(items: readonly { id: string; clips: readonly string[]; answer: string; candidates: readonly string[] }[]): string {
  let h = 0x811c9dc5;
  const text = JSON.stringify(items.map((it) => [it.id, it.clips, it.answer, it.candidates]));
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

type Scored = { id: string; clips: readonly string[]; answer: string; candidates: readonly string[]; bucket?: number; anchor?: string; question?: string };

/** Per-item results; with the anchor's position and question kept when every item has them (the held-out probe's). */
export function perItem(items: readonly Scored[], group: readonly (number | string)[], correct: readonly boolean[]): PerItem {
  const base = { fingerprint: itemsFingerprint(items), group: [...group], correct: correct.map((c) => (c ? '1' : '0')).join('') };
  if (!items.every((it) => typeof it.bucket === 'number' && typeof it.anchor === 'string' && typeof it.question === 'string')) return base;
  const questions = new Map<string, number>();
  const question = items.map((it) => {
    const key = `${it.anchor as string}\u241f${it.question as string}`;
    if (!questions.has(key)) questions.set(key, questions.size);
    return questions.get(key) as number;
  });
  return { ...base, bucket: items.map((it) => it.bucket as number), question };
}

/**
 * second − first per group (length or context), paired over the same items. Undefined when the
 * two were not scored on the same probe (another held-out world, seed or setting).
 */
export function pairedGains(first: PerItem | undefined, second: PerItem | undefined): Record<string, PairedDifference> | undefined {
  return pairedGainsBy(first, second, byGroup);
}

/**
 * second − first per key of each item (`keyOf` of the first's results; undefined leaves the item
 * out), paired over the same items: e.g. by anchor position at one length. Undefined as pairedGains.
 */
export function pairedGainsBy(first: PerItem | undefined, second: PerItem | undefined, keyOf: (p: PerItem, i: number) => string | undefined): Record<string, PairedDifference> | undefined {
  if (!first || !second || !sameItems(first, second)) return undefined;
  return Object.fromEntries([...groupItems(first, keyOf)].map(([g, ix]) => [g, pairedDifference(rightAt(first, ix), rightAt(second, ix))]));
}

/** Whether two evaluations scored the same probe items. */
function sameItems(a: PerItem, b: PerItem): boolean {
  return a.fingerprint === b.fingerprint && a.correct.length === b.correct.length;
}

/** The items' indices by key (`keyOf` undefined leaves an item out), in first-seen key order. */
function groupItems(p: PerItem, keyOf: (p: PerItem, i: number) => string | undefined): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  p.group.forEach((_, i) => {
    const key = keyOf(p, i);
    if (key === undefined) return;
    const ix = groups.get(key);
    if (ix) ix.push(i);
    else groups.set(key, [i]);
  });
  return groups;
}

/** An item's length (or Stage 2 context), the key of the paired tables. */
const byGroup = (p: PerItem, i: number): string => String(p.group[i]);

/** Whether each of the items `ix` was right. */
const rightAt = (p: PerItem, ix: readonly number[]): boolean[] => ix.map((i) => p.correct[i] === '1');

/**
 * (second − first) − (secondBase − firstBase) per group, over the same items: the part of a change
 * between two runs that their baselines (the same runs with every clip hidden) do not share.
 * Undefined unless all four scored the same probe.
 */
export function pairedGainsBeyond(first: PerItem | undefined, second: PerItem | undefined, firstBase: PerItem | undefined, secondBase: PerItem | undefined): Record<string, MeanDifference> | undefined {
  if (!first || !second || !firstBase || !secondBase || ![second, firstBase, secondBase].every((p) => sameItems(first, p))) return undefined;
  return Object.fromEntries([...groupItems(first, byGroup)].map(([g, ix]) => [g, differenceInDifferences(rightAt(first, ix), rightAt(second, ix), rightAt(firstBase, ix), rightAt(secondBase, ix))]));
}

/** A change of accuracy in points with its sign: 0.04 → "+4.0", −0.011 → "−1.1". */
export function signedPoints(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;
}

/** A change and its 95% interval in points: "+4.0 [+1.1, +6.9]". */
export function signedInterval(x: number, ci95: readonly [number, number]): string {
  return `${signedPoints(x)} [${signedPoints(ci95[0])}, ${signedPoints(ci95[1])}]`;
}

/** "+4.0 [+1.1, +6.9], p = 0.006" (points). */
export function formatGain(d: PairedDifference | undefined): string {
  if (!d || !Number.isFinite(d.difference)) return '—';
  const p = d.p < 0.001 ? '< 0.001' : `= ${d.p.toFixed(3)}`;
  return `${signedInterval(d.difference, d.ci95)}, p ${p}`;
}
