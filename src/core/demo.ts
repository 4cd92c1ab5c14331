// Sizes of the built-in demo (issue #4). Full is the default world; small is a quick look
// (and what the browser test runs).
import type { WorldConfig } from './world';

export type DemoSize = 'small' | 'full';

export const DEMO_SIZES: Record<DemoSize, { label: string; config: Partial<WorldConfig> }> = {
  small: { label: 'Small: 8 short clips and 1 long video of 3 scenes (about 1 minute)', config: { seed: 42, shortClips: 8, longVideos: 1, scenesPerLongVideo: [3, 3], sceneSeconds: [20, 30] } },
  full: { label: 'Full: 60 short clips and 4 long videos of 5–10 minutes (a few minutes)', config: { seed: 42 } },
};

/**
 * Frame features of the demo: the default embedder, it with each frame's colour histogram
 * appended, the histogram alone, or five visual tokens per clip (the whole frame and its four
 * quadrants, each CNN features + colour histogram; docs/evaluation.md), six object tokens per clip
 * found by segmenting the pixels (`objects`, src/core/objectTokens.ts) — or `facts`: the oracle
 * diagnostic, each clip's vector written from the world's ground truth (src/core/world/factFeatures.ts),
 * which only the demo world can give; `fact-tokens` the same facts as one token per object.
 */
export const DEMO_FEATURES = ['mobilenet', 'mobilenet+colour', 'colour', 'regions', 'objects', 'facts', 'fact-tokens'] as const;
export type DemoFeatures = (typeof DEMO_FEATURES)[number];
/** The features an embedder computes from pixels (all but the oracle `facts` and `fact-tokens`). */
export type PixelFeatures = Exclude<DemoFeatures, 'facts' | 'fact-tokens'>;

/**
 * What a `demo` folder's files are made by, beyond its settings: raised whenever the same settings
 * come to write other files, so that `longvpo reproduce` does not keep a world made the old way. 2: the
 * object-token scenes are cut on the background (941361a), and a cross-scene query written twice
 * keeps both records (e0fb680); 1 (no field): before.
 */
export const DEMO_DATA_VERSION = 2;
