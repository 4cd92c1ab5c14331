// The trainer's mechanics on tiny configs, in seconds (issue #12): gradients against finite
// differences of the float64 reference forward, AdamW against its plain-JS reference, one step
// lowers the loss on a fixed batch, and a resumed run replays an uninterrupted one.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { adamwReferenceStep } from '../../core/train/adamwReference';
import { defaultTrainConfig, type ModelConfig, type TrainConfig } from '../../core/train/config';
import { referenceAnswerLogps } from '../../core/train/policyReference';
import type { PreferenceSample, SftSample } from '../../core/train/samples';
import { WordTokenizer } from '../../core/train/tokenizer';
import { wasmDir } from '../../../tests/helpers/tfNode';
import { activateBackend } from '../backend/registry';
import { tinyBatch, tinyClipTable, TINY_MODEL } from '../policy/fixtures';
import type { ClipSource } from '../policy/inputs';
import { answerLogps } from '../policy/model';
import { initialParams, type ParamValues } from '../policy/params';
import { AdamW } from './adamw';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointContents } from '../../core/train/checkpointFile';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from '../../core/train/checkpointMeta';
import { tokenMeanNll } from './losses';
import { PolicyTrainer, type RefLogps, type StepMetrics } from './trainer';
import { pairsContentFingerprint, TrainSession, type RunStore, type TrainData } from './session';

beforeAll(async () => {
  expect((await activateBackend('cpu', { wasmPaths: wasmDir })).ok).toBe(true);
});

describe('policy gradients', () => {
  it('match central finite differences of the float64 reference', async () => {
    const values = initialParams(TINY_MODEL, 9);
    for (const v of Object.values(values)) for (let i = 0; i < v.values.length; i++) v.values[i] = (v.values[i] as number) * (v.shape.length > 1 ? 10 : 1);
    const batch = tinyBatch();
    const table = tinyClipTable(4, TINY_MODEL.visualDim);
    const vars = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.variable(tf.tensor(v.values, v.shape), true, `gc/${k}`)]));
    const { value, grads } = tf.variableGrads(() => tokenMeanNll(answerLogps(vars, TINY_MODEL, { batch, clipTable: table, clipRows: 4 }).logps, batch.answerTokens), Object.values(vars));
    const refLoss = (p: ParamValues): number => {
      const lp = referenceAnswerLogps(p, TINY_MODEL, batch, table, 4);
      return lp.reduce((s, l, i) => s - l / (batch.answerTokens[i] as number), 0) / lp.length;
    };
    expect((await value.data())[0]).toBeCloseTo(refLoss(values), 4);
    const f64: ParamValues = values; // reference reads numbers; perturb in float64 copies below
    let checked = 0;
    for (const name of ['projector.fc1.weight', 'embed.weight', 'layers.0.attn.qkv.weight', 'layers.1.mlp.fc2.weight', 'layers.0.attn_norm.weight', 'lm_head.weight']) {
      const g = await (grads[`gc/${name}`] as tf.Tensor).data();
      const base = f64[name] as { shape: number[]; values: Float32Array };
      for (const idx of [0, 7, Math.floor(base.values.length / 2), base.values.length - 1]) {
        const plus = { ...f64, [name]: { shape: base.shape, values: Float64Array.from(base.values) as unknown as Float32Array } };
        const minus = { ...f64, [name]: { shape: base.shape, values: Float64Array.from(base.values) as unknown as Float32Array } };
        const h = 1e-4;
        (plus[name] as { values: Float32Array }).values[idx] = (base.values[idx] as number) + h;
        (minus[name] as { values: Float32Array }).values[idx] = (base.values[idx] as number) - h;
        const fd = (refLoss(plus) - refLoss(minus)) / (2 * h);
        expect(Math.abs((g[idx] as number) - fd)).toBeLessThanOrEqual(2e-3 + 2e-2 * Math.abs(fd));
        checked++;
      }
    }
    expect(checked).toBe(24);
    tf.dispose([value, ...Object.values(grads), ...Object.values(vars)]);
  });
});

describe('AdamW', () => {
  it('matches the plain-JS update over three steps, weight decay on matrices only', async () => {
    const w = tf.variable(tf.tensor2d([0.5, -1, 2, 0.25], [2, 2]), true, 'w');
    const b = tf.variable(tf.tensor1d([0.1, -0.2]), true, 'b');
    const opt = new AdamW({ w, b }, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 });
    const refW = [0.5, -1, 2, 0.25];
    const refB = [0.1, -0.2];
    const sw = { t: 0, m: [0, 0, 0, 0], v: [0, 0, 0, 0] };
    const sb = { t: 0, m: [0, 0], v: [0, 0] };
    for (const [k, gw] of [[0.3, -0.1, 0.05, 1], [0.2, 0.2, -0.4, 0.5], [-1, 0.3, 0.1, 0]].entries()) {
      const gb = [0.5 * (k + 1), -0.1];
      opt.apply({ w: tf.tensor2d(gw as number[], [2, 2]), b: tf.tensor1d(gb) }, 0.01);
      adamwReferenceStep(refW, gw as number[], sw, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 });
      adamwReferenceStep(refB, gb, sb, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    }
    Array.from(await w.data()).forEach((x, i) => expect(x).toBeCloseTo(refW[i] as number, 6));
    Array.from(await b.data()).forEach((x, i) => expect(x).toBeCloseTo(refB[i] as number, 6));
    opt.dispose();
    tf.dispose([w, b]);
  });
});

// A tiny world: 6 clips; questions whose answers depend on the clip.
const CLIPS: ClipSource = (() => {
  const table = tinyClipTable(7, TINY_MODEL.visualDim, 11);
  return { dim: TINY_MODEL.visualDim, vector: (id: string) => { const r = Number(id.slice(1)); return r >= 1 && r <= 6 ? table.slice(r * TINY_MODEL.visualDim, (r + 1) * TINY_MODEL.visualDim) : undefined; } };
})();
const COLOURS = ['red', 'green', 'blue', 'red', 'green', 'blue'];
const SFT: SftSample[] = [1, 2, 3, 4, 5, 6].flatMap((c) => [
  { id: `s${c}a`, clips: [`c${c}`], question: 'what colour is the circle ?', answer: COLOURS[c - 1] as string },
  { id: `s${c}b`, clips: [`c${c}`], question: 'which clip is this ?', answer: `clip ${c}` },
]);
const PAIRS: PreferenceSample[] = [1, 2, 3, 4, 5, 6].map((c) => ({
  id: `p${c}`, stage: 1, task: 'anchored_qa', clips: [`c${c}`, `c${(c % 6) + 1}`, `c${((c + 1) % 6) + 1}`], anchorClips: [`c${c}`],
  question: 'what colour is the circle ?', chosen: COLOURS[c - 1] as string, rejected: COLOURS[c % 6] === COLOURS[c - 1] ? 'blue' : (COLOURS[c % 6] as string),
}));
const tokenizer = WordTokenizer.build([...SFT.flatMap((s) => [s.question, s.answer]), 'blue']);
const MODEL: ModelConfig = { ...TINY_MODEL, vocabSize: tokenizer.size, dModel: 16, heads: 2 };

function sftTrainer(overrides: Partial<TrainConfig> = {}, resume?: { params: ParamValues; optimizer: { t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }; step: number }): PolicyTrainer {
  const config = { ...defaultTrainConfig('sft'), batchSize: 4, epochs: 3, lr: 1e-2, ...overrides };
  return new PolicyTrainer({ config, model: MODEL, tokenizer, clips: CLIPS, sft: SFT, params: resume?.params ?? initialParams(MODEL, config.seed), ...(resume && { optimizer: resume.optimizer, step: resume.step }) });
}

describe('PolicyTrainer', () => {
  it('one SFT step changes every trained tensor and lowers the loss on the same batch', async () => {
    const t = sftTrainer({ maxSteps: 2, batchSize: 12, gradAccum: 1, warmupRatio: 0, epochs: 1 });
    const before = await t.weights();
    const first = await t.trainStep();
    const after = await t.weights();
    const changed = Object.keys(before).filter((k) => (before[k] as { values: Float32Array }).values.some((x, i) => x !== (after[k] as { values: Float32Array }).values[i]));
    expect(changed.length).toBe(Object.keys(before).length);
    // The same 12 samples again (one batch = the whole epoch): lower loss after the update.
    const second = await t.trainStep();
    expect(second.loss).toBeLessThan(first.loss);
    expect(first.grad_norm).toBeGreaterThan(0);
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['loss', 'grad_norm', 'learning_rate', 'epoch', 'mean_token_accuracy', 'step_time_s', 'tokens_per_s']));
    t.dispose();
  });

  it('gradient accumulation of 2 × 6 equals one batch of 12', async () => {
    const a = sftTrainer({ maxSteps: 1, batchSize: 12, gradAccum: 1, warmupRatio: 0 });
    const b = sftTrainer({ maxSteps: 1, batchSize: 6, gradAccum: 2, warmupRatio: 0 });
    const ma = await a.trainStep();
    const mb = await b.trainStep();
    expect(mb.loss).toBeCloseTo(ma.loss, 5);
    expect(mb.grad_norm).toBeCloseTo(ma.grad_norm, 4);
    const wa = await a.weights();
    const wb = await b.weights();
    for (const k of Object.keys(wa)) (wa[k] as { values: Float32Array }).values.forEach((x, i) => expect(Math.abs(x - ((wb[k] as { values: Float32Array }).values[i] as number))).toBeLessThan(1e-5));
    a.dispose();
    b.dispose();
  });

  it('resuming from a checkpoint (safetensors bytes) replays the uninterrupted run', async () => {
    const full = sftTrainer();
    const fullMetrics: StepMetrics[] = [];
    while (!full.done) fullMetrics.push(await full.trainStep());
    expect(fullMetrics.length).toBe(9); // 12 samples / 4 per step × 3 epochs
    const first = sftTrainer();
    const resumedMetrics: StepMetrics[] = [];
    for (let i = 0; i < 4; i++) resumedMetrics.push(await first.trainStep());
    const bytes = encodeCheckpoint({
      meta: { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, runId: 'r', step: first.step, totalSteps: first.totalSteps, config: first.config, model: MODEL, tokenizer: tokenizer.toJson(), optimizerT: 0, referenceId: null, initId: null, data: { samples: 12, source: 'test' }, createdAt: '2026-01-01T00:00:00Z', lastMetrics: null },
      weights: await first.weights(),
      optimizer: await first.optimizerState(),
      reference: null,
    });
    first.dispose();
    const restored = decodeCheckpoint(bytes);
    expect(restored.meta.step).toBe(4);
    const second = sftTrainer({}, { params: restored.weights, optimizer: restored.optimizer, step: restored.meta.step });
    while (!second.done) resumedMetrics.push(await second.trainStep());
    expect(resumedMetrics.length).toBe(fullMetrics.length);
    resumedMetrics.forEach((m, i) => {
      const want = fullMetrics[i] as { loss: number; grad_norm: number };
      expect(Math.abs(m.loss - want.loss)).toBeLessThanOrEqual(1e-3 * Math.abs(want.loss) + 1e-7);
      expect(Math.abs(m.grad_norm - want.grad_norm)).toBeLessThanOrEqual(1e-3 * Math.abs(want.grad_norm) + 1e-7);
    });
    full.dispose();
    second.dispose();
  });

  it('DPO: reference log-probs are computed once, rewards start at zero, and the anchor-only context differs from the full one', async () => {
    const sft = sftTrainer({ maxSteps: 6 });
    while (!sft.done) await sft.trainStep();
    const init = await sft.weights();
    sft.dispose();
    const make = (refMode: 'anchor' | 'full'): PolicyTrainer =>
      new PolicyTrainer({ config: { ...defaultTrainConfig('stage1'), refMode, batchSize: 3, maxSteps: 4, lr: 1e-2, warmupRatio: 0 }, model: MODEL, tokenizer, clips: CLIPS, pairs: PAIRS, params: init, reference: init });
    const full = make('full');
    await full.prepareReference();
    expect(full.missingReference()).toBe(0);
    const m0 = await full.trainStep();
    // Policy = reference and full context: the log-ratios are zero, so loss = log 2 + α·NLL.
    expect(m0['rewards/chosen']).toBeCloseTo(0, 5);
    expect(m0['rewards/margins']).toBeCloseTo(0, 5);
    expect(m0.loss).toBeCloseTo(Math.log(2) + (m0.nll_loss as number), 4);
    const anchor = make('anchor');
    await anchor.prepareReference();
    expect([...anchor.refLogps.values()].map((r) => r.chosen)).not.toEqual([...full.refLogps.values()].map((r) => r.chosen));
    const metrics: StepMetrics[] = [];
    while (!anchor.done) metrics.push(await anchor.trainStep());
    expect(metrics.at(-1)?.['rewards/margins']).toBeGreaterThan(metrics[0]?.['rewards/margins'] as number);
    full.dispose();
    anchor.dispose();
  });

  it('a NaN loss stops the step with a clear error and leaves the weights untouched', async () => {
    const t = sftTrainer({ maxSteps: 2 });
    const w = t.params['embed.weight'] as tf.Variable;
    w.assign(tf.fill(w.shape, NaN));
    const before = await t.weights();
    await expect(t.trainStep()).rejects.toThrow(/loss became NaN.*last good step/);
    expect(t.step).toBe(0);
    const after = await t.weights();
    expect(Array.from((after['lm_head.weight'] as { values: Float32Array }).values)).toEqual(Array.from((before['lm_head.weight'] as { values: Float32Array }).values));
    t.dispose();
  });
});

describe('TrainSession with several visual tokens per clip', () => {
  // Clips of 12 numbers read as 3 tokens of 4 (e.g. a frame and its regions).
  const tokens3: ClipSource = { ...CLIPS, tokens: 3 };
  const data = (clips: ClipSource): TrainData => ({ clips, sft: SFT, pairs: PAIRS, source: 'test' });

  it('reads the data’s tokens per clip into the model, learns, and refuses data with another count', async () => {
    const s = TrainSession.start({ runId: 'r', config: { ...defaultTrainConfig('sft'), batchSize: 12, maxSteps: 4, lr: 1e-2, warmupRatio: 0 }, data: data(tokens3), model: { dModel: 16, heads: 2, layers: 2, mlpRatio: 2, maxContext: 64 } });
    expect(s.model.visualTokens).toBe(3);
    expect(s.trainer.params['projector.fc1.weight']?.shape).toEqual([4, 16]);
    const losses: number[] = [];
    while (!s.trainer.done) losses.push((await s.trainer.trainStep()).loss);
    expect(losses.at(-1)).toBeLessThan(losses[0] as number);
    let saved: Uint8Array | undefined;
    const store: RunStore = { saveCheckpoint: async (bytes) => void (saved = bytes), loadRefLogps: async () => undefined, saveRefLogps: async () => undefined };
    await s.checkpoint(store);
    const contents = decodeCheckpoint(saved as Uint8Array);
    expect(contents.meta.model.visualTokens).toBe(3);
    expect(() => TrainSession.start({ runId: 'd', config: defaultTrainConfig('stage1'), data: data(CLIPS), init: { id: 'sft', contents } })).toThrow(/reads each clip as 3 visual token\(s\); the data's clips have 1/);
    expect(() => TrainSession.resume(contents, data(CLIPS))).toThrow(/3 visual token/);
    s.trainer.dispose();
  });
});

/** The checkpoint of a Stage 1 run after one step, started from a one-step SFT on `data`. */
async function dpoCheckpoint(data: TrainData): Promise<CheckpointContents> {
  let saved: Uint8Array | undefined;
  const store: RunStore = { saveCheckpoint: async (bytes) => void (saved = bytes), loadRefLogps: async () => undefined, saveRefLogps: async () => undefined };
  const sft = TrainSession.start({ runId: 'sft', config: { ...defaultTrainConfig('sft'), batchSize: 12, maxSteps: 1 }, data, model: { dModel: 16, heads: 2, layers: 1, mlpRatio: 2, maxContext: 64 } });
  await sft.checkpoint(store);
  sft.trainer.dispose();
  const dpo = TrainSession.start({ runId: 'dpo', config: { ...defaultTrainConfig('stage1'), batchSize: 2, maxSteps: 2, cacheRef: false }, data, init: { id: 'sft', contents: decodeCheckpoint(saved as Uint8Array) } });
  await dpo.trainer.trainStep();
  await dpo.checkpoint(store);
  dpo.trainer.dispose();
  return decodeCheckpoint(saved as Uint8Array);
}

describe('TrainSession resume of a DPO run', () => {
  it('records its pairs and refuses other pairs of the same count (e.g. another Stage 1 replay draw), naming the fix', async () => {
    const data = (pairs: PreferenceSample[]): TrainData => ({ clips: CLIPS, sft: SFT, pairs, source: 'test' });
    const contents = await dpoCheckpoint(data(PAIRS));
    expect(contents.meta.data.pairs).toMatch(/^[0-9a-f]{8}$/);
    // The same pairs resume; the same count of other pairs (one swapped, or another order) does not.
    TrainSession.resume(contents, data(PAIRS)).trainer.dispose();
    const swapped = [...PAIRS.slice(0, 5), { ...(PAIRS[5] as PreferenceSample), id: 'p7' }];
    expect(() => TrainSession.resume(contents, data(swapped))).toThrow(/other triples than this data has/);
    let refused: unknown;
    try {
      TrainSession.resume(contents, data([...PAIRS].reverse()));
    } catch (e) {
      refused = e;
    }
    expect(refused).toMatchObject({ message: expect.stringMatching(/other triples/), hint: expect.stringMatching(/Resume with the triples the run started with/) });
    // A checkpoint from before the fingerprint resumes on the count alone.
    const { pairs: _old, content: _content, ...older } = contents.meta.data;
    TrainSession.resume({ ...contents, meta: { ...contents.meta, data: older } }, data(swapped)).trainer.dispose();
  });
});

describe('TrainSession on data changed in place (same ids, other content)', () => {
  // A video cut again keeps its scenes' ids with other spans and vectors; a Review edit keeps the triple's id.
  const clipsWith = (changed: string, by: number): ClipSource => ({ ...CLIPS, vector: (id) => (id === changed ? CLIPS.vector(id)?.map((x) => x + by) : CLIPS.vector(id)) });
  const data = (pairs: readonly PreferenceSample[], clips: ClipSource = CLIPS): TrainData => ({ clips, sft: SFT, pairs, source: 'test' });
  const edited = PAIRS.map((p, i) => (i === 2 ? { ...p, chosen: 'green' } : p));

  it('records the pairs’ content and clip vectors, and refuses a resume on either changed', async () => {
    const contents = await dpoCheckpoint(data(PAIRS));
    expect(contents.meta.data.content).toBe(pairsContentFingerprint(PAIRS, CLIPS));
    TrainSession.resume(contents, data(PAIRS)).trainer.dispose();
    // A clip no pair reads changes nothing; one a pair reads, or an answer, does.
    expect(pairsContentFingerprint(PAIRS, clipsWith('c9', 1))).toBe(contents.meta.data.content);
    for (const other of [data(edited), data(PAIRS, clipsWith('c4', 1e-3))]) expect(() => TrainSession.resume(contents, other)).toThrow(/other triples or clips than this data has/);
    // A checkpoint from before the content hash resumes on the ids alone.
    const { content: _old, ...older } = contents.meta.data;
    TrainSession.resume({ ...contents, meta: { ...contents.meta, data: older } }, data(edited)).trainer.dispose();
  });

  it('keys the reference log-prob cache by content: a pair changed under its id is scored again, the others are read', async () => {
    let saved: Uint8Array | undefined;
    const cache = new Map<string, Map<string, RefLogps>>();
    const store: RunStore = { saveCheckpoint: async (bytes) => void (saved = bytes), loadRefLogps: async (k) => cache.get(k), saveRefLogps: async (k, v) => void cache.set(k, new Map(v)) };
    const sft = TrainSession.start({ runId: 'sft', config: { ...defaultTrainConfig('sft'), batchSize: 12, maxSteps: 2, lr: 1e-2 }, data: data(PAIRS), model: { dModel: 16, heads: 2, layers: 1, mlpRatio: 2, maxContext: 64 } });
    await sft.checkpoint(store);
    sft.trainer.dispose();
    const init = { id: 'sft', contents: decodeCheckpoint(saved as Uint8Array) };
    let runs = 0;
    const phases = async (pairs: readonly PreferenceSample[], clips: ClipSource = CLIPS): Promise<{ scored: number; ref: Map<string, RefLogps> }> => {
      const run = TrainSession.start({ runId: `dpo-${++runs}`, config: { ...defaultTrainConfig('stage1'), batchSize: 2, maxSteps: 1 }, data: data(pairs, clips), init });
      let scored = 0;
      await run.run(store, { pauseAfter: 0, onPhase: (p) => void (p.kind === 'reference' && (scored = p.total)) });
      const ref = new Map(run.trainer.refLogps);
      run.trainer.dispose();
      return { scored, ref };
    };
    const first = await phases(PAIRS);
    expect(first.scored).toBe(PAIRS.length);
    expect((await phases(PAIRS)).scored).toBe(0);
    // One answer edited: that pair alone is scored again, and its reference differs.
    const afterEdit = await phases(edited);
    expect(afterEdit.scored).toBe(1);
    expect(afterEdit.ref.get('p3')?.chosen).not.toBeCloseTo(first.ref.get('p3')?.chosen as number, 4);
    expect(afterEdit.ref.get('p1')).toEqual(first.ref.get('p1'));
    // Clip c4 re-embedded: the three pairs that read it are scored again.
    expect((await phases(PAIRS, clipsWith('c4', 0.5))).scored).toBe(3);
  });
});

describe('TrainSession resume of an SFT run', () => {
  it('records its questions and refuses the same ids asked again with other words or answers (an endpoint asked twice)', async () => {
    const data = (sft: SftSample[]): TrainData => ({ clips: CLIPS, sft, pairs: [], source: 'test', sftQuestions: 'both' });
    const run = TrainSession.start({ runId: 'sft', config: { ...defaultTrainConfig('sft'), batchSize: 4, maxSteps: 2 }, data: data(SFT), model: { dModel: 16, heads: 2, layers: 1, mlpRatio: 2, maxContext: 64 } });
    await run.trainer.trainStep();
    let saved: Uint8Array | undefined;
    const store: RunStore = { saveCheckpoint: async (bytes) => void (saved = bytes), loadRefLogps: async () => undefined, saveRefLogps: async () => undefined };
    await run.checkpoint(store);
    run.trainer.dispose();
    const contents = decodeCheckpoint(saved as Uint8Array);
    expect(contents.meta.data.sft).toMatch(/^[0-9a-f]{8}$/);
    expect(contents.meta.data.pairs).toBeUndefined();
    // The wording, so a resume without the stored questions asks in the same.
    expect(contents.meta.data.sftQuestions).toBe('both');
    TrainSession.resume(contents, data(SFT)).trainer.dispose();
    const reworded = SFT.map((s, i) => (i === 3 ? { ...s, question: 'what colour is the ring ?' } : s));
    const reanswered = SFT.map((s, i) => (i === 0 ? { ...s, answer: 'blue' } : s));
    for (const other of [reworded, reanswered, [...SFT].reverse()]) {
      let refused: unknown;
      try {
        TrainSession.resume(contents, data(other));
      } catch (e) {
        refused = e;
      }
      expect(refused).toMatchObject({ message: expect.stringMatching(/other SFT questions than this data has \(the same count, 12/), hint: expect.stringMatching(/questions the studio stored with the run/) });
    }
    // A checkpoint from before the fingerprint resumes on the count alone.
    const { sft: _old, sftQuestions: _form, ...older } = contents.meta.data;
    TrainSession.resume({ ...contents, meta: { ...contents.meta, data: older } }, data(reworded)).trainer.dispose();
  });
});
