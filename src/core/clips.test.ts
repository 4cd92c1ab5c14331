import { describe, expect, it } from 'vitest';
import { columnsOf, detectScenes, fixedClips, SpanMeans, spanEmbedding } from './clips';

describe('fixedClips', () => {
  it('cuts 1 fps frames into 16 s clips and merges a short remainder', () => {
    const clips = fixedClips(70, 1, 16);
    expect(clips.map((c) => [c.startS, c.endS])).toEqual([
      [0, 16],
      [16, 32],
      [32, 48],
      [48, 70], // 6 s remainder < 8 s merged
    ]);
  });

  it('keeps a remainder that is long enough', () => {
    expect(fixedClips(60, 2, 8).map((c) => c.frameEnd - c.frameStart)).toEqual([16, 16, 16, 12]);
  });

  it('rejects nonsense settings', () => {
    expect(() => fixedClips(10, 0, 8)).toThrow(RangeError);
    expect(fixedClips(0, 1, 8)).toEqual([]);
  });
});

describe('detectScenes', () => {
  // 30 frames at 1 fps; hard cuts after frames 9 and 19, flicker around the first.
  const d = Array.from({ length: 29 }, () => 0.05);
  d[9] = 0.8;
  d[10] = 0.5;
  d[19] = 0.7;

  it('finds the hard cuts and ignores flicker next to them', () => {
    const scenes = detectScenes(d, 1, { threshold: 0.3, minSceneS: 4 });
    expect(scenes.map((s) => [s.frameStart, s.frameEnd])).toEqual([
      [0, 10],
      [10, 20],
      [20, 30],
    ]);
  });

  it('drops a weaker cut that would make a scene shorter than the minimum', () => {
    const close = Array.from({ length: 29 }, () => 0.05);
    close[9] = 0.8; // cut at 10
    close[14] = 0.7; // cut at 15: only 5 s after the stronger one
    expect(detectScenes(close, 1, { threshold: 0.3, minSceneS: 8 }).map((s) => s.frameStart)).toEqual([0, 10]);
    // Near the ends too: cuts at 10 and 20 would leave 10 s scenes, so the strongest feasible
    // cut (the 0.5 flicker, at 11) is the one kept.
    expect(detectScenes(d, 1, { threshold: 0.3, minSceneS: 11 }).map((s) => s.frameStart)).toEqual([0, 11]);
    expect(detectScenes(d, 1, { threshold: 0.6, minSceneS: 11 }).map((s) => s.frameStart)).toEqual([0]);
  });

  it('gives one scene when nothing changes', () => {
    expect(detectScenes(Array(9).fill(0.01), 2, { threshold: 0.3, minSceneS: 1 })).toEqual([{ frameStart: 0, frameEnd: 10, startS: 0, endS: 5 }]);
  });
});

describe('spanEmbedding', () => {
  it('is the normalised mean of the span rows', () => {
    const frames = Float32Array.from([1, 0, 0, 1, 5, 5]);
    const e = spanEmbedding(frames, 2, { frameStart: 0, frameEnd: 2, startS: 0, endS: 2 });
    expect(e[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(e[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });
});

describe('SpanMeans', () => {
  it('fed in windows, equals spanEmbedding over the whole matrix', () => {
    const dim = 3;
    const n = 11;
    const frames = Float32Array.from({ length: n * dim }, (_, i) => Math.sin(i * 1.7) + (i % dim));
    const spans = fixedClips(n, 1, 4);
    const means = new SpanMeans(spans, dim);
    for (const [start, end] of [[0, 3], [3, 7], [7, 11]] as const) means.add(start, frames.slice(start * dim, end * dim));
    const got = means.result();
    spans.forEach((s, k) => {
      const want = spanEmbedding(frames, dim, s);
      for (let d = 0; d < dim; d++) expect(got[k]![d]).toBeCloseTo(want[d]!, 6);
    });
  });
});

describe('columnsOf', () => {
  it('keeps columns [start, end) of every row, and the matrix itself without a view', () => {
    const m = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]); // 2 rows of 4
    expect(columnsOf(m, 4, [1, 3])).toEqual({ values: Float32Array.from([2, 3, 6, 7]), dim: 2 });
    expect(columnsOf(m, 4, null).values).toBe(m);
    expect(() => columnsOf(m, 4, [2, 5])).toThrow(/columns 2–5 are not inside rows of 4/);
  });
});
