// Embeddings of spans the data folder gives no vector for (issue #12): a scene of a long video
// is represented by the overlap-weighted mean of its video's clip embeddings, L2-normalised — the
// same quantity the browser stores for a scene (the mean of its frames), up to clip granularity.
// Pure.

export interface SpanClip {
  video: string;
  startS: number;
  endS: number;
  embedding: Float32Array;
}

/** Overlap-weighted mean of `clips` (one video's) over [startS, endS), L2-normalised; undefined when nothing overlaps. */
export function spanVector(clips: readonly SpanClip[], startS: number, endS: number): Float32Array | undefined {
  let out: Float32Array | undefined;
  for (const c of clips) {
    const w = Math.min(endS, c.endS) - Math.max(startS, c.startS);
    if (w <= 0) continue;
    out ??= new Float32Array(c.embedding.length);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + w * (c.embedding[i] as number);
  }
  if (!out) return undefined;
  const norm = Math.hypot(...out);
  return norm > 0 ? out.map((x) => x / norm) : out;
}
