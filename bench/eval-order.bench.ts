// Evaluation scoring, shortest sequences first (`scoreAnswers(…, { byLength: true })`, what
// multipleChoice does) against the items' own order: a probe interleaves 1-, 2-, 4- and 16-clip
// composites question by question, and a batch is padded to its longest sequence. The study's
// policy shape (2 layers × 64, 4 heads, question-twice, 6 object tokens of 99 per clip, vocabulary
// 170) with fresh weights, on a probe-shaped workload: per question 1 + 2 + 4 + 4 composites of
// 1 / 2 / 4 / 16 clips, 5 candidates each, batches of 64 as `eval` scores. Same run, same items;
// the scores must agree. Prints JSON and a table.
//
// Run: npm run bench:eval-order   (QUESTIONS=40, BACKEND=wasm by default)
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { DEFAULT_MODEL, validateModelConfig } from '../src/core/train/config';
import { mulberry32 } from '../src/core/world/random';
import { activateBackend } from '../src/ml/backend/registry';
import { tinyClipTable } from '../src/ml/policy/fixtures';
import { scoreAnswers, type ClipSource, type ScoredItem } from '../src/ml/policy/inputs';
import { initialParams } from '../src/ml/policy/params';
import { wasmDir } from '../tests/helpers/tfNode';

it('evaluation scoring: shortest first against item order', { timeout: 1_800_000 }, async () => {
  const backend = (process.env.BACKEND ?? 'wasm') as 'wasm' | 'cpu';
  expect((await activateBackend(backend, { wasmPaths: wasmDir })).ok).toBe(true);
  const questions = Number(process.env.QUESTIONS ?? 40);
  const tokens = 6;
  const dim = tokens * 99;
  const model = validateModelConfig({ ...DEFAULT_MODEL, visualDim: dim, vocabSize: 170, visualTokens: tokens, layout: 'question-twice' });
  const clipCount = 400;
  const table = tinyClipTable(clipCount + 1, dim, 11);
  const clips: ClipSource = { dim, tokens, vector: (id) => table.subarray(Number(id) * dim, (Number(id) + 1) * dim) };
  const rng = mulberry32(5);
  const word = (): number => 5 + Math.floor(rng.next() * 160);
  const items: ScoredItem[] = [];
  for (let q = 0; q < questions; q++) {
    const question = Array.from({ length: 6 + Math.floor(rng.next() * 4) }, word);
    for (const [length, positions] of [[1, 1], [2, 2], [4, 4], [16, 4]] as const) {
      for (let p = 0; p < positions; p++) {
        const composite = Array.from({ length }, () => String(1 + Math.floor(rng.next() * clipCount)));
        for (let c = 0; c < 5; c++) items.push({ clips: composite, question, answer: Array.from({ length: 1 + Math.floor(rng.next() * 3) }, word) });
      }
    }
  }
  const values = initialParams(model, 1);
  const params = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
  const time = async (byLength: boolean) => {
    const t0 = performance.now();
    const scores = await scoreAnswers(params, model, clips, items, { batchSize: 64, byLength });
    return { ms: performance.now() - t0, scores };
  };
  await time(true); // warm-up: kernels compiled, the wasm module hot
  const order = await time(false);
  const sorted = await time(true);
  let maxDiff = 0;
  order.scores.forEach((s, i) => (maxDiff = Math.max(maxDiff, Math.abs(s - (sorted.scores[i] as number)))));
  tf.dispose(Object.values(params));
  const result = { backend, questions, sequences: items.length, item_order_ms: Math.round(order.ms), shortest_first_ms: Math.round(sorted.ms), speedup: Math.round((order.ms / sorted.ms) * 100) / 100, max_score_difference: maxDiff };
  console.log(JSON.stringify(result));
  console.table([
    { order: 'items as the probe lists them', ms: result.item_order_ms },
    { order: 'shortest first (byLength)', ms: result.shortest_first_ms, speedup: `${result.speedup}×` },
  ]);
  expect(maxDiff).toBeLessThan(1e-3);
});
