// The default embedder in Node on the wasm backend: loads offline from the npm package, gives
// unit-length 1792-d features, and tells different pictures apart.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureValues } from '../core/reference/linalg';
import { cosine, row } from '../core/reference/similarity';
import { wasmDir } from '../../tests/helpers/tfNode';
import { activateBackend } from './backend/registry';
import { createDefaultEmbedder, DEFAULT_EMBEDDER_SPEC, loadDefaultGraphModel, rgbaToRgb, type Embedder } from './embedder';

const S = DEFAULT_EMBEDDER_SPEC.inputSize;

/** A synthetic picture: a coloured disc on a background, with a little noise. */
function picture(bg: [number, number, number], fg: [number, number, number], cx: number, cy: number, seed: number): Uint8Array {
  const noise = fixtureValues(S * S, seed);
  const out = new Uint8Array(S * S * 3);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < 50 ** 2;
      const c = inside ? fg : bg;
      for (let k = 0; k < 3; k++) out[(y * S + x) * 3 + k] = Math.max(0, Math.min(255, c[k]! + 10 * (noise[y * S + x] ?? 0)));
    }
  }
  return out;
}

let embedder: Embedder;
beforeAll(async () => {
  expect((await activateBackend('wasm', { wasmPaths: wasmDir })).ok).toBe(true);
  embedder = await createDefaultEmbedder();
}, 60_000);

describe('default embedder', () => {
  it('is 1792-d MobileNetV2 features, L2-normalised', async () => {
    expect(embedder.dim).toBe(1792);
    const e = await embedder.embed([picture([20, 20, 200], [250, 50, 50], 80, 80, 1)]);
    expect(e).toHaveLength(1792);
    expect(Math.hypot(...e)).toBeCloseTo(1, 4);
  });

  it('matches the raw model output after a plain-JS normalisation', async () => {
    const frame = picture([200, 200, 30], [10, 10, 10], 120, 100, 3);
    const model = await loadDefaultGraphModel();
    const raw = tf.tidy(() => model.execute(tf.div(tf.cast(tf.tensor4d(frame, [1, S, S, 3], 'int32'), 'float32'), 255), DEFAULT_EMBEDDER_SPEC.outputNode) as tf.Tensor);
    const rawValues = await raw.data();
    raw.dispose();
    model.dispose();
    const norm = Math.hypot(...rawValues);
    const got = await embedder.embed([frame]);
    for (let i = 0; i < got.length; i += 97) expect(got[i]).toBeCloseTo((rawValues[i] ?? 0) / norm, 4);
  });

  it('puts two noisy copies of a picture nearer to each other than to a different picture', async () => {
    const e = await embedder.embed([
      picture([20, 20, 200], [250, 50, 50], 80, 80, 1),
      picture([20, 20, 200], [250, 50, 50], 84, 78, 2),
      picture([30, 160, 40], [240, 240, 240], 150, 150, 3),
    ]);
    const d = embedder.dim;
    const same = cosine(row(e, d, 0), row(e, d, 1));
    const other = cosine(row(e, d, 0), row(e, d, 2));
    expect(same).toBeGreaterThan(0.9);
    expect(same - other).toBeGreaterThan(0.1);
  });

  it('rejects frames of the wrong size with a clear error', async () => {
    await expect(embedder.embed([new Uint8Array(10)])).rejects.toThrow(/expected 224×224×3/);
  });

  it('drops alpha from RGBA pixels', () => {
    expect([...rgbaToRgb(Uint8Array.from([1, 2, 3, 255, 4, 5, 6, 0]))]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
