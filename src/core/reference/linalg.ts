// Plain-JS reference math. Tensor code in src/ml is checked against these in tests; they are
// written for clarity, not speed: never use them on a hot path.

/** Row-major dense matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function matrix(rows: number, cols: number, values: ArrayLike<number>): Matrix {
  if (values.length !== rows * cols) {
    throw new RangeError(`matrix ${rows}×${cols} needs ${rows * cols} values, got ${values.length}`);
  }
  return { rows, cols, data: Float64Array.from(values) };
}

export function at(m: Matrix, r: number, c: number): number {
  return m.data[r * m.cols + c] ?? Number.NaN;
}

/** C = A·B, A: [n, k], B: [k, m]. */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`matmul shapes ${a.rows}×${a.cols} · ${b.rows}×${b.cols}`);
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let p = 0; p < a.cols; p++) s += at(a, i, p) * at(b, p, j);
      out[i * b.cols + j] = s;
    }
  }
  return { rows: a.rows, cols: b.cols, data: out };
}

/** Numerically stable softmax over each row. */
export function softmaxRows(m: Matrix): Matrix {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    let max = -Infinity;
    for (let j = 0; j < m.cols; j++) max = Math.max(max, at(m, i, j));
    let sum = 0;
    for (let j = 0; j < m.cols; j++) sum += Math.exp(at(m, i, j) - max);
    for (let j = 0; j < m.cols; j++) out[i * m.cols + j] = Math.exp(at(m, i, j) - max) / sum;
  }
  return { rows: m.rows, cols: m.cols, data: out };
}

/**
 * Mean cross-entropy of row-softmax(X·W) against integer labels, its gradient with respect to
 * W, and W after one SGD step of size `lr`. X: [n, k], W: [k, c], labels: n ints in [0, c).
 * dL/dW = Xᵀ (P − Y) / n, with P the softmax and Y the one-hot labels.
 */
export function softmaxRegressionStep(x: Matrix, w: Matrix, labels: readonly number[], lr: number) {
  const logits = matmul(x, w);
  const probs = softmaxRows(logits);
  const n = x.rows;
  let loss = 0;
  const diff = Float64Array.from(probs.data);
  labels.forEach((label, i) => {
    loss -= Math.log(at(probs, i, label)) / n;
    diff[i * probs.cols + label] = (diff[i * probs.cols + label] ?? 0) - 1;
  });
  const grad = new Float64Array(w.data.length);
  for (let p = 0; p < w.rows; p++) {
    for (let j = 0; j < w.cols; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += at(x, i, p) * (diff[i * w.cols + j] ?? 0);
      grad[p * w.cols + j] = s / n;
    }
  }
  const updated = w.data.map((v, idx) => v - lr * (grad[idx] ?? 0));
  return {
    logits,
    probs,
    loss,
    grad: { rows: w.rows, cols: w.cols, data: grad },
    updated: { rows: w.rows, cols: w.cols, data: updated },
  };
}

/** Largest absolute difference between two equally long arrays (Infinity if lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? NaN) - (b[i] ?? NaN));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/** Deterministic values in [-1, 1) for fixtures: a tiny LCG, not a source of randomness. */
export function fixtureValues(count: number, seed: number): number[] {
  let state = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(state / 2 ** 31 - 1);
  }
  return out;
}
