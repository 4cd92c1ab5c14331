import { describe, expect, it } from 'vitest';
import { OBJECT_SLOTS } from './objectTokens';
import { kMeans, nearestCode, SHAPE_GRID, shapeOccupancy } from './shapeCode';
import { SHAPE_CODEBOOK } from './shapeCodebook';
import { nearestInView, worldFrames } from './segmentationScore';
import { buildWorld } from './world';

describe('shape codes', () => {
  it('measures a mask’s occupancy over its box, cell by cell', () => {
    // A 10×10 box whose left half is the object (label 3) and right half another (label 4).
    const w = 12;
    const labels = new Int32Array(w * 12);
    for (let y = 1; y <= 10; y++) for (let x = 1; x <= 10; x++) labels[y * w + x] = x <= 5 ? 3 : 4;
    const occ = shapeOccupancy(labels, w, { x0: 1, x1: 10, y0: 1, y1: 10 }, 3);
    expect(occ).toHaveLength(SHAPE_GRID * SHAPE_GRID);
    // Columns of 2 px: the first two and a half columns are the object's.
    expect(Array.from(occ.subarray(0, SHAPE_GRID))).toEqual([1, 1, 0.5, 0, 0]);
    expect(Array.from(occ.subarray(20, 25))).toEqual([1, 1, 0.5, 0, 0]);
  });

  it('k-means finds separated clusters, is deterministic for a seed, and refuses too few points', () => {
    const centres = [[0, 0], [10, 0], [0, 10]];
    const points = centres.flatMap(([x, y]) => Array.from({ length: 20 }, (_, i) => [(x as number) + Math.sin(i) * 0.5, (y as number) + Math.cos(i * 1.7) * 0.5]));
    const a = kMeans(points, 3, { seed: 5 });
    const b = kMeans(points, 3, { seed: 5 });
    expect(a).toEqual(b);
    // Every input cluster lands in one code, and the three codes differ.
    const codes = [0, 20, 40].map((start) => new Set(Array.from(a.assignment.subarray(start, start + 20))));
    for (const c of codes) expect(c.size).toBe(1);
    expect(new Set(codes.map((c) => [...c][0])).size).toBe(3);
    for (const c of a.centroids) expect(Math.min(...centres.map(([x, y]) => Math.hypot((c[0] as number) - (x as number), (c[1] as number) - (y as number))))).toBeLessThan(0.3);
    expect(nearestCode(a.centroids, [9.8, 0.2])).toBe(a.assignment[20]);
    expect(() => kMeans(points.slice(0, 2), 3)).toThrow(/at least k points/);
    expect(() => kMeans([[1, 1], [1, 1], [1, 1]], 2)).toThrow(/only 1 distinct/);
  });

  it('the shipped codebook tells the demo world’s shapes apart (measured on a world it was not fitted on)', () => {
    // A measurement with a floor: every code found in a small demo world (seed 7; the codebook was
    // fitted on worlds 42–44) should hold mostly one shape, as the purity bench measures at scale.
    expect(SHAPE_CODEBOOK).toHaveLength(25);
    for (const row of SHAPE_CODEBOOK) expect(row).toHaveLength(SHAPE_GRID * SHAPE_GRID);
    const world = buildWorld({ seed: 7, shortClips: 12, longVideos: 1, scenesPerLongVideo: [4, 4], sceneSeconds: [20, 30] });
    const votes = new Map<number, Map<string, number>>();
    let objects = 0;
    for (const { seg, truth } of worldFrames(world, { everyS: 3, size: 224 })) {
      seg!.objects.slice(0, OBJECT_SLOTS).forEach((o, k) => {
        const near = nearestInView(world, o, truth);
        if (!near) return;
        const code = nearestCode(SHAPE_CODEBOOK, shapeOccupancy(seg!.labels, seg!.box.x1 - seg!.box.x0, o, k + 1));
        const v = votes.get(code) ?? new Map<string, number>();
        v.set(near.entity.shape, (v.get(near.entity.shape) ?? 0) + 1);
        votes.set(code, v);
        objects++;
      });
    }
    const majority = [...votes.values()].reduce((s, v) => s + Math.max(...v.values()), 0);
    expect(objects).toBeGreaterThan(100);
    expect(majority / objects).toBeGreaterThan(0.9);
    // More than one shape is seen, and they get different codes.
    const shapesSeen = new Set([...votes.values()].flatMap((v) => [...v.keys()]));
    expect(shapesSeen.size).toBeGreaterThan(3);
    expect(votes.size).toBeGreaterThanOrEqual(shapesSeen.size);
  });
});
