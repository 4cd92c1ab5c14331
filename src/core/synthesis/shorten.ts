// Shorter Stage 1 composites from existing triples (`longvpo shorten`): each triple keeps its
// anchor and a seeded random choice of its distractors, in their order, with the anchor moved to a
// seeded random slot. A curriculum of composite lengths (2 clips, then the full composites) is
// then a few `train --stage 1 --init` runs over folders that differ only in their triples
// (docs/results.md, "Where the question sits"). Pure.
//
// With `keepSlots` the composite keeps its number of slots: the K − 1 kept distractors fill the
// other slots in turn (repeated), and the anchor lands in a seeded random slot of all of them, so
// the anchor sits at every distance from the question, as in the full composites, with fewer
// distinct clips to tell apart (the `spread` recipe; docs/results.md, "A curriculum that keeps
// every slot").
//
// Must: the anchor, the question and both answers stay; `anchor_index` names the anchor's new
// slot; `video` lists the kept clips in order. The rejected answer is the one some distractor
// gives, and that distractor may be among those dropped: for DPO the pair then contrasts the
// anchor's answer with another clip's answer not in view (docs/cli.md says so).
import { mulberry32, type Rng } from '../world/random';
import type { Triple } from '../triples/types';

export function shortenComposite(t: Triple, clips: number, rng: Rng, keepSlots = false): Triple {
  const a = t.anchor_index;
  if (t.stage !== 1 || a === undefined || t.clips.length <= clips) return t;
  const anchor = t.clips[a];
  if (anchor === undefined) return t;
  const distractors = t.clips.filter((_, i) => i !== a);
  const chosen = new Set(rng.shuffle(distractors.map((_, i) => i)).slice(0, clips - 1));
  const kept = distractors.filter((_, i) => chosen.has(i));
  // Kept slots: the distractors repeated in turn over every slot but the anchor's.
  const fill = keepSlots && kept.length > 0 ? Array.from({ length: t.clips.length - 1 }, (_, i) => kept[i % kept.length] as (typeof kept)[number]) : kept;
  const slot = rng.int(0, fill.length);
  const composite = [...fill.slice(0, slot), anchor, ...fill.slice(slot)];
  // Cached reference log-probs were computed on the old composite (under --ref full): drop them.
  const { ref_chosen_logps: _c, ref_rejected_logps: _r, ...rest } = t;
  return { ...rest, clips: composite, video: composite.map((c) => c.id), anchor_index: slot };
}

/**
 * Every Stage 1 triple of `triples` cut to `clips` clips, in order, by one seeded draw (the rest as
 * they are). `longvpo shorten --seed S` and `train --composite-clips K --seed S` make the same
 * composites from the same triples. 0 leaves them all as they are. `keepSlots`: the K clips fill
 * every slot of the composite instead (see above).
 */
export function shortenTriples<T extends Triple>(triples: readonly T[], clips: number, seed: number, keepSlots = false): T[] {
  if (!(clips > 0)) return [...triples];
  const rng = mulberry32(seed);
  return triples.map((t) => (t.stage === 1 ? (shortenComposite(t, clips, rng, keepSlots) as T) : t));
}
