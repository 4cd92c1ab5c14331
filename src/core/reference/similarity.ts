// Plain-JS references for the similarity tensor ops in src/ml/similarity.ts. Tests only: these
// are the O(n²·d) JS loops the studio must never run on real data.

/** Row `i` of a row-major [n, dim] matrix. */
export function row(m: Float32Array, dim: number, i: number): Float32Array {
  return m.subarray(i * dim, (i + 1) * dim);
}

export function l2Normalize(v: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] ?? 0) ** 2;
  const norm = Math.sqrt(s) || 1;
  return Float64Array.from(v, (x) => x / norm);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = l2Normalize(a);
  const nb = l2Normalize(b);
  let s = 0;
  for (let i = 0; i < na.length; i++) s += (na[i] ?? 0) * (nb[i] ?? 0);
  return s;
}

/** Top-k cosine neighbours of every row (self excluded), best first. */
export function referenceTopK(m: Float32Array, dim: number, k: number): Array<Array<{ index: number; score: number }>> {
  const n = m.length / dim;
  const out: Array<Array<{ index: number; score: number }>> = [];
  for (let i = 0; i < n; i++) {
    const scores: Array<{ index: number; score: number }> = [];
    for (let j = 0; j < n; j++) if (j !== i) scores.push({ index: j, score: cosine(row(m, dim, i), row(m, dim, j)) });
    scores.sort((x, y) => y.score - x.score);
    out.push(scores.slice(0, k));
  }
  return out;
}

/** 1 − cos between consecutive rows: length n − 1. */
export function referenceConsecutiveDistances(m: Float32Array, dim: number): number[] {
  const n = m.length / dim;
  const out: number[] = [];
  for (let i = 0; i + 1 < n; i++) out.push(1 - cosine(row(m, dim, i), row(m, dim, i + 1)));
  return out;
}
