// How well the frame segmentation (src/core/segmentFrame.ts) sees a demo world, against the
// world's ground truth: one walk over a world's segmented frames with their objects in view, one
// match of a found object to them, and one scorer, for the unit tests' floors
// (src/core/objectTokens.test.ts, shapeCode.test.ts), `npm run bench:objects` and
// `npm run fit:shape-codebook`. Pure; plain JS.

import { segmentFrame, type FoundObject, type Segmentation } from './segmentFrame';
import { letterbox, renderFrame, type World, type WorldVideo } from './world';
import { objectsInView } from './world/raster';
import { OBJECT_COLOURS, type ObjectColour } from './world/vocabulary';

/** A found object is matched to an object in view whose centre is this close (pixels). */
const MATCH_PX = 12;

/** The palette colour nearest an RGB colour. */
export function nearestObjectColour(c: readonly number[]): ObjectColour {
  let best: ObjectColour = 'red';
  let bestD = Infinity;
  for (const [name, p] of Object.entries(OBJECT_COLOURS) as [ObjectColour, readonly number[]][]) {
    const d = Math.hypot(p[0]! - c[0]!, p[1]! - c[1]!, p[2]! - c[2]!);
    if (d < bestD) [best, bestD] = [name, d];
  }
  return best;
}

export interface SegmentationScore {
  frames: number;
  /** Frames whose found object count equals the count in view. */
  countRight: number;
  /** Objects in view, summed over frames. */
  inView: number;
  /** Objects in view with a found object within MATCH_PX of their centre. */
  found: number;
  /** Found objects whose chosen own colour is nearest their palette colour. */
  colourRight: number;
  /** Found solid objects, and those of them whose colour is right. */
  solid: number;
  solidRight: number;
}

/** An object in view: its entity and its centre in world pixels. */
export type InView = ReturnType<typeof objectsInView>[number];

/** A segmented frame of a world video and the objects in view at its time. */
export interface WorldFrame {
  video: WorldVideo;
  /** Seconds into the video. */
  t: number;
  /** The frame rendered and letterboxed to size × size, as the embedders see it. */
  rgb: Uint8Array;
  /** Its segmentation (null for an all-bar frame). */
  seg: Segmentation | null;
  truth: InView[];
}

/** How a rendered RGBA frame becomes the size×size RGB the segmentation sees (default: `letterbox`, as the CLI embeds). */
export type FrameView = (rgba: Uint8ClampedArray, width: number, height: number, size: number) => Uint8Array;

/** Frames every `everyS` seconds of every video of `world`, letterboxed to `size` (or shown through `view`), segmented. */
export function* worldFrames(world: World, { everyS = 3, size = 224, view = letterbox }: { everyS?: number; size?: number; view?: FrameView } = {}): Generator<WorldFrame> {
  const { width: w, height: h, fps } = world.config;
  for (const video of world.videos) {
    for (let f = 0; f < video.frameCount; f += everyS * fps) {
      const rgb = view(renderFrame(world, video, f), w, h, size);
      yield { video, t: f / fps, rgb, seg: segmentFrame(rgb, size), truth: objectsInView(world, video, f / fps) };
    }
  }
}

/** The object in view whose centre is nearest a found object's, within `maxPx` world pixels (else null). */
export function nearestInView(world: World, o: FoundObject, truth: readonly InView[], maxPx = MATCH_PX): InView | null {
  const { width: w, height: h } = world.config;
  let best: InView | null = null;
  let bestD = maxPx;
  for (const t of truth) {
    const d = Math.hypot(o.cx * w - t.at.x, o.cy * h - t.at.y);
    if (d < bestD) [best, bestD] = [t, d];
  }
  return best;
}

/** A score of no frames yet. */
export function emptyScore(): SegmentationScore {
  return { frames: 0, countRight: 0, inView: 0, found: 0, colourRight: 0, solid: 0, solidRight: 0 };
}

/** Adds one frame to `s`: its found objects matched to the objects in view (centre within MATCH_PX) and counted. */
export function scoreFrame(world: World, objects: readonly FoundObject[], truth: readonly InView[], s: SegmentationScore): void {
  const { width: w, height: h } = world.config;
  s.frames++;
  if (objects.length === truth.length) s.countRight++;
  for (const { entity, at } of truth) {
    s.inView++;
    const near = objects.find((o) => Math.hypot(o.cx * w - at.x, o.cy * h - at.y) < MATCH_PX);
    if (!near) continue;
    s.found++;
    const right = nearestObjectColour(near.colour) === entity.colour;
    if (right) s.colourRight++;
    if (entity.texture === 'solid') {
      s.solid++;
      if (right) s.solidRight++;
    }
  }
}

/**
 * The frames of `worldFrames`, matched to the objects in view and counted. `onFrame` sees each
 * letterboxed frame (bench:objects times the object tokens of the same frames there).
 */
export function scoreSegmentation(
  world: World,
  { everyS = 3, size = 224, view, onFrame }: { everyS?: number; size?: number; view?: FrameView; onFrame?: (rgb: Uint8Array) => void } = {},
): SegmentationScore {
  const s = emptyScore();
  for (const { rgb, seg, truth } of worldFrames(world, { everyS, size, ...(view ? { view } : {}) })) {
    onFrame?.(rgb);
    scoreFrame(world, seg?.objects ?? [], truth, s);
  }
  return s;
}
