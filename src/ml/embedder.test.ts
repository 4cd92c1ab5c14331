// The default embedder in Node on the wasm backend: loads offline from the npm package, gives
// unit-length 1792-d features, and tells different pictures apart.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureValues } from '../core/reference/linalg';
import { cosine, row } from '../core/reference/similarity';
import { wasmDir } from '../../tests/helpers/tfNode';
import { activateBackend } from './backend/registry';
import { colourHistogram } from '../core/colourHistogram';
import { OBJECT_TOKEN_DIM, OBJECT_TOKENS } from '../core/objectTokens';
import { BUILTIN_FEATURES, embedderId, tokensOfEmbedderId } from '../core/pipeline';
import { createDefaultEmbedder, createEmbedder, createRegionEmbedder, cropRgb, DEFAULT_EMBEDDER_SPEC, DEFAULT_FEATURE_MAP_NODE, loadDefaultGraphModel, REGION_TOKENS, rgbaToRgb, type Embedder } from './embedder';

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

describe('region embedder', () => {
  it('is the frame and its four quadrants, each pooled CNN features + colour histogram, against a plain-JS pooling', async () => {
    const regions = await createRegionEmbedder();
    try {
      const C = 1792;
      const token = C + 64;
      expect(regions.tokens).toBe(REGION_TOKENS);
      expect(regions.dim).toBe(REGION_TOKENS * token);
      // Different content per quadrant, so a swapped or misplaced region shows.
      const frame = picture([20, 20, 200], [250, 50, 50], 60, 60, 4);
      for (let y = 130; y < S; y++) for (let x = 130; x < S; x++) frame.set([30, 200, 40], (y * S + x) * 3);
      const got = await regions.embed([frame]);
      expect(Math.hypot(...got)).toBeCloseTo(1, 4);
      const model = await loadDefaultGraphModel();
      const raw = tf.tidy(() => model.execute(tf.div(tf.cast(tf.tensor4d(frame, [1, S, S, 3], 'int32'), 'float32'), 255), DEFAULT_FEATURE_MAP_NODE) as tf.Tensor);
      const map = await raw.data(); // [1, 7, 7, C]
      raw.dispose();
      model.dispose();
      const pool = (r0: number, r1: number, c0: number, c1: number): Float64Array => {
        const out = new Float64Array(C);
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) for (let k = 0; k < C; k++) out[k] = (out[k] as number) + (map[(r * 7 + c) * C + k] as number);
        const n = Math.hypot(...out);
        return out.map((v) => v / n);
      };
      const cell = S / 7;
      const boxes: { cells: [number, number, number, number]; px: [number, number, number, number] }[] = [
        { cells: [0, 7, 0, 7], px: [0, S, 0, S] },
        { cells: [0, 4, 0, 4], px: [0, 4 * cell, 0, 4 * cell] },
        { cells: [0, 4, 3, 7], px: [3 * cell, S, 0, 4 * cell] },
        { cells: [3, 7, 0, 4], px: [0, 4 * cell, 3 * cell, S] },
        { cells: [3, 7, 3, 7], px: [3 * cell, S, 3 * cell, S] },
      ];
      const w = Math.SQRT1_2 / Math.sqrt(REGION_TOKENS);
      boxes.forEach(({ cells, px }, t) => {
        const want = pool(...cells);
        for (let k = 0; k < C; k += 61) expect(got[t * token + k]).toBeCloseTo((want[k] as number) * w, 4);
        const h = colourHistogram(cropRgb(frame, S, ...px));
        for (let k = 0; k < 64; k++) expect(got[t * token + C + k]).toBeCloseTo((h[k] as number) * w, 5);
      });
      // The whole-frame token is the default embedder's vector.
      const whole = await embedder.embed([frame]);
      for (let k = 0; k < C; k += 37) expect(got[k]).toBeCloseTo((whole[k] as number) * w, 4);
      // The green bottom-right corner is in the last quadrant's histogram only.
      const green = colourHistogram(Uint8Array.from([30, 200, 40])).findIndex((v) => v > 0);
      expect(got[4 * token + C + green]).toBeGreaterThan(0.05);
      expect(got[1 * token + C + green]).toBe(0);
    } finally {
      regions.dispose();
    }
  }, 60_000);

  it('is what the Settings choice names: its id is the cache key embedderId gives, with its tokens per clip', async () => {
    for (const features of BUILTIN_FEATURES) {
      const choice = { kind: 'features', features } as const;
      const e = await createEmbedder(choice);
      try {
        expect(e.id).toBe(embedderId(choice));
        expect(tokensOfEmbedderId(e.id)).toBe(e.tokens ?? 1);
        expect(e.dim).toBe({ regions: REGION_TOKENS * (1792 + 64), 'mobilenet+colour': 1792 + 64, objects: OBJECT_TOKENS * OBJECT_TOKEN_DIM }[features]);
      } finally {
        e.dispose();
      }
    }
    expect(tokensOfEmbedderId(embedderId({ kind: 'features', features: 'regions' }))).toBe(5);
    expect(tokensOfEmbedderId(embedderId({ kind: 'features', features: 'objects' }))).toBe(6);
  }, 60_000);

  it('crops RGB squares', () => {
    const rgb = Uint8Array.from({ length: 3 * 3 * 3 }, (_, i) => i);
    expect([...cropRgb(rgb, 3, 1, 3, 2, 3)]).toEqual([21, 22, 23, 24, 25, 26]);
  });
});
