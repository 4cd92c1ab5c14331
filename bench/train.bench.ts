// Training step speed (issue #12) in Node, per backend: SFT and Stage 1 DPO steps with the
// full-context reference run every step, the anchor-only reference run every step, and cached
// reference log-probs; tokens/s and MFU against the backend's 1024² matmul peak in the same run.
// Prints JSON and a table; writes bench/out/train.json.
// Run: npx vitest run --config bench/vitest.bench.config.ts bench/train.bench.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { activateBackend } from '../src/ml/backend/registry';
import { benchTraining, type TrainBenchReport } from '../src/ml/train/bench';
import { wasmDir } from '../tests/helpers/tfNode';

it('training step times per backend', { timeout: 900_000 }, async () => {
  tf.enableProdMode();
  const reports: TrainBenchReport[] = [];
  for (const backend of (process.env.BACKENDS ?? 'wasm,cpu').split(',')) {
    await activateBackend(backend as 'wasm' | 'cpu', { wasmPaths: wasmDir, wasmMultithread: false });
    // What the studio trains today (one visual token per clip), and the paper's frame-level
    // composites (128-frame budget: 16 clips × 8 frames, one token per frame).
    for (const tokensPerClip of [1, 8]) reports.push(await benchTraining({ steps: backend === 'cpu' ? 3 : 8, tokensPerClip }));
  }
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/train.json', JSON.stringify(reports, null, 2) + '\n');
  console.log(JSON.stringify(reports));
  const rows = reports.flatMap((r) => r.cases.map((c) => `| ${r.backend} | ${r.shape.clips}×${r.shape.tokensPerClip} | ${c.case} | ${(c.stepS * 1000).toFixed(0)} | ${c.tokensPerS.toFixed(0)} | ${c.gflops.toFixed(2)} | ${(100 * c.mfu).toFixed(1)}% |`));
  console.log(['| backend | clips×tokens | case | ms/step | tokens/s | model GFLOP/s | MFU |', '|---|---|---|---|---|---|---|', ...rows].join('\n'));
  for (const r of reports) console.log(`${r.backend} ${r.shape.clips}×${r.shape.tokensPerClip}: matmul peak ${r.matmulPeakGflops.toFixed(1)} GFLOP/s; anchor-only/full ${r.ratios.anchorVsFull.toFixed(2)}, cached/full ${r.ratios.cachedVsFull.toFixed(2)}`);
});
