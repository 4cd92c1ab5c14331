// Stage 1 replay in Stage 2 (docs/training.md, "Stage 1 replay"): Stage 2 DPO trained on its own
// triples alone forgets the Stage 1 skill (results.md, "Stage 2 without forgetting": −9 to −14
// points on the Stage 1 probe at every length). Mixing a share of Stage 1 pairs into Stage 2's data
// keeps it. And single-clip pairs in Stage 1 ("Single-clip pairs"). Pure; the CLI and the browser
// worker both build their DPO data through here.
//
// Must: every Stage 2 pair is kept; the Stage 1 pairs are drawn without replacement by a seed, so a
// resumed run trains on exactly the same data; a replay share with no Stage 1 pairs is refused.
import { UserFacingError } from '../errors';
import { mulberry32 } from '../world/random';
import type { TrainConfig } from './config';
import type { PreferenceSample } from './samples';

/** The seed stream of the replay draw, apart from the init and the data order (both from `seed`). */
const REPLAY_STREAM = 0x5e91a7;

/** How many Stage 1 pairs a replay share adds to `stage2` Stage 2 pairs (at most all `stage1`). */
export function replayCount(stage2: number, stage1: number, share: number): number {
  return Math.min(stage1, Math.round(share * stage2));
}

/**
 * Stage 2's training pairs: every Stage 2 pair, then `round(share × |stage2|)` Stage 1 pairs (at
 * most all of them) drawn without replacement by `seed`, in their original order. The trainer
 * shuffles every epoch, so where they sit here does not matter.
 */
export function withReplay(stage2: readonly PreferenceSample[], stage1: readonly PreferenceSample[], share: number, seed: number): PreferenceSample[] {
  if (!(share > 0)) return [...stage2];
  if (stage1.length === 0) throw new UserFacingError('Stage 1 replay needs Stage 1 triples, and the data has none.', 'Train Stage 2 on a folder (or library) that has Stage 1 triples too, or set the replay share to 0.');
  const picked = drawn(stage1, replayCount(stage2.length, stage1.length, share), (seed ^ REPLAY_STREAM) >>> 0);
  return [...stage2, ...picked];
}

/** `k` of `items` drawn without replacement by `seed`, in their original order. */
function drawn<T>(items: readonly T[], k: number, seed: number): T[] {
  const order = mulberry32(seed).shuffle(items.map((_, i) => i));
  return order
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => items[i] as T);
}

/** The id suffix of a single-clip copy of a Stage 1 pair. */
const SINGLE_CLIP_SUFFIX = '#anchor';

/** True for a pair `withSingleClips` added (the anchor alone). */
export const isSingleClipPair = (p: Pick<PreferenceSample, 'id'>): boolean => p.id.endsWith(SINGLE_CLIP_SUFFIX);

/** The seed stream of the single-clip draw, apart from the replay draw and the data order. */
const SINGLE_CLIP_STREAM = 0x51c1e1;

/**
 * Stage 1 with single-clip pairs (docs/training.md, "Single-clip pairs"): every pair, then
 * `round(share × |pairs|)` of them (at most all) drawn without replacement by `seed`, in their
 * order, again with the anchor alone as the context — the question, both answers and the
 * reference context kept, the id suffixed `#anchor`. Every Stage 1 recipe lost 4–9 points at one
 * clip (results.md); these pairs ask the one-clip reading the probe's single-clip cells ask.
 */
export function withSingleClips(pairs: readonly PreferenceSample[], share: number, seed: number): PreferenceSample[] {
  if (!(share > 0)) return [...pairs];
  const picked = drawn(pairs, Math.min(pairs.length, Math.round(share * pairs.length)), (seed ^ SINGLE_CLIP_STREAM) >>> 0);
  return [...pairs, ...picked.map((p) => ({ ...p, id: `${p.id}${SINGLE_CLIP_SUFFIX}`, clips: [...p.anchorClips] }))];
}

/** The id suffix of a Stage 2 pair cut to its cited scenes. */
const CITED_SUFFIX = '#cited';

/** True for a pair `withCitedScenesOnly` cut to its cited scenes. */
export const isCitedOnlyPair = (p: Pick<PreferenceSample, 'id'>): boolean => p.id.endsWith(CITED_SUFFIX);

/**
 * Stage 2 with only the cited scenes (docs/training.md, "Cited scenes only"): every Stage 2 pair
 * with its policy context cut to the scenes its query cites, in playback order — the reference
 * context (`anchorClips`) it already had — its question and answers kept, the id suffixed `#cited`
 * and any reference log-probs the triple carried dropped (they were scored for the whole video in
 * a full-context reference; the run computes its own). Stage 1 pairs (replay) pass unchanged. The
 * paper's y+ is the model's own answer given the cited scenes, which presumes it reads them; the
 * studio's small policy does not until it is taught to (results.md, "Pooling the two
 * thirty-two-world seeds' gap, and a supervised Stage 2 step…").
 */
export function withCitedScenesOnly(pairs: readonly PreferenceSample[]): PreferenceSample[] {
  return pairs.map((p) => {
    if (p.stage !== 2) return p;
    const { refChosenLogps: _chosen, refRejectedLogps: _rejected, ...rest } = p;
    return { ...rest, id: `${p.id}${CITED_SUFFIX}`, clips: [...p.anchorClips] };
  });
}

/**
 * A DPO stage's training pairs from its own stage's pairs, in the one order the CLI and the
 * browser worker both train: Stage 1 adds its single-clip copies; Stage 2 cuts its pairs to their
 * cited scenes (when asked), then adds the Stage 1 replay drawn from `stage1Pool`, which is read
 * only when replay is on (a caller may throw its own error there when it is empty).
 */
export function dpoPairs(own: readonly PreferenceSample[], stage1Pool: () => readonly PreferenceSample[], config: Pick<TrainConfig, 'stage' | 'seed' | 'singleClip' | 'citedOnly' | 'replay'>): PreferenceSample[] {
  if (config.stage === 'stage1') return withSingleClips(own, config.singleClip ?? 0, config.seed);
  if (config.stage !== 'stage2') return [...own];
  const pairs = config.citedOnly === true ? withCitedScenesOnly(own) : [...own];
  return (config.replay ?? 0) > 0 ? withReplay(pairs, stage1Pool(), config.replay ?? 0, config.seed) : pairs;
}
