// Shorter Stage 1 composites from existing triples (`longvpo shorten`): each triple keeps its
// anchor and a seeded random choice of its distractors, in their order, with the anchor moved to a
// seeded random slot. A curriculum of composite lengths (2 clips, then the full composites) is
// then a few `train --stage 1 --init` runs over folders that differ only in their triples
// (docs/results.md, "Where the question sits"). Pure.
//
// Must: the anchor, the question and both answers stay; `anchor_index` names the anchor's new
// slot; `video` lists the kept clips in order. The rejected answer is the one some distractor
// gives, and that distractor may be among those dropped: for DPO the pair then contrasts the
// anchor's answer with another clip's answer not in view (docs/cli.md says so).
import { mulberry32, type Rng } from '../world/random';
import type { Triple } from '../triples/types';

export function shortenComposite(t: Triple, clips: number, rng: Rng): Triple {
  const a = t.anchor_index;
  if (t.stage !== 1 || a === undefined || t.clips.length <= clips) return t;
  const anchor = t.clips[a];
  if (anchor === undefined) return t;
  const distractors = t.clips.filter((_, i) => i !== a);
  const chosen = new Set(rng.shuffle(distractors.map((_, i) => i)).slice(0, clips - 1));
  const kept = distractors.filter((_, i) => chosen.has(i));
  const slot = rng.int(0, kept.length);
  const composite = [...kept.slice(0, slot), anchor, ...kept.slice(slot)];
  // Cached reference log-probs were computed on the old composite (under --ref full): drop them.
  const { ref_chosen_logps: _c, ref_rejected_logps: _r, ...rest } = t;
  return { ...rest, clips: composite, video: composite.map((c) => c.id), anchor_index: slot };
}

/**
 * Every Stage 1 triple of `triples` cut to `clips` clips, in order, by one seeded draw (the rest as
 * they are). `longvpo shorten --seed S` and `train --composite-clips K --seed S` make the same
 * composites from the same triples. 0 leaves them all as they are.
 */
export function shortenTriples<T extends Triple>(triples: readonly T[], clips: number, seed: number): T[] {
  if (!(clips > 0)) return [...triples];
  const rng = mulberry32(seed);
  return triples.map((t) => (t.stage === 1 ? (shortenComposite(t, clips, rng) as T) : t));
}
