import { describe, expect, it } from 'vitest';
import { colourHistogram } from '../core/colourHistogram';
import { colourHistogramEmbedder, withColourHistogram, type Embedder } from './embedder';

/** A stand-in CNN: a fixed unit vector per frame from its first byte (the wrapper's own maths is what is tested). */
const base: Embedder = {
  id: 'fake',
  dim: 3,
  inputSize: 2,
  embed: async (frames) => Float32Array.from(frames.flatMap((f) => ((f[0] as number) > 100 ? [1, 0, 0] : [0, 0.6, 0.8]))),
  dispose: () => undefined,
};

describe('withColourHistogram', () => {
  it('appends the frame histogram, both parts scaled so the whole has length 1', async () => {
    const e = withColourHistogram(base);
    expect(e.dim).toBe(3 + 64);
    expect(e.id).toBe('fake+rgb-hist-4');
    const red = Uint8Array.from([250, 0, 0, 250, 0, 0, 250, 0, 0, 0, 0, 250]);
    const dark = Uint8Array.from([10, 10, 10, 10, 10, 10, 0, 0, 250, 0, 0, 250]);
    const out = await e.embed([red, dark]);
    expect(out.length).toBe(2 * 67);
    const row = (n: number) => out.subarray(n * 67, (n + 1) * 67);
    for (const n of [0, 1]) expect(row(n).reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
    const h = colourHistogram(red);
    for (let i = 0; i < 64; i++) expect(row(0)[3 + i]).toBeCloseTo((h[i] as number) * Math.SQRT1_2, 6);
    // cosine of the two = mean of the two parts' cosines
    const dot = row(0).reduce((s, x, i) => s + x * (row(1)[i] as number), 0);
    const hd = colourHistogram(dark);
    const histCos = h.reduce((s, x, i) => s + x * (hd[i] as number), 0);
    expect(dot).toBeCloseTo((0 + histCos) / 2, 6);
  });
});

describe('colourHistogramEmbedder', () => {
  it('is the histogram of each frame', async () => {
    const e = colourHistogramEmbedder(2);
    expect(e.dim).toBe(64);
    expect(e.id).toBe('rgb-hist-4');
    const a = Uint8Array.from([250, 0, 0, 250, 0, 0, 250, 0, 0, 0, 0, 250]);
    const b = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const out = await e.embed([a, b]);
    expect([...out.subarray(0, 64)]).toEqual([...colourHistogram(a)]);
    expect(out[64]).toBeCloseTo(1, 6);
  });
});
