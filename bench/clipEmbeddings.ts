// Clip-like embeddings for the map benchmarks (Node and, re-implemented in the page, browser).
import { mulberry32 } from '../src/core/world/random';

/** n clips of `videos` videos: each video a random direction, its clips a drift around it plus noise; unit length. */
export function clipLikeEmbeddings(n: number, dim: number, seed = 1, videos = 100): Float32Array {
  const rng = mulberry32(seed);
  const centres = Array.from({ length: videos }, () => Float32Array.from({ length: dim }, () => rng.next() * 2 - 1));
  const drift = Array.from({ length: videos }, () => Float32Array.from({ length: dim }, () => rng.next() * 2 - 1));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const v = i % videos;
    const t = rng.next();
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const x = centres[v]![j]! + 0.6 * t * drift[v]![j]! + 0.5 * (rng.next() * 2 - 1);
      out[i * dim + j] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) out[i * dim + j]! /= norm;
  }
  return out;
}
