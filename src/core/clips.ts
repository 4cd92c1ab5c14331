// Clips and scenes over a video's sampled frames. Pure: frame i was sampled at time i / fps.

/** A span of sampled frames [frameStart, frameEnd) and its time range in seconds. */
export interface FrameSpan {
  frameStart: number;
  frameEnd: number;
  startS: number;
  endS: number;
}

/** A clip or scene of one video with its embedding, as the studio names it. Times in seconds, frames at the sampling rate. */
export interface EmbeddedSpan {
  /** `${videoId}|clip|${frameStart, 7 digits}` (or `|scene|`), as the studio's clip records. */
  id: string;
  videoId: string;
  videoName: string;
  startS: number;
  endS: number;
  frameCount: number;
  embedding: Float32Array;
}

function span(frameStart: number, frameEnd: number, fps: number): FrameSpan {
  return { frameStart, frameEnd, startS: frameStart / fps, endS: frameEnd / fps };
}

/**
 * Fixed-length clips of `clipS` seconds. A trailing remainder shorter than `minClipS` is merged
 * into the previous clip rather than kept as a sliver (LongVPO anchors are up to 64 frames at
 * 1 fps, DESIGN.md §1).
 */
export function fixedClips(frameCount: number, fps: number, clipS: number, minClipS = clipS / 2): FrameSpan[] {
  if (!(fps > 0) || !(clipS > 0)) throw new RangeError(`fps (${fps}) and clip length (${clipS} s) must be positive`);
  const per = Math.max(1, Math.round(clipS * fps));
  const minFrames = Math.max(1, Math.round(minClipS * fps));
  const out: FrameSpan[] = [];
  for (let start = 0; start < frameCount; start += per) {
    const end = Math.min(frameCount, start + per);
    const last = out[out.length - 1];
    if (end - start < minFrames && last) out[out.length - 1] = span(last.frameStart, end, fps);
    else out.push(span(start, end, fps));
  }
  return out;
}

export interface SceneOptions {
  /** A cut needs at least this cosine distance between consecutive frames (1 − cos). */
  threshold: number;
  /** No scene shorter than this, seconds. */
  minSceneS: number;
}

/**
 * Scene boundaries from embedding change between consecutive frames. `distances[i]` is
 * 1 − cos(frame i, frame i+1); a cut after frame i starts a scene at frame i + 1. Candidate cuts
 * are taken strongest first and kept only if every scene stays ≥ minSceneS, so one hard cut
 * beats the flicker around it.
 */
export function detectScenes(distances: ArrayLike<number>, fps: number, options: SceneOptions): FrameSpan[] {
  const frameCount = distances.length + 1;
  if (distances.length === 0) return frameCount > 0 ? [span(0, 1, fps)] : [];
  const minFrames = Math.max(1, Math.round(options.minSceneS * fps));
  const candidates: number[] = [];
  for (let i = 0; i < distances.length; i++) if ((distances[i] ?? 0) >= options.threshold) candidates.push(i + 1);
  candidates.sort((a, b) => (distances[b - 1] ?? 0) - (distances[a - 1] ?? 0) || a - b);

  const cuts: number[] = [];
  for (const c of candidates) {
    if (c < minFrames || frameCount - c < minFrames) continue;
    if (cuts.every((k) => Math.abs(k - c) >= minFrames)) cuts.push(c);
  }
  cuts.sort((a, b) => a - b);
  const bounds = [0, ...cuts, frameCount];
  return bounds.slice(1).map((end, i) => span(bounds[i] ?? 0, end, fps));
}

/**
 * The columns [start, end) of every row of a row-major [n, dim] matrix (what the scene cut compares,
 * `sceneViewOf`); the matrix itself when `view` is null.
 */
export function columnsOf(values: Float32Array, dim: number, view: readonly [number, number] | null): { values: Float32Array; dim: number } {
  if (!view) return { values, dim };
  const [start, end] = view;
  if (!(start >= 0 && end > start && end <= dim)) throw new RangeError(`columns ${start}–${end} are not inside rows of ${dim}`);
  const n = values.length / dim;
  const width = end - start;
  const out = new Float32Array(n * width);
  for (let i = 0; i < n; i++) out.set(values.subarray(i * dim + start, i * dim + end), i * width);
  return { values: out, dim: width };
}

/** L2-normalised mean of rows [frameStart, frameEnd) of a row-major [n, dim] matrix. */
export function spanEmbedding(frames: Float32Array, dim: number, s: FrameSpan): Float32Array {
  const out = new Float32Array(dim);
  for (let f = s.frameStart; f < s.frameEnd; f++) for (let d = 0; d < dim; d++) out[d]! += frames[f * dim + d] ?? 0;
  let norm = 0;
  for (let d = 0; d < dim; d++) norm += out[d]! ** 2;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dim; d++) out[d]! /= norm;
  return out;
}

/**
 * Sums of frame embeddings per span, fed window by window (frames in order), so clip and scene
 * embeddings of a long video never need all its frames in memory. `result()` gives the
 * L2-normalised means, as `spanEmbedding` would.
 */
export class SpanMeans {
  private readonly sums: Float32Array[];
  constructor(
    private readonly spans: FrameSpan[],
    private readonly dim: number,
  ) {
    this.sums = spans.map(() => new Float32Array(dim));
  }

  /** Adds rows of frames [frameStart, frameStart + rows) from a row-major [rows, dim] matrix. */
  add(frameStart: number, vectors: Float32Array): void {
    const rows = vectors.length / this.dim;
    const frameEnd = frameStart + rows;
    this.spans.forEach((s, k) => {
      const from = Math.max(s.frameStart, frameStart);
      const to = Math.min(s.frameEnd, frameEnd);
      const sum = this.sums[k]!;
      for (let f = from; f < to; f++) {
        const row = (f - frameStart) * this.dim;
        for (let d = 0; d < this.dim; d++) sum[d]! += vectors[row + d] ?? 0;
      }
    });
  }

  result(): Float32Array[] {
    return this.sums.map((sum) => {
      let norm = 0;
      for (let d = 0; d < this.dim; d++) norm += sum[d]! ** 2;
      norm = Math.sqrt(norm) || 1;
      return sum.map((v) => v / norm);
    });
  }
}
