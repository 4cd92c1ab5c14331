// bench/objects: how well the object tokens' segmentation (src/core/objectTokens.ts) sees the demo
// world. Frames every 3 s of every video of a full demo world, rendered and letterboxed as the CLI
// embeds them; each frame's found objects are matched to the objects in view (ground truth, centre
// within 12 px) and scored: frames whose object count is right, objects found, and objects whose
// chosen own colour is nearest their palette colour (src/core/segmentationScore.ts, which the unit
// test's floors share). Also the time per frame of the object tokens (their segmentation
// included), and how often consecutive frames of a clip keep the same objects in the same slots.
// Prints JSON and a table.
//
// Run: npm run bench:objects            (SEED=42 by default; SEED=1042 for the held-out world)
import { it } from 'vitest';
import { OBJECT_SLOTS, objectTokens } from '../src/core/objectTokens';
import { nearestInView, scoreSegmentation, worldFrames } from '../src/core/segmentationScore';
import { buildWorld } from '../src/core/world';

const SIZE = 224;

it('object tokens: what the segmentation finds in a demo world', () => {
  const seed = Number(process.env.SEED ?? 42);
  const world = buildWorld({ seed });
  let tokenMs = 0;
  const timeTokens = (rgb: Uint8Array): void => {
    const t0 = performance.now();
    objectTokens(rgb, SIZE);
    tokenMs += performance.now() - t0;
  };
  const { frames, countRight, inView, found, colourRight, solid, solidRight } = scoreSegmentation(world, { everyS: 3, size: SIZE, onFrame: timeTokens });
  // Slot stability: at 1 fps, within each 8 s clip, do consecutive frames put the same objects
  // (nearest in-view entity of each found object) in the same slots? A clip's token k is the mean
  // of its frames' slot k, so a change mixes two objects in one token.
  let pairs = 0;
  let samePairs = 0;
  let prev: { video: unknown; clip: number; key: string } | null = null;
  for (const { video, t, seg, truth } of worldFrames(world, { everyS: 1, size: SIZE })) {
    const key = (seg?.objects ?? [])
      .slice(0, OBJECT_SLOTS)
      .map((o) => nearestInView(world, o, truth, Infinity)?.entity.id ?? '?')
      .join(',');
    const clip = Math.floor(t / 8);
    if (prev && prev.video === video && prev.clip === clip) {
      pairs++;
      if (key === prev.key) samePairs++;
    }
    prev = { video, clip, key };
  }
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  const result = {
    seed,
    frames,
    objects_in_view: inView,
    count_right: r(countRight / frames),
    found: r(found / inView),
    colour_right: r(colourRight / found),
    colour_right_solid: r(solidRight / solid),
    ms_per_frame: Math.round((tokenMs / frames) * 10) / 10,
    slots_kept_between_frames: r(samePairs / pairs),
  };
  console.log(JSON.stringify(result, null, 1));
  console.log(['world | frames | objects | count right | found | colour right (solid) | ms/frame | slots kept frame to frame', '--- | --- | --- | --- | --- | --- | --- | ---', `${seed} | ${frames} | ${inView} | ${result.count_right} | ${result.found} | ${result.colour_right} (${result.colour_right_solid}) | ${result.ms_per_frame} | ${result.slots_kept_between_frames}`].join('\n'));
}, 600_000);
