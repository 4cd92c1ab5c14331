// Evaluation scoring, three ways on the same items: every candidate in a sequence of its own in
// the items' own order (`scoreAnswers`), the same shortest first (`byLength`), and each item's
// candidates sharing one prefix (`scoreChoices`, what multipleChoice does now): a probe
// interleaves 1-, 2-, 4- and 16-clip composites question by question, a batch is padded to its
// longest sequence, and an item's 5 candidates repeat its clips and question. The study's
// policy shape (2 layers × 64, 4 heads, question-twice, 6 object tokens of 99 per clip, vocabulary
// 170) with fresh weights, on a probe-shaped workload: per question 1 + 2 + 4 + 4 composites of
// 1 / 2 / 4 / 16 clips, 5 candidates each, batches of 64 (sequences, or items sharing a prefix)
// as `eval` scores. Same run, same items; the scores must agree. Prints JSON and a table.
//
// Run: npm run bench:eval-order   (QUESTIONS=40, BACKEND=wasm by default)
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { DEFAULT_MODEL, validateModelConfig } from '../src/core/train/config';
import { mulberry32 } from '../src/core/world/random';
import { activateBackend } from '../src/ml/backend/registry';
import { tinyClipTable } from '../src/ml/policy/fixtures';
import { scoreAnswers, scoreChoices, type ChoiceInput, type ClipSource, type ScoredItem } from '../src/ml/policy/inputs';
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
  const choices: ChoiceInput[] = [];
  for (let q = 0; q < questions; q++) {
    const question = Array.from({ length: 6 + Math.floor(rng.next() * 4) }, word);
    for (const [length, positions] of [[1, 1], [2, 2], [4, 4], [16, 4]] as const) {
      for (let p = 0; p < positions; p++) {
        const composite = Array.from({ length }, () => String(1 + Math.floor(rng.next() * clipCount)));
        const answers = Array.from({ length: 5 }, () => Array.from({ length: 1 + Math.floor(rng.next() * 3) }, word));
        for (const answer of answers) items.push({ clips: composite, question, answer });
        choices.push({ clips: composite, question, answers });
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
  const shared = async () => {
    const t0 = performance.now();
    const scores = await scoreChoices(params, model, clips, choices, { batchSize: 64 });
    return { ms: performance.now() - t0, scores };
  };
  await time(true); // warm-up: kernels compiled, the wasm module hot
  await shared();
  const order = await time(false);
  const sorted = await time(true);
  const prefix = await shared();
  const diff = (a: Float32Array, b: Float32Array): number => a.reduce((m, s, i) => Math.max(m, Math.abs(s - (b[i] as number))), 0);
  tf.dispose(Object.values(params));
  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
  const result = {
    backend,
    questions,
    sequences: items.length,
    item_order_ms: Math.round(order.ms),
    shortest_first_ms: Math.round(sorted.ms),
    shared_prefix_ms: Math.round(prefix.ms),
    speedup: ratio(order.ms, sorted.ms),
    shared_prefix_vs_shortest_first: ratio(sorted.ms, prefix.ms),
    max_score_difference: diff(order.scores, sorted.scores),
    max_score_difference_shared_prefix: diff(sorted.scores, prefix.scores),
  };
  console.log(JSON.stringify(result));
  console.table([
    { order: 'items as the probe lists them', ms: result.item_order_ms },
    { order: 'shortest first (byLength)', ms: result.shortest_first_ms, speedup: `${result.speedup}× item order` },
    { order: 'candidates sharing a prefix (scoreChoices)', ms: result.shared_prefix_ms, speedup: `${result.shared_prefix_vs_shortest_first}× shortest first` },
  ]);
  expect(result.max_score_difference).toBeLessThan(1e-3);
  expect(result.max_score_difference_shared_prefix).toBeLessThan(1e-3);
});
