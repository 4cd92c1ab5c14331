// Builds the demo world (issue #4): short clips of a single scene and long videos whose scenes
// share recurring entities, all from one seed. Every clip and scene gets its own background and
// its own objects (unique looks world-wide), so an image embedder can tell clips apart and every
// question that names an object or a background has exactly one referent.

import { describeScene, sceneCaption } from './describe';
import { layoutScene } from './layout';
import { mulberry32, seedFrom, type Rng } from './random';
import type { BackgroundSpec, Entity, World, WorldConfig, WorldScene, WorldVideo } from './types';
import {
  BACKGROUND_COLOURS,
  BACKGROUND_COLOUR_NAMES,
  OBJECT_COLOURS,
  OBJECT_COLOUR_NAMES,
  PATTERNS,
  SHAPES,
  SIZES,
  TEXTURES,
  colourDistance,
  type BackgroundColour,
} from './vocabulary';

/** Bumped whenever the same seed would give a different world (recorded in provenance). */
export const WORLD_VERSION = 1;

/** ~60 short clips of 8–16 s and 4 long videos of 5–10 min (6–9 scenes of 50–66 s), 160×120 at 4 fps. */
export const DEFAULT_WORLD_CONFIG: WorldConfig = {
  seed: 42,
  shortClips: 60,
  longVideos: 4,
  width: 160,
  height: 120,
  fps: 4,
  shortClipSeconds: [8, 16],
  scenesPerLongVideo: [6, 9],
  sceneSeconds: [50, 66],
};

/** Smallest colour distance (sum of |ΔRGB|) between an object and either background colour. */
const MIN_CONTRAST = 170;
/** Smallest distance between the two colours of a background, so its pattern shows. */
const MIN_PATTERN_CONTRAST = 90;

function validRange(name: string, [lo, hi]: [number, number], min: number): void {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < min || hi < lo) {
    throw new RangeError(`${name} must be whole numbers [lo, hi] with ${min} ≤ lo ≤ hi (got [${lo}, ${hi}])`);
  }
}

export function resolveConfig(partial: Partial<WorldConfig> = {}): WorldConfig {
  const config: WorldConfig = { ...DEFAULT_WORLD_CONFIG, ...partial };
  const counts = [config.shortClips, config.longVideos];
  if (!Number.isInteger(config.seed)) throw new RangeError(`seed must be an integer (got ${config.seed})`);
  if (counts.some((n) => !Number.isInteger(n) || n < 0)) throw new RangeError('shortClips and longVideos must be whole numbers ≥ 0');
  if (![config.width, config.height, config.fps].every((n) => Number.isInteger(n) && n > 0)) {
    throw new RangeError('width, height and fps must be positive whole numbers');
  }
  if (config.width < 32 || config.height < 32) throw new RangeError('frames must be at least 32×32 pixels');
  validRange('shortClipSeconds', config.shortClipSeconds, 6);
  validRange('scenesPerLongVideo', config.scenesPerLongVideo, 2);
  validRange('sceneSeconds', config.sceneSeconds, 6);
  return config;
}

/** Draws entities with unique looks (shape × colour × texture × size) until they run out. */
class EntityPool {
  private looks: Omit<Entity, 'id' | 'name' | 'recurring'>[] = [];
  readonly entities: Entity[] = [];
  constructor(private readonly rng: Rng) {}

  /** A new entity that contrasts with every given background; repeats looks only once all are used. */
  draw(backgrounds: readonly BackgroundSpec[], avoid: ReadonlySet<string> = new Set()): Entity {
    if (this.looks.length === 0) this.refill();
    const ok = (colour: keyof typeof OBJECT_COLOURS): boolean =>
      backgrounds.every((bg) =>
        [bg.base, bg.accent].every((c) => colourDistance(OBJECT_COLOURS[colour], BACKGROUND_COLOURS[c]) >= MIN_CONTRAST),
      );
    let index = this.looks.findIndex((l) => ok(l.colour) && !avoid.has(`${l.shape}/${l.colour}`));
    if (index < 0) index = this.looks.findIndex((l) => ok(l.colour));
    if (index < 0) index = 0;
    const [look] = this.looks.splice(index, 1);
    if (!look) throw new Error('entity pool is empty');
    const id = `e${String(this.entities.length + 1).padStart(3, '0')}`;
    const entity: Entity = { id, ...look, name: `${look.size} ${look.texture} ${look.colour} ${look.shape}`, recurring: false };
    this.entities.push(entity);
    return entity;
  }

  private refill(): void {
    for (const shape of SHAPES)
      for (const colour of OBJECT_COLOUR_NAMES) for (const texture of TEXTURES) for (const size of SIZES) this.looks.push({ shape, colour, texture, size });
    this.rng.shuffle(this.looks);
  }
}

/**
 * Draws backgrounds with unique (colour pair, pattern) looks; pairs are unordered to the eye.
 * Every colour pair is used once before any is reused (with another pattern), so backgrounds
 * differ in colour as well as in texture for as long as possible.
 */
class BackgroundPool {
  private looks: { a: BackgroundColour; b: BackgroundColour; pattern: (typeof PATTERNS)[number] }[] = [];
  private count = 0;
  constructor(private readonly rng: Rng) {}

  draw(): BackgroundSpec {
    if (this.looks.length === 0) this.refill();
    const look = this.looks.shift();
    if (!look) throw new Error('background pool is empty');
    const [base, accent] = this.rng.chance(0.5) ? [look.a, look.b] : [look.b, look.a];
    this.count++;
    return {
      id: `b${String(this.count).padStart(3, '0')}`,
      base,
      accent,
      pattern: look.pattern,
      scale: [0.06, 0.08, 0.1, 0.13][this.rng.int(0, 3)] as number,
      offset: this.rng.int(0, 9) / 100,
      name: `${base} and ${accent} ${look.pattern}`,
    };
  }

  private refill(): void {
    const names = BACKGROUND_COLOUR_NAMES;
    const pairs: [BackgroundColour, BackgroundColour][] = [];
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++) {
        const a = names[i] as BackgroundColour;
        const b = names[j] as BackgroundColour;
        if (colourDistance(BACKGROUND_COLOURS[a], BACKGROUND_COLOURS[b]) >= MIN_PATTERN_CONTRAST) pairs.push([a, b]);
      }
    this.rng.shuffle(pairs);
    const patterns = this.rng.shuffle([...PATTERNS]);
    // Round r gives pair i the pattern (i·5 + r) mod 12: over 12 rounds each pair meets each pattern once.
    for (let round = 0; round < patterns.length; round++) {
      const looks = pairs.map(([a, b], i) => ({ a, b, pattern: patterns[(i * 5 + round) % patterns.length] as (typeof PATTERNS)[number] }));
      this.looks.push(...this.rng.shuffle(looks));
    }
  }
}

function scene(index: number, startS: number, endS: number, background: BackgroundSpec, layout: ReturnType<typeof layoutScene>): WorldScene {
  // description and caption are filled in by buildWorld once every scene of the world exists.
  return { index, startS, endS, background, objects: layout.tracks, events: layout.events, description: undefined as never, caption: '' };
}

function video(config: WorldConfig, kind: 'short' | 'long', n: number, scenes: WorldScene[]): WorldVideo {
  const serial = String(n).padStart(3, '0');
  const durationS = scenes[scenes.length - 1]?.endS ?? 0;
  return { id: `w${config.seed}-${kind}-${serial}`, fileName: `world-s${config.seed}-${kind}-${serial}.webm`, kind, durationS, frameCount: Math.round(durationS * config.fps), scenes };
}

function shortClip(rng: Rng, config: WorldConfig, n: number, entities: EntityPool, backgrounds: BackgroundPool): WorldVideo {
  const durationS = rng.int(...config.shortClipSeconds);
  const background = backgrounds.draw();
  const count = rng.int(2, 5);
  const chosen: Entity[] = [];
  for (let i = 0; i < count; i++) chosen.push(entities.draw([background], new Set(chosen.map((e) => `${e.shape}/${e.colour}`))));
  const layout = layoutScene(rng, { startS: 0, endS: durationS, aspect: config.width / config.height, entities: chosen, collisionChance: 0.4 });
  return video(config, 'short', n, [scene(0, 0, durationS, background, layout)]);
}

/**
 * A long video: 3–4 recurring entities, each in 2–4 scenes (so "the X from Scene #2 returns in
 * Scene #5" has an exact answer), plus 1–3 one-off entities per scene.
 */
function longVideo(rng: Rng, config: WorldConfig, n: number, entities: EntityPool, backgrounds: BackgroundPool): WorldVideo {
  const sceneCount = rng.int(...config.scenesPerLongVideo);
  const bgs = Array.from({ length: sceneCount }, () => backgrounds.draw());
  const cast: Entity[][] = bgs.map(() => []);
  const recurringCount = Math.min(sceneCount, rng.int(3, 4));
  for (let k = 0; k < recurringCount; k++) {
    const order = rng.shuffle(Array.from({ length: sceneCount }, (_, i) => i));
    const appearances = order.slice(0, rng.int(2, Math.min(4, sceneCount))).sort((a, b) => a - b);
    const entity = entities.draw(appearances.map((i) => bgs[i] as BackgroundSpec));
    for (const i of appearances) cast[i]?.push(entity);
  }
  const scenes: WorldScene[] = [];
  let t = 0;
  for (let i = 0; i < sceneCount; i++) {
    const members = cast[i] ?? [];
    const bg = bgs[i] as BackgroundSpec;
    const oneOffs = Math.max(1, Math.min(3, rng.int(2, 5) - members.length));
    for (let k = 0; k < oneOffs; k++) members.push(entities.draw([bg], new Set(members.map((e) => `${e.shape}/${e.colour}`))));
    const durationS = rng.int(...config.sceneSeconds);
    const layout = layoutScene(rng, { startS: t, endS: t + durationS, aspect: config.width / config.height, entities: members, collisionChance: 0.6 });
    scenes.push(scene(i, t, t + durationS, bg, layout));
    t += durationS;
  }
  return video(config, 'long', n, scenes);
}

export function buildWorld(partial: Partial<WorldConfig> = {}): World {
  const config = resolveConfig(partial);
  const rng = mulberry32(seedFrom('world', WORLD_VERSION, config.seed));
  const entities = new EntityPool(rng);
  const backgrounds = new BackgroundPool(rng);
  const videos: WorldVideo[] = [];
  for (let i = 1; i <= config.shortClips; i++) videos.push(shortClip(rng, config, i, entities, backgrounds));
  for (let i = 1; i <= config.longVideos; i++) videos.push(longVideo(rng, config, i, entities, backgrounds));

  // Drop entities that found no room in any scene; mark those placed in ≥ 2 scenes as recurring.
  const sceneCounts = new Map<string, number>();
  for (const v of videos) for (const s of v.scenes) for (const o of s.objects) sceneCounts.set(o.entityId, (sceneCounts.get(o.entityId) ?? 0) + 1);
  const placed = entities.entities.filter((e) => sceneCounts.has(e.id));
  for (const e of placed) e.recurring = (sceneCounts.get(e.id) ?? 0) >= 2;

  const world: World = { config, version: WORLD_VERSION, videos, entities: placed };
  for (const v of videos)
    for (const s of v.scenes) {
      s.description = describeScene(world, v, s);
      s.caption = sceneCaption(world, s.description);
    }
  return world;
}
