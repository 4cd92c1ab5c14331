// DPO step time, a pair's two answers in one sequence sharing its composite (`pairForward`, the
// trainer's default) against two sequences of their own (the obvious way, `sharedPrefix: false`),
// in the same run on the same data: the study's policy shape (2 layers × 64, 4 heads,
// question-twice, 6 object tokens of 99 per clip, vocabulary 170), batches of 8 pairs, composites
// of 2, 4 and 16 clips (the curriculum's steps and Stage 1). Both trainers start from the same
// weights and take the same steps, alternating, so noise hits both; the step time is the median
// after a warm-up step, and the reference log-probs (cached before the first step) are timed too.
// The weights after the steps must agree. Prints JSON and a table.
//
// Run: npm run bench:train-pairs   (STEPS=12, BACKEND=wasm by default)
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { defaultTrainConfig, DEFAULT_MODEL, validateModelConfig } from '../src/core/train/config';
import type { PreferenceSample } from '../src/core/train/samples';
import { WordTokenizer } from '../src/core/train/tokenizer';
import { mulberry32 } from '../src/core/world/random';
import { activateBackend } from '../src/ml/backend/registry';
import { tinyClipTable } from '../src/ml/policy/fixtures';
import type { ClipSource } from '../src/ml/policy/inputs';
import { initialParams } from '../src/ml/policy/params';
import { PolicyTrainer } from '../src/ml/train/trainer';
import { wasmDir } from '../tests/helpers/tfNode';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

it('DPO steps: pairs sharing their composite against two sequences', { timeout: 1_800_000 }, async () => {
  const backend = (process.env.BACKEND ?? 'wasm') as 'wasm' | 'cpu';
  expect((await activateBackend(backend, { wasmPaths: wasmDir, wasmMultithread: false })).ok).toBe(true);
  tf.enableProdMode();
  const steps = Number(process.env.STEPS ?? 12);
  const tokens = 6;
  const dim = tokens * 99;
  const words = Array.from({ length: 160 }, (_, i) => `w${i}`);
  const tokenizer = WordTokenizer.build(words);
  const model = validateModelConfig({ ...DEFAULT_MODEL, visualDim: dim, vocabSize: tokenizer.size, visualTokens: tokens, layout: 'question-twice' });
  const table = tinyClipTable(401, dim, 11);
  const clips: ClipSource = { dim, tokens, vector: (id) => table.subarray(Number(id) * dim, (Number(id) + 1) * dim) };
  const rows: { clips: number; sharedS: number; separateS: number; ratio: number; refSharedS: number; refSeparateS: number; refRatio: number; weightsMaxRelDiff: number }[] = [];
  for (const k of [2, 4, 16]) {
    const rng = mulberry32(k);
    const sentence = (n: number): string => Array.from({ length: n }, () => words[Math.floor(rng.next() * words.length)]).join(' ');
    const pairs: PreferenceSample[] = Array.from({ length: 8 * (steps + 1) }, (_, i) => {
      const composite = Array.from({ length: k }, () => String(1 + Math.floor(rng.next() * 400)));
      return { id: `p${i}`, stage: 1, task: 'anchored_qa', clips: composite, anchorClips: [composite[i % k] as string], question: sentence(8), chosen: sentence(1 + (i % 3)), rejected: sentence(1 + ((i + 1) % 3)) };
    });
    const params = initialParams(model, 1);
    const config = { ...defaultTrainConfig('stage1'), batchSize: 8, maxSteps: steps + 1, refMode: 'full' as const };
    const make = (sharedPrefix: boolean) => new PolicyTrainer({ config, model, tokenizer, clips, pairs, params, reference: params, sharedPrefix });
    const shared = make(true);
    const separate = make(false);
    const refTime = async (t: PolicyTrainer): Promise<number> => {
      const t0 = performance.now();
      await t.prepareReference();
      return (performance.now() - t0) / 1000;
    };
    const refSeparateS = await refTime(separate);
    const refSharedS = await refTime(shared);
    const times = { shared: [] as number[], separate: [] as number[] };
    for (let s = 0; s <= steps; s++) {
      const order = s % 2 === 0 ? ([['shared', shared], ['separate', separate]] as const) : ([['separate', separate], ['shared', shared]] as const);
      for (const [name, t] of order) {
        const m = await t.trainStep();
        if (s > 0) times[name].push(m.step_time_s as number);
      }
    }
    const [a, b] = [await shared.weights(), await separate.weights()];
    let worst = 0;
    for (const [name, w] of Object.entries(a)) {
      const v = (b[name] as { values: Float32Array }).values;
      const scale = Math.max(1e-6, ...Array.from(v, Math.abs));
      for (let i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs((w.values[i] as number) - (v[i] as number)) / scale);
    }
    shared.dispose();
    separate.dispose();
    const sharedS = median(times.shared);
    const separateS = median(times.separate);
    rows.push({ clips: k, sharedS, separateS, ratio: sharedS / separateS, refSharedS, refSeparateS, refRatio: refSharedS / refSeparateS, weightsMaxRelDiff: worst });
    // The same training, whichever way it is computed (float rounding only).
    expect(worst).toBeLessThan(1e-3);
  }
  console.log(JSON.stringify({ backend, steps, batchPairs: 8, model: { dModel: model.dModel, layers: model.layers, heads: model.heads, tokensPerClip: tokens, layout: model.layout }, rows }));
  console.log(
    [
      '| clips | two sequences, ms/step | shared composite, ms/step | ratio | reference, two sequences | shared | ratio | weights, max rel. diff |',
      '|---|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.clips} | ${(r.separateS * 1000).toFixed(0)} | ${(r.sharedS * 1000).toFixed(0)} | ${r.ratio.toFixed(2)} | ${r.refSeparateS.toFixed(2)} s | ${r.refSharedS.toFixed(2)} s | ${r.refRatio.toFixed(2)} | ${r.weightsMaxRelDiff.toExponential(1)} |`),
    ].join('\n'),
  );
});
