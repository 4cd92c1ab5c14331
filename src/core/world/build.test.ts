import { describe, expect, it } from 'vitest';
import { DEFAULT_WORLD_CONFIG, buildWorld, frameHash, renderFrame, type World } from './index';
import { mulberry32 } from './random';

/** Hash of a few frames of every video: changes when any pixel of them changes. */
function pixelHash(world: World): string {
  let hash = 0x811c9dc5;
  for (const v of world.videos) for (const f of [0, v.frameCount >> 1, v.frameCount - 1]) hash = parseInt(frameHash(renderFrame(world, v, f), hash), 16);
  return hash.toString(16);
}

describe('mulberry32', () => {
  it('is a fixed sequence for a seed, with integers inside their range', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 1000 }, () => a.int(3, 5));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.int(3, 5)));
    expect(new Set(xs)).toEqual(new Set([3, 4, 5]));
    expect(mulberry32(1).next()).toBeCloseTo(0.6270739405881613, 15);
  });
});

describe('buildWorld', () => {
  const world = buildWorld();
  const shorts = world.videos.filter((v) => v.kind === 'short');
  const longs = world.videos.filter((v) => v.kind === 'long');

  it('is deterministic for a seed: same ground truth and same pixels', () => {
    const again = buildWorld();
    expect(JSON.stringify(again)).toBe(JSON.stringify(world));
    expect(pixelHash(again)).toBe(pixelHash(world));
  });

  it('differs for another seed', () => {
    const other = buildWorld({ seed: 43 });
    expect(JSON.stringify(other.videos.map((v) => v.scenes))).not.toBe(JSON.stringify(world.videos.map((v) => v.scenes)));
    expect(pixelHash(other)).not.toBe(pixelHash(world));
    expect(other.videos[0]?.fileName).toBe('world-s43-short-001.webm');
  });

  it('has the default size: 60 short clips of 8–16 s and 4 long videos of 5–10 min', () => {
    expect(shorts).toHaveLength(60);
    expect(longs).toHaveLength(4);
    for (const v of shorts) {
      expect(v.durationS).toBeGreaterThanOrEqual(8);
      expect(v.durationS).toBeLessThanOrEqual(16);
      expect(v.scenes).toHaveLength(1);
    }
    for (const v of longs) {
      expect(v.durationS).toBeGreaterThanOrEqual(300);
      expect(v.durationS).toBeLessThanOrEqual(600);
      expect(v.scenes.length).toBeGreaterThanOrEqual(6);
      expect(v.scenes.length).toBeLessThanOrEqual(9);
      v.scenes.forEach((s, i) => {
        expect(s.endS - s.startS).toBeGreaterThanOrEqual(50);
        expect(s.endS - s.startS).toBeLessThanOrEqual(66);
        expect(s.startS).toBe(i === 0 ? 0 : v.scenes[i - 1]?.endS);
      });
    }
    for (const v of world.videos) expect(v.frameCount).toBe(v.durationS * DEFAULT_WORLD_CONFIG.fps);
    expect(new Set(world.videos.map((v) => v.fileName)).size).toBe(world.videos.length);
    expect(shorts[6]?.id).toBe('w42-short-007');
    expect(shorts[6]?.fileName).toBe('world-s42-short-007.webm');
  });

  it('gives every clip and scene its own background and 2–5 objects, two of them there throughout', () => {
    const scenes = world.videos.flatMap((v) => v.scenes);
    expect(new Set(scenes.map((s) => s.background.name)).size).toBe(scenes.length);
    for (const s of scenes) {
      expect(s.objects.length).toBeGreaterThanOrEqual(2);
      expect(s.objects.length).toBeLessThanOrEqual(5);
      expect(s.objects.filter((o) => o.appearS === s.startS && o.disappearS === s.endS).length).toBeGreaterThanOrEqual(2);
      expect(s.caption).toContain(s.background.name);
    }
  });

  it('keeps short-clip objects unique to their clip, and makes recurring entities recur in long videos', () => {
    const scenesOf = new Map<string, string[]>();
    for (const v of world.videos) for (const s of v.scenes) for (const o of s.objects) scenesOf.set(o.entityId, [...(scenesOf.get(o.entityId) ?? []), `${v.id}#${s.index}`]);
    for (const v of shorts) for (const o of v.scenes[0]?.objects ?? []) expect(scenesOf.get(o.entityId)).toEqual([`${v.id}#0`]);
    for (const v of longs) {
      const recurring = world.entities.filter((e) => e.recurring && (scenesOf.get(e.id) ?? []).some((k) => k.startsWith(`${v.id}#`)));
      expect(recurring.length).toBeGreaterThanOrEqual(2);
      for (const e of recurring) expect((scenesOf.get(e.id) ?? []).filter((k) => k.startsWith(`${v.id}#`)).length).toBeGreaterThanOrEqual(2);
    }
    for (const e of world.entities) expect(e.recurring).toBe((scenesOf.get(e.id) ?? []).length >= 2);
    const looks = world.entities.map((e) => `${e.shape}/${e.colour}/${e.texture}/${e.size}`);
    expect(new Set(looks).size).toBe(looks.length);
  });

  it('keeps objects inside the frame and apart (touching only when they collide)', () => {
    const aspect = world.config.width / world.config.height;
    for (const v of world.videos)
      for (const s of v.scenes) {
        const colliding = new Set(s.events.flatMap((e) => (e.kind === 'collide' ? [e.entityId, e.otherId] : [])));
        for (const o of s.objects) {
          const r = { small: 0.11, medium: 0.15, large: 0.2 }[world.entities.find((e) => e.id === o.entityId)?.size ?? 'large'];
          for (const k of o.keys) {
            expect(k.x - r).toBeGreaterThanOrEqual(0);
            expect(k.x + r).toBeLessThanOrEqual(aspect);
            expect(k.y - r).toBeGreaterThanOrEqual(0);
            expect(k.y + r).toBeLessThanOrEqual(1);
          }
        }
        expect(colliding.size).toBe(2 * s.events.filter((e) => e.kind === 'collide').length);
      }
  });

  it('rejects configs it cannot build', () => {
    expect(() => buildWorld({ shortClipSeconds: [10, 8] })).toThrow(RangeError);
    expect(() => buildWorld({ fps: 0 })).toThrow(/fps/);
    expect(() => buildWorld({ seed: 1.5 })).toThrow(/seed/);
  });

  it('takes size and fps as parameters', () => {
    const small = buildWorld({ shortClips: 3, longVideos: 1, width: 192, height: 144, fps: 2, scenesPerLongVideo: [3, 3], sceneSeconds: [20, 20] });
    expect(small.videos.map((v) => v.kind)).toEqual(['short', 'short', 'short', 'long']);
    expect(small.videos[3]?.durationS).toBe(60);
    expect(small.videos[3]?.frameCount).toBe(120);
    expect(renderFrame(small, small.videos[0]!, 0)).toHaveLength(192 * 144 * 4);
  });
});
