// The demo world's videos as the import path sees them, without encoding or decoding (the headless
// CLI, issue #5): frames sampled at `fps` (frame k = the last world frame at or before k / fps,
// as src/media samples), rendered at the embedder's 4:3 letterbox, embedded, then cut into fixed
// clips whose embedding is the L2-normalised mean of their frames (src/core/clips.ts) — the same
// clips, ids and segmentation the browser's `video.segment` makes for the same video.
//
// Must: the same world, fps, clip length and embedder give the same clips and embeddings, in
// world video order. Must: a cancelled signal stops between batches with an AbortError.
import { columnsOf, detectScenes, fixedClips, SpanMeans, type EmbeddedSpan, type FrameSpan, type SceneOptions } from '../core/clips';
import type { CancelSignal } from '../core/generators/types';
import { sceneViewOf } from '../core/pipeline';
import { letterbox, renderFrame, type World, type WorldVideo } from '../core/world';
import type { Embedder } from './embedder';
import { consecutiveDistances } from './similarity';

/** One clip (or scene) of one world video with its embedding. */
export type EmbeddedClip = EmbeddedSpan;

export interface WorldEmbedProgress {
  framesDone: number;
  framesTotal: number;
}

export interface WorldEmbedOptions {
  /** Sampling rate, frames per second (paper and studio default: 1). */
  fps: number;
  /** Fixed clip length, seconds (studio default: 8). */
  clipS: number;
  /** Frames per embedder call. */
  batchSize?: number;
  onProgress?: (p: WorldEmbedProgress) => void;
  signal?: CancelSignal;
}

/** Frames sampled from `durationS` seconds at `fps`: times 0, 1/fps, … below the duration. */
export function sampleCount(durationS: number, fps: number): number {
  return Math.max(1, Math.ceil(durationS * fps - 1e-9));
}

/** World frame shown at sample k: the last frame at or before k / fps. */
export function worldFrameAt(video: WorldVideo, worldFps: number, k: number, fps: number): number {
  return Math.min(video.frameCount - 1, Math.floor((k / fps) * worldFps + 1e-9));
}

function clipId(videoId: string, frameStart: number, kind: 'clip' | 'scene' = 'clip'): string {
  return `${videoId}|${kind}|${String(frameStart).padStart(7, '0')}`;
}

function throwIfAborted(signal?: CancelSignal): void {
  if (!signal?.aborted) return;
  if (signal.reason instanceof Error) throw signal.reason;
  const e = new Error('Cancelled.');
  e.name = 'AbortError';
  throw e;
}

/**
 * A macrotask turn. On wasm, `data()` resolves as a microtask, so a loop of embed calls would
 * never let a cancel (Ctrl-C, a worker message) be delivered until it ends.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Total frames `embedWorldClips` will embed (for progress and ETA). */
export function worldSampleTotal(world: World, fps: number): number {
  return world.videos.reduce((n, v) => n + sampleCount(v.durationS, fps), 0);
}

/** Every video of the world → fixed clips with mean frame embeddings, in world video order. */
export async function embedWorldClips(world: World, embedder: Embedder, options: WorldEmbedOptions): Promise<EmbeddedClip[]> {
  return (await embedWorld(world, embedder, options)).clips;
}

/**
 * Fixed clips and, with `scenes`, detected scenes (Stage 2) of every video, as the browser's
 * `video.segment` makes them: cuts where consecutive frames' cosine distance (a tensor op) reaches
 * the threshold; ids `${videoId}|scene|${frameStart}`.
 */
export async function embedWorld(world: World, embedder: Embedder, options: WorldEmbedOptions & { scenes?: SceneOptions }): Promise<{ clips: EmbeddedClip[]; scenes: EmbeddedClip[] }> {
  const { fps, clipS, signal } = options;
  const batchSize = options.batchSize ?? 16;
  const { width, height } = world.config;
  const framesTotal = worldSampleTotal(world, fps);
  let framesDone = 0;
  const out: EmbeddedClip[] = [];
  const scenesOut: EmbeddedClip[] = [];
  for (const video of world.videos) {
    const count = sampleCount(video.durationS, fps);
    const spans = fixedClips(count, fps, clipS);
    // Scenes need every frame's embedding first (distances), so frames are kept per video: 1792
    // floats × a 10-minute video at 1 fps is 4 MB.
    const frameVectors: Float32Array[] = [];
    const means = new SpanMeans(spans, embedder.dim);
    for (let start = 0; start < count; start += batchSize) {
      await yieldToEventLoop();
      throwIfAborted(signal);
      const frames: Uint8Array[] = [];
      for (let k = start; k < Math.min(count, start + batchSize); k++) {
        frames.push(letterbox(renderFrame(world, video, worldFrameAt(video, world.config.fps, k, fps)), width, height, embedder.inputSize));
      }
      const vectors = await embedder.embed(frames); // [frames, dim]
      means.add(start, vectors);
      if (options.scenes) frameVectors.push(vectors);
      framesDone += frames.length;
      options.onProgress?.({ framesDone, framesTotal });
    }
    const record = (s: FrameSpan, e: Float32Array | undefined, kind: 'clip' | 'scene'): EmbeddedClip => ({
      id: clipId(video.id, s.frameStart, kind),
      videoId: video.id,
      videoName: video.fileName,
      startS: s.startS,
      endS: s.endS,
      frameCount: s.frameEnd - s.frameStart,
      embedding: e ?? new Float32Array(embedder.dim),
    });
    const embeddings = means.result();
    spans.forEach((s, i) => out.push(record(s, embeddings[i], 'clip')));
    if (options.scenes) {
      const all = new Float32Array(count * embedder.dim);
      frameVectors.reduce((offset, v) => (all.set(v, offset), offset + v.length), 0);
      const cut = columnsOf(all, embedder.dim, sceneViewOf(embedder.id));
      const sceneSpans = detectScenes(await consecutiveDistances(cut.values, cut.dim), fps, options.scenes);
      const sceneMeans = new SpanMeans(sceneSpans, embedder.dim);
      sceneMeans.add(0, all);
      const e = sceneMeans.result();
      sceneSpans.forEach((s, i) => scenesOut.push(record(s, e[i], 'scene')));
    }
  }
  return { clips: out, scenes: scenesOut };
}
