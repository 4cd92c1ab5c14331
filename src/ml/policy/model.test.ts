// The tensor policy against the plain-JS float64 forward, on the backends Node has (the e2e
// suite runs the same check on webgpu and webgl).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { referenceAnswerLogps } from '../../core/train/policyReference';
import { NODE_BACKENDS, wasmDir } from '../../../tests/helpers/tfNode';
import { activateBackend } from '../backend/registry';
import { tinyBatch, tinyClipTable, TINY_MODEL } from './fixtures';
import { answerLogps, type ParamTensors } from './model';
import { initialParams } from './params';

describe.each(NODE_BACKENDS)('policy forward on %s', (backend) => {
  it.each([1, 3])('gives the plain-JS answer log-probs with %i visual tokens per clip', async (tokens) => {
    expect((await activateBackend(backend, { wasmPaths: wasmDir })).ok).toBe(true);
    const model = { ...TINY_MODEL, visualTokens: tokens };
    const values = initialParams(model, 5);
    expect('projector.region.weight' in values).toBe(tokens > 1);
    // Larger weights than the init so attention and norms are far from uniform.
    for (const v of Object.values(values)) for (let i = 0; i < v.values.length; i++) v.values[i] = (v.values[i] as number) * (v.shape.length > 1 ? 20 : 1) + (v.shape.length === 1 ? 0.1 * Math.sin(i) : 0);
    const batch = tinyBatch();
    const table = tinyClipTable(4, TINY_MODEL.visualDim);
    const params: ParamTensors = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
    const got = tf.tidy(() => answerLogps(params, model, { batch, clipTable: table, clipRows: 4 }).logps);
    const values32 = Array.from(await got.data());
    const want = referenceAnswerLogps(values, model, batch, table, 4);
    expect(values32).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(values32[i]).toBeCloseTo(want[i] as number, 3);
    // The check can fail: another sequence's answer gives other numbers.
    expect(Math.abs((values32[0] as number) - (want[1] as number))).toBeGreaterThan(1e-2);
    tf.dispose([got, ...Object.values(params)]);
  });
});
