// From clip ids to the tensors' inputs with several visual tokens per clip: clip row k's token j
// is row k·r + j of the token table (row 0, the zero clip, is text), checked against a batch
// built by hand; and a sequence longer than the context is a clear error, not a crash.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../core/errors';
import { validateModelConfig } from '../../core/train/config';
import { packBatch, packChoices } from '../../core/train/layout';
import { ANS, BOS, EOS, PAD } from '../../core/train/tokenizer';
import { referenceAnswerLogps } from '../../core/train/policyReference';
import { wasmDir } from '../../../tests/helpers/tfNode';
import { activateBackend } from '../backend/registry';
import { tinyClipTable, TINY_MODEL } from './fixtures';
import { forwardInputs, pairForward, scoreAnswers, scoreChoices, type ChoiceInput, type ClipSource } from './inputs';
import { answerLogps } from './model';
import { initialParams } from './params';

const model = { ...TINY_MODEL, visualTokens: 3 };
const table = tinyClipTable(4, model.visualDim, 5); // rows 1..3 are clips a, b, c
const clips: ClipSource = { dim: model.visualDim, tokens: 3, vector: (id) => table.slice('_abc'.indexOf(id) * model.visualDim, ('_abc'.indexOf(id) + 1) * model.visualDim) };

beforeAll(async () => {
  expect((await activateBackend('cpu', { wasmPaths: wasmDir })).ok).toBe(true);
});

describe('forwardInputs with 3 visual tokens per clip', () => {
  it('gives each clip three consecutive token rows, in playback order, and the same log-probs as a hand-built batch', async () => {
    const items = [
      { clips: ['c', 'a'], question: [5, 6], answer: [7] },
      { clips: ['b'], question: [5], answer: [8, 9] },
    ];
    const inputs = forwardInputs(items, clips, model);
    // Clip table rows in first-seen order: c → 1, a → 2, b → 3.
    expect(inputs.clipRows).toBe(4);
    expect(Array.from(inputs.clipTable.subarray(1 * 12, 2 * 12))).toEqual(Array.from(table.subarray(3 * 12, 4 * 12)));
    const t = inputs.batch.t;
    expect(Array.from(inputs.batch.visualRows.subarray(0, 6))).toEqual([3, 4, 5, 6, 7, 8]);
    expect(Array.from(inputs.batch.isVisual.subarray(0, 7))).toEqual([1, 1, 1, 1, 1, 1, 0]);
    expect(Array.from(inputs.batch.visualRows.subarray(t, t + 4))).toEqual([9, 10, 11, 0]);
    // The same sequences packed by hand against the original table (a = 1, b = 2, c = 3).
    const byHand = packBatch(
      [
        { clipRows: [9, 10, 11, 3, 4, 5], question: [5, 6], answer: [7] },
        { clipRows: [6, 7, 8], question: [5], answer: [8, 9] },
      ],
      model.maxContext,
    );
    const values = initialParams(model, 2);
    const params = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
    const got = tf.tidy(() => answerLogps(params, model, inputs).logps);
    const want = referenceAnswerLogps(values, model, byHand, table, 4);
    Array.from(await got.data()).forEach((x, i) => expect(x).toBeCloseTo(want[i] as number, 4));
    tf.dispose([got, ...Object.values(params)]);
  });

  it('names the context limit and the fix when a composite does not fit', () => {
    const long = { clips: Array.from({ length: 30 }, (_, i) => 'abc'[i % 3] as string), question: [5], answer: [7] };
    expect(() => forwardInputs([long], clips, model)).toThrow(UserFacingError);
    expect(() => forwardInputs([long], clips, model)).toThrow(/A sequence has 95 tokens .*more than the model's context of 64/);
  });
});

describe('the question-twice layout', () => {
  const twice = { ...TINY_MODEL, layout: 'question-twice' as const };
  const one = { ...TINY_MODEL };
  const tableAb = tinyClipTable(3, TINY_MODEL.visualDim, 5); // rows 1, 2 are clips a, b
  const clip1: ClipSource = { dim: TINY_MODEL.visualDim, vector: (id) => tableAb.slice('_ab'.indexOf(id) * 12, ('_ab'.indexOf(id) + 1) * 12) };
  const items = [{ clips: ['a', 'b'], question: [5, 6], answer: [7] }];

  it('puts <bos> and the question before the clips, and scores the same answer tokens', () => {
    const { batch } = forwardInputs(items, clip1, twice);
    const row = Array.from(batch.tokenIds.subarray(0, 11));
    expect(row).toEqual([BOS, 5, 6, PAD, PAD, BOS, 5, 6, ANS, 7, EOS]);
    expect(Array.from(batch.isVisual.subarray(0, 6))).toEqual([0, 0, 0, 1, 1, 0]);
    expect(Array.from(batch.visualRows.subarray(0, 6))).toEqual([0, 0, 0, 1, 2, 0]);
    // Answer targets: position 8 (<ans>) predicts 7, position 9 predicts <eos>; nothing else.
    expect(Array.from(batch.answerMask.subarray(0, 11))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0]);
    expect(batch.targets[8]).toBe(7);
    expect(batch.targets[9]).toBe(EOS);
    // A model without the field is clips-first, as checkpoints made before it were.
    const old = forwardInputs(items, clip1, one).batch;
    expect(Array.from(old.tokenIds.subarray(0, 7))).toEqual([PAD, PAD, BOS, 5, 6, ANS, 7]);
  });

  it('matches the plain-JS reference, and differs from clips-first', async () => {
    const values = initialParams(twice, 4);
    const params = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
    const many = [...items, { clips: ['b'], question: [6], answer: [8, 9] }];
    const inputs = forwardInputs(many, clip1, twice);
    const got = tf.tidy(() => answerLogps(params, twice, inputs).logps);
    const want = referenceAnswerLogps(values, twice, inputs.batch, tableAb, 3);
    const values2 = Array.from(await got.data());
    values2.forEach((x, i) => expect(x).toBeCloseTo(want[i] as number, 4));
    const first = tf.tidy(() => answerLogps(params, one, forwardInputs(many, clip1, one)).logps);
    const firstValues = Array.from(await first.data());
    expect(Math.abs((firstValues[0] as number) - (values2[0] as number))).toBeGreaterThan(1e-4);
    tf.dispose([got, first, ...Object.values(params)]);
  });

  it('is refused by name when a model says another layout', () => {
    expect(() => validateModelConfig({ ...TINY_MODEL, layout: 'question-last' as never })).toThrow(/layout is question-last/);
  });
});

describe('scoreAnswers', () => {
  it('scores shortest first with byLength and gives every item its own score back, as in item order', async () => {
    const values = initialParams(model, 7);
    const params = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
    // Lengths interleaved as a probe's are (1, 3, 2 clips, then again), answers of 1–3 tokens.
    const items = [
      { clips: ['a'], question: [5, 6], answer: [7] },
      { clips: ['a', 'b', 'c'], question: [5], answer: [8, 9] },
      { clips: ['c', 'a'], question: [6, 5], answer: [9, 9, 7] },
      { clips: ['b'], question: [6], answer: [8] },
      { clips: ['c', 'b', 'a'], question: [5, 6, 5], answer: [7] },
      { clips: ['b', 'c'], question: [5], answer: [7, 8] },
    ];
    const alone = await Promise.all(items.map((it) => scoreAnswers(params, model, clips, [it], { batchSize: 1 })));
    for (const byLength of [false, true]) {
      const got = await scoreAnswers(params, model, clips, items, { batchSize: 2, byLength });
      Array.from(got).forEach((x, i) => expect(x).toBeCloseTo(alone[i]![0]!, 5));
    }
    // Sorted by tokens (3 a clip + question + answer: items 3, 0, 5, 2, 1, 4 have 5, 6, 9, 11, 12,
    // 13), so the batches read the clips of items 3 and 0 (b; a), 5 and 2 (b, c; c, a), 1 and 4.
    const read = async (byLength: boolean): Promise<string> => {
      const seen: string[] = [];
      await scoreAnswers(params, model, { ...clips, vector: (id) => (seen.push(id), clips.vector(id)) }, items, { batchSize: 2, byLength });
      return seen.join('');
    };
    expect(await read(true)).toBe('ba' + 'bca' + 'abc');
    expect(await read(false)).toBe('abc' + 'cab' + 'cba');
    tf.dispose(Object.values(params));
  });
});

describe('scoreChoices (candidates sharing a prefix)', () => {
  const choiceItems: ChoiceInput[] = [
    { clips: ['a', 'b', 'c'], question: [5, 6], answers: [[7], [8, 9], [9, 9, 7], []] },
    { clips: ['b'], question: [6], answers: [[8], [7, 5]] },
    { clips: ['c', 'a'], question: [5, 6, 5], answers: [[9, 8], [7], [5, 6, 7]] },
  ];

  it('gives every candidate the plain-JS reference score of its own sequence, in both layouts, whatever the batches', async () => {
    for (const layout of ['clips-first', 'question-twice'] as const) {
      const m = { ...model, layout };
      // Weights far from init scale, so attention is peaked and a candidate placed at other
      // positions, or seeing another candidate, would score measurably otherwise.
      const values = Object.fromEntries(Object.entries(initialParams(m, 3)).map(([k, v]) => [k, { shape: v.shape, values: v.values.map((x) => x * 12) }]));
      const params = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
      const want = choiceItems.flatMap((it) =>
        it.answers.map((answer) => {
          const inputs = forwardInputs([{ clips: it.clips, question: it.question, answer }], clips, m);
          return referenceAnswerLogps(values, m, inputs.batch, inputs.clipTable, inputs.clipRows)[0] as number;
        }),
      );
      for (const batchSize of [1, 2, 3]) {
        const got = await scoreChoices(params, m, clips, choiceItems, { batchSize });
        expect(got).toHaveLength(want.length);
        // float32 against float64, on log-probs of tens of nats: a relative tolerance.
        Array.from(got).forEach((x, i) => expect(Math.abs(x - (want[i] as number)), `${layout}, batches of ${batchSize}, candidate ${i}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[i] as number))));
      }
      tf.dispose(Object.values(params));
    }
  });

  it('packs each item once: candidates at the positions after <ans>, seeing the prefix and themselves only', () => {
    const p = packChoices([{ clipRows: [1], question: [5], answers: [[7, 8], [9]] }], 64);
    // [clip; <bos> 5 <ans>; 7 8; 9] in one sequence of 8 slots.
    expect(Array.from(p.tokenIds.subarray(0, 7))).toEqual([PAD, BOS, 5, ANS, 7, 8, 9]);
    expect(Array.from(p.positions.subarray(0, 7))).toEqual([0, 1, 2, 3, 4, 5, 4]);
    const sees = (i: number): number[] => Array.from(p.mask.subarray(i * p.t, i * p.t + 7)).flatMap((v, j) => (v === 0 ? [j] : []));
    expect(sees(3)).toEqual([0, 1, 2, 3]);
    expect(sees(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sees(6)).toEqual([0, 1, 2, 3, 6]);
    // <ans> predicts each first token; 7 predicts 8, 8 and 9 predict <eos>.
    expect(Array.from(p.picks.at)).toEqual([3, 4, 5, 3, 6]);
    expect(Array.from(p.picks.token)).toEqual([7, 8, EOS, 9, EOS]);
    expect(Array.from(p.picks.candidate)).toEqual([0, 0, 0, 1, 1]);
    // A candidate too long for the context is refused as in a sequence of its own.
    expect(() => packChoices([{ clipRows: [1], question: [5], answers: [[7], [7, 7, 7, 7]] }], 8)).toThrow(UserFacingError);
  });
});

describe('pairForward (a DPO pair as one sequence: its composite once, both answers after it)', () => {
  const pairs = [
    { clips: ['a', 'b', 'c'], question: [5, 6], chosen: [7], rejected: [8, 9] },
    { clips: ['b'], question: [6], chosen: [9, 9, 7], rejected: [7] },
    { clips: ['c', 'a'], question: [5, 6, 5], chosen: [], rejected: [5, 6, 7] },
  ];

  it('gives the log-probs, and the gradients of a loss on them, of two sequences of their own, in both layouts, on cpu and wasm', async () => {
    // wasm too: training runs there, and a kernel it lacks (gather's gradient) fails only there.
    for (const backend of ['cpu', 'wasm'] as const)
    for (const layout of ['clips-first', 'question-twice'] as const) {
      expect((await activateBackend(backend, { wasmPaths: wasmDir })).ok).toBe(true);
      const m = { ...model, layout };
      // Peaked attention (weights ×12): an answer seeing the other, or at other positions, would differ measurably.
      const vars = Object.fromEntries(Object.entries(initialParams(m, 4)).map(([k, v]) => [k, tf.variable(tf.tensor(v.values.map((x) => x * 12), v.shape), true, `pairs-${backend}-${layout}-${k}`)]));
      // A loss that weighs every log-prob differently, so a swapped chosen/rejected or pair order shows.
      const weights = tf.tensor1d([1, -2, 0.5, 3, -1, 0.25]);
      const run = async (shared: boolean) => {
        const forward = pairForward(pairs, clips, m, { shared });
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(forward.logps(vars), weights)) as tf.Scalar, Object.values(vars));
        const logps = tf.tidy(() => forward.logps(vars));
        // One read-back: [loss, 2B log-probs, every gradient flattened].
        const named = Object.entries(grads);
        const all = tf.tidy(() => tf.concat([tf.reshape(value, [1]), logps, ...named.map(([, g]) => tf.reshape(g, [-1]))]));
        const flat = await all.data();
        let at = 1 + logps.size;
        const out = {
          loss: flat[0] as number,
          logps: Array.from(flat.subarray(1, at)),
          grads: Object.fromEntries(named.map(([k, g]) => [k, flat.subarray(at, (at += g.size))])),
          realTokens: forward.realTokens,
        };
        tf.dispose([value, logps, all, ...Object.values(grads)]);
        return out;
      };
      const alone = await run(false);
      const shared = await run(true);
      shared.logps.forEach((x, i) => expect(Math.abs(x - (alone.logps[i] as number)), `${layout} log-prob ${i}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(alone.logps[i] as number))));
      expect(Math.abs(shared.loss - alone.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(alone.loss)));
      for (const [name, g] of Object.entries(alone.grads)) {
        const h = shared.grads[name] as Float32Array;
        const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
        const worst = Math.max(...Array.from(g, (x, i) => Math.abs(x - (h[i] as number))));
        expect(worst / scale, `${layout} gradient of ${name}`).toBeLessThan(1e-3);
      }
      // The composite once: fewer token slots than two sequences.
      expect(shared.realTokens).toBeLessThan(alone.realTokens);
      tf.dispose([weights, ...Object.values(vars)]);
    }
    expect((await activateBackend('cpu', { wasmPaths: wasmDir })).ok).toBe(true);
  });
});
