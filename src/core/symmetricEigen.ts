// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations, in float64. Used for
// the k × k Rayleigh–Ritz step of the review map's PCA (src/ml/pca.ts), where k ≤ ~100: the big
// products stay tensor ops, only this small matrix is solved in plain JS.

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major [size, size] matrix, in the order of `values`. */
  vectors: Float64Array;
}

/** `a` is row-major [size, size] and symmetric; it is not modified. */
export function symmetricEigen(a: ArrayLike<number>, size: number, maxSweeps = 60): SymmetricEigen {
  if (a.length !== size * size) throw new RangeError(`symmetricEigen: ${a.length} values is not a ${size} × ${size} matrix`);
  const m = Float64Array.from(a);
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  const at = (r: number, c: number) => m[r * size + c]!;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < size; p++) {
      diag += at(p, p) ** 2;
      for (let q = p + 1; q < size; q++) off += at(p, q) ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < size; p++)
      for (let q = p + 1; q < size; q++) {
        const apq = at(p, q);
        if (apq === 0) continue;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, §8.5.2).
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const mkp = m[k * size + p]!;
          const mkq = m[k * size + q]!;
          m[k * size + p] = c * mkp - s * mkq;
          m[k * size + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < size; k++) {
          const mpk = m[p * size + k]!;
          const mqk = m[q * size + k]!;
          m[p * size + k] = c * mpk - s * mqk;
          m[q * size + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k * size + p]!;
          const vkq = v[k * size + q]!;
          v[k * size + p] = c * vkp - s * vkq;
          v[k * size + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((x, y) => at(y, y) - at(x, x));
  const values = Float64Array.from(order, (j) => at(j, j));
  const vectors = new Float64Array(size * size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) vectors[r * size + c] = v[r * size + order[c]!]!;
  return { values, vectors };
}
