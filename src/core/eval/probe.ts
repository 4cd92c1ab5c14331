// The held-out probe (issue #13; the paper's Figure 1 at small scale): for anchored questions on
// clips of a world the training never saw, composites of L clips with the anchor at evenly spread
// positions, distractors drawn as Stage 1 draws them (other videos, similarity filter on). Each
// item is multiple choice over candidate answers: the correct one, the answers the question gets
// on the item's distractors, and other values of the question's family (or, for a question that
// lists its answers, those it lists). Pure and seeded.
//
// Must: the same clips, generator and settings give the same items. Must: candidates always hold
// the correct answer once, and at most `maxCandidates` answers.
import { throwIfCancelled } from '../errors';
import { GeneratorUnavailableError, type CancelSignal, type Generator } from '../generators/types';
import { clipPoolOf, pickDistractors, type SimilaritySource } from '../synthesis/distractors';
import { normalizeText } from '../synthesis/stage1';
import { resolveSettings, type SynthClip } from '../synthesis/stage1Settings';
import { mulberry32, seedFrom } from '../world/random';

export interface ProbeSettings {
  seed: number;
  /** Composite lengths in clips (paper-style: 1, 4, 8, 16, 32). */
  lengths: number[];
  /** Anchor positions per length, evenly spread from first to last (fewer for short composites). */
  positions: number;
  /** Questions asked per anchor clip (generator variants 0…k−1). */
  questionsPerClip: number;
  /** Anchor clips used at most (a seeded sample). */
  maxAnchors: number;
  similarityThreshold: number;
  maxCandidates: number;
  embedder: string;
}

/**
 * Bumped when the same world and settings give other items: 2 (2026-12-02) asks questions that
 * list their answers over those, and the world's presence decoys changed. Results of another
 * version are not comparable, and a study evaluates again rather than keep them.
 */
export const PROBE_VERSION = 2;

/** Anchors the Evaluate page accepts (the CLI's `--max-anchors` has no upper bound). */
export const PROBE_ANCHOR_RANGE = { min: 1, max: 1000 } as const;

export const PROBE_DEFAULTS: Omit<ProbeSettings, 'embedder'> = { seed: 1, lengths: [1, 4, 8, 16, 32], positions: 4, questionsPerClip: 3, maxAnchors: 60, similarityThreshold: 0.85, maxCandidates: 6 };

export interface ProbeItem {
  id: string;
  length: number;
  /** Anchor index in `clips`, and its position bucket (0 … positions−1: first … last). */
  position: number;
  bucket: number;
  clips: string[];
  anchor: string;
  question: string;
  answer: string;
  family: string;
  candidates: string[];
}

export interface ProbeReport {
  anchors: number;
  questions: number;
  items: number;
  /** (question, length, position) cells dropped because distractors ran out or all were too similar. */
  dropped: number;
}

/**
 * The same items with each anchor replaced by `hidden` (`eval --hide-anchor`): distractors,
 * their order and the anchor's position stay; only what the anchor shows is gone.
 */
export function withAnchorHidden<T extends Pick<ProbeItem, 'clips' | 'anchor' | 'position'>>(items: readonly T[], hidden: string): T[] {
  return items.map((it) => {
    if (it.clips[it.position] !== it.anchor) throw new RangeError(`probe item: the anchor ${it.anchor} is not at position ${it.position}`);
    return { ...it, clips: it.clips.map((c, i) => (i === it.position ? hidden : c)) };
  });
}

/** Evenly spread anchor positions in a composite of `length` clips (first and last included). */
export function spreadPositions(length: number, count: number): number[] {
  if (length <= 1) return [0];
  const k = Math.min(count, length);
  return [...new Set(Array.from({ length: k }, (_, i) => Math.round((i * (length - 1)) / Math.max(1, k - 1))))];
}

export async function buildProbe(clips: readonly SynthClip[], similarity: SimilaritySource, generator: Generator, s: ProbeSettings, signal?: CancelSignal): Promise<{ items: ProbeItem[]; report: ProbeReport }> {
  const usable = clips.map((c, i) => [c, i] as const).filter(([c]) => c.frameCount > 0);
  const anchors = mulberry32(seedFrom('probe-anchors', s.seed)).shuffle([...usable]).slice(0, s.maxAnchors);
  const ref = (c: SynthClip) => ({ id: c.id, videoId: c.videoId, videoName: c.videoName, startS: c.startS, endS: c.endS });
  // Questions first (and every family's answers, the candidate pool).
  const questions: { anchor: number; question: string; answer: string; family: string; choices?: string[] }[] = [];
  const familyValues = new Map<string, Set<string>>();
  for (const [c, i] of anchors) {
    const seen = new Set<string>();
    for (let v = 0; v < s.questionsPerClip; v++) {
      throwIfCancelled(signal);
      let qa;
      try {
        qa = (await generator.anchoredQA({ clip: ref(c), variant: v }, signal)).value;
      } catch (e) {
        if (e instanceof GeneratorUnavailableError) break;
        throw e;
      }
      const key = normalizeText(qa.question);
      if (seen.has(key)) break;
      seen.add(key);
      questions.push({ anchor: i, question: qa.question, answer: qa.answer, family: qa.family, ...(qa.choices && { choices: qa.choices }) });
      familyValues.set(qa.family, (familyValues.get(qa.family) ?? new Set()).add(qa.answer));
    }
  }
  const rows = await similarity.rows([...new Set(questions.map((q) => q.anchor))], signal);
  const rowOf = new Map([...new Set(questions.map((q) => q.anchor))].map((a, k) => [a, rows[k] as Float32Array]));
  const items: ProbeItem[] = [];
  let dropped = 0;
  for (const [qi, q] of questions.entries()) {
    const anchorClip = clips[q.anchor] as SynthClip;
    for (const length of s.lengths) {
      const positions = spreadPositions(length, s.positions);
      for (const [bucketIndex, position] of positions.entries()) {
        const rng = mulberry32(seedFrom('probe-item', s.seed, anchorClip.id, qi, length, position));
        let distractors: number[] = [];
        if (length > 1) {
          const settings = resolveSettings({ seed: s.seed, count: 1, embedder: s.embedder, frameBudget: length, framesPerClip: 1, similarityThreshold: s.similarityThreshold });
          const pick = pickDistractors(clipPoolOf(clips, settings), q.anchor, rowOf.get(q.anchor) as Float32Array, rng);
          if (!pick.ok) {
            dropped++;
            continue;
          }
          distractors = pick.distractors;
        }
        const order = [...distractors];
        order.splice(position, 0, q.anchor);
        // Candidates: correct, then what the distractors answer, then the family's other values.
        const wrong: string[] = [];
        for (const d of distractors) {
          const a = (await generator.answer({ question: q.question, clips: [ref(clips[d] as SynthClip)] }, signal)).value;
          if (normalizeText(a) !== normalizeText(q.answer) && !wrong.some((w) => normalizeText(w) === normalizeText(a))) wrong.push(a);
        }
        // A question that lists its answers is asked over those (the others of its family would be the
        // only candidates it does not name: a policy could pick the one it names without looking).
        const pool = q.choices ?? [...(familyValues.get(q.family) ?? [])];
        const family = rng.shuffle([...pool].filter((a) => normalizeText(a) !== normalizeText(q.answer) && !wrong.some((w) => normalizeText(w) === normalizeText(a))).sort());
        const candidates = [q.answer, ...rng.shuffle(wrong).slice(0, s.maxCandidates - 1)];
        candidates.push(...family.slice(0, Math.max(0, s.maxCandidates - candidates.length)));
        items.push({
          id: `probe-${qi}-${length}-${position}`,
          length,
          position,
          bucket: length === 1 ? 0 : positions.length === s.positions ? bucketIndex : Math.round((bucketIndex * (s.positions - 1)) / Math.max(1, positions.length - 1)),
          clips: order.map((k) => (clips[k] as SynthClip).id),
          anchor: anchorClip.id,
          question: q.question,
          answer: q.answer,
          family: q.family,
          candidates: rng.shuffle(candidates),
        });
      }
    }
  }
  return { items, report: { anchors: anchors.length, questions: questions.length, items: items.length, dropped } };
}
