// bench/similarity: all-pairs cosine + top-10 for 2,000 and 10,000 clips, the tensor path on the
// wasm backend (Node) against a plain-JS loop, in one run. Prints JSON and a table.
// Run: npm run bench:similarity (through Vitest's module runner: tfjs-core's gradient files use
// extensionless ESM imports that plain Node refuses).
import { expect, it } from 'vitest';
import { activateBackend } from '../src/ml/backend/registry';
import { cosineTopK } from '../src/ml/similarity';
import { fixtureValues } from '../src/core/reference/linalg';
import { wasmDir } from '../tests/helpers/tfNode';

const DIM = 1024; // MobileNet-class pooled feature size
const K = 10;
const JS_SAMPLE_ROWS = 200; // the JS loop is linear in rows: time a sample, scale up

function unitRows(n: number, seed: number): Float32Array {
  const m = Float32Array.from(fixtureValues(n * DIM, seed));
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < DIM; d++) s += m[i * DIM + d]! ** 2;
    const norm = Math.sqrt(s);
    for (let d = 0; d < DIM; d++) m[i * DIM + d]! /= norm;
  }
  return m;
}

/** The obvious way: dot every pair (rows pre-normalised), keep the best K per row. */
function jsTopK(m: Float32Array, n: number, rows: number): Int32Array {
  const out = new Int32Array(rows * K);
  const best = new Float64Array(K);
  const bestIx = new Int32Array(K);
  for (let i = 0; i < rows; i++) {
    best.fill(-Infinity);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let d = 0; d < DIM; d++) s += m[i * DIM + d]! * m[j * DIM + d]!;
      if (s > best[K - 1]!) {
        let p = K - 1;
        while (p > 0 && best[p - 1]! < s) {
          best[p] = best[p - 1]!;
          bestIx[p] = bestIx[p - 1]!;
          p--;
        }
        best[p] = s;
        bestIx[p] = j;
      }
    }
    out.set(bestIx, i * K);
  }
  return out;
}

it('similarity benchmark', { timeout: 600_000 }, async () => {
const results = [];
if (!(await activateBackend('wasm', { wasmPaths: wasmDir })).ok) throw new Error('wasm backend did not start');
for (const n of [2000, 10000]) {
  const m = unitRows(n, n);
  await cosineTopK(m.subarray(0, 64 * DIM), DIM, K); // warm-up (wasm tier-up, kernel setup)
  let t = performance.now();
  const tensor = await cosineTopK(m, DIM, K, { chunkRows: 1024 });
  const tensorMs = performance.now() - t;

  t = performance.now();
  const js = jsTopK(m, n, JS_SAMPLE_ROWS);
  const jsMs = ((performance.now() - t) / JS_SAMPLE_ROWS) * n;

  // Same neighbours on the sampled rows (float32 vs float64 may swap exact ties only).
  let agree = 0;
  for (let i = 0; i < JS_SAMPLE_ROWS * K; i++) agree += Number(js[i] === tensor.indices[i]);
  results.push({ clips: n, dim: DIM, k: K, backend: 'wasm', tensorMs: Math.round(tensorMs), jsLoopMs: Math.round(jsMs), speedup: Number((jsMs / tensorMs).toFixed(1)), jsLoopExtrapolatedFromRows: JS_SAMPLE_ROWS, neighbourAgreement: agree / (JS_SAMPLE_ROWS * K) });
}

console.log(JSON.stringify({ bench: 'similarity', node: process.version, results }));
console.log();
console.log('clips   dim   k   wasm tensor   JS loop (est.)   speed-up   agreement');
for (const r of results) {
  console.log(
    `${String(r.clips).padEnd(7)} ${String(r.dim).padEnd(5)} ${String(r.k).padEnd(3)} ${`${r.tensorMs} ms`.padEnd(13)} ${`${r.jsLoopMs} ms`.padEnd(16)} ${`${r.speedup}×`.padEnd(10)} ${r.neighbourAgreement}`,
  );
}
for (const r of results) expect(r.neighbourAgreement).toBeGreaterThan(0.99);
});
