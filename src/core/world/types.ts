// Data types of the demo world (issue #4): videos made of scenes, scenes made of moving objects,
// and the ground truth that captions and questions are computed from. Plain JSON-able data.
// Units: times in seconds of the video's own timeline; positions and radii in frame heights (H),
// x in [0, width/height], y in [0, 1], y growing downwards.

import type { Stage2TaskType } from '../generators/types';
import type { BackgroundColour, Direction, ObjectColour, Pattern, Shape, Size, Speed, Texture } from './vocabulary';

export interface WorldConfig {
  seed: number;
  shortClips: number;
  longVideos: number;
  /** Frame size in pixels. */
  width: number;
  height: number;
  /** Frames per second of the rendered (and encoded) videos. */
  fps: number;
  /** Short clip duration range, whole seconds, inclusive. */
  shortClipSeconds: [number, number];
  scenesPerLongVideo: [number, number];
  /** Long-video scene duration range, whole seconds, inclusive. */
  sceneSeconds: [number, number];
}

/** A thing that can be seen: its look never changes, wherever it appears. */
export interface Entity {
  id: string;
  shape: Shape;
  colour: ObjectColour;
  texture: Texture;
  size: Size;
  /** Noun phrase that names it uniquely in the world, e.g. "large striped red circle". */
  name: string;
  /** True when it appears in two or more scenes of a long video. */
  recurring: boolean;
}

export interface BackgroundSpec {
  id: string;
  base: BackgroundColour;
  accent: BackgroundColour;
  pattern: Pattern;
  /** Pattern period, in frame heights. */
  scale: number;
  /** Pattern phase (shift along both axes), in frame heights. */
  offset: number;
  /** e.g. "navy and beige checkerboard"; unique in the world. */
  name: string;
}

/** A point of a piecewise-linear path: the object is at (x, y) at video time t. */
export interface MotionKey {
  t: number;
  x: number;
  y: number;
}

export interface ObjectTrack {
  entityId: string;
  /** Visible on [appearS, disappearS), video time. */
  appearS: number;
  disappearS: number;
  /** Path, sorted by t; position is held before the first and after the last key. */
  keys: MotionKey[];
  /** Heading and speed of its one motion leg ('still' and null when it never moves). */
  heading: Direction;
  speed: Speed | null;
}

export type WorldEvent =
  | { kind: 'appear' | 'disappear'; t: number; entityId: string }
  /** `entityId` moved into `otherId`; both are still afterwards. */
  | { kind: 'collide'; t: number; entityId: string; otherId: string };

/** One object as seen during a span (clipped to it and to its scene). */
export interface SeenObject {
  entityId: string;
  name: string;
  shape: Shape;
  colour: ObjectColour;
  texture: Texture;
  size: Size;
  recurring: boolean;
  sceneIndex: number;
  trackIndex: number;
  backgroundId: string;
  /** Visible on [fromS, toS), video time. */
  fromS: number;
  toS: number;
  /** Net motion over [fromS, toS]. */
  direction: Direction;
  /** Speed of its motion leg when it moves during the span. */
  speed: Speed | null;
  /** Centre at fromS and at toS. */
  from: { x: number; y: number };
  to: { x: number; y: number };
  /** "in the upper left", … where it is at fromS. */
  region: string;
  appears: boolean;
  disappears: boolean;
  /** Entity ids it collides with during the span. */
  collidesWith: string[];
}

export interface SpanBackground {
  sceneIndex: number;
  background: BackgroundSpec;
  fromS: number;
  toS: number;
}

/** Ground truth of a time span of one video (a scene, a clip, or any cut across scenes). */
export interface SpanFacts {
  videoId: string;
  startS: number;
  endS: number;
  /** World scenes the span overlaps, in order. */
  scenes: number[];
  backgrounds: SpanBackground[];
  /** Objects visible for at least MIN_VISIBLE_S, in scene then appearance order. */
  objects: SeenObject[];
  /** Objects visible for less than MIN_VISIBLE_S: too brief to ask about, so counts avoid them. */
  marginal: { entityId: string; sceneIndex: number }[];
  /** Distinct entities among `objects`. */
  counts: { objects: number; byShape: Partial<Record<Shape, number>>; byColour: Partial<Record<ObjectColour, number>> };
  /** Events strictly inside the span. */
  events: WorldEvent[];
}

export type SceneDescription = SpanFacts;

export interface SpanTruth extends SpanFacts {
  caption: string;
}

export interface WorldScene {
  /** 0-based, in order. */
  index: number;
  startS: number;
  endS: number;
  background: BackgroundSpec;
  objects: ObjectTrack[];
  events: WorldEvent[];
  description: SceneDescription;
  caption: string;
}

export interface WorldVideo {
  /** e.g. "w42-short-007". */
  id: string;
  /** The file name the browser gives the encoded video, e.g. "world-s42-short-007.webm". */
  fileName: string;
  kind: 'short' | 'long';
  durationS: number;
  frameCount: number;
  scenes: WorldScene[];
}

export interface World {
  config: WorldConfig;
  version: number;
  videos: WorldVideo[];
  /** Every entity of the world; `recurring` marks those seen in several scenes. */
  entities: Entity[];
}

/** A time span of a world video. */
export interface WorldSpan {
  video: WorldVideo;
  startS: number;
  endS: number;
}

/** An object named by some of its attributes, optionally "on the <background> background". */
export interface ObjectCue {
  shape?: Shape;
  colour?: ObjectColour;
  texture?: Texture;
  size?: Size;
  backgroundId?: string;
}

export type Stage1Family = 'colour' | 'shape' | 'direction' | 'count' | 'relative_position' | 'presence' | 'detail';
export type DetailAspect = 'texture' | 'size' | 'background' | 'collision' | 'appear';

/** The structured form of a Stage 1 question; its text is `formatQuestion(world, query)`. */
export type WorldQuery =
  | { family: 'colour' | 'shape' | 'direction' | 'count'; cue: ObjectCue }
  | { family: 'detail'; aspect: DetailAspect; cue: ObjectCue }
  | { family: 'relative_position'; axis: 'horizontal' | 'vertical'; cue: ObjectCue; other: ObjectCue }
  | { family: 'presence'; options: ObjectCue[] };

export interface WorldQA {
  question: string;
  answer: string;
  family: Stage1Family;
  taskType: 'anchored_qa' | 'detail';
  /** Entity ids the question is about. */
  referents: string[];
  query: WorldQuery;
}

export type Stage2Family = 'temporal_order' | 'cross_scene_association' | 'counting' | 'visual_semantic' | 'detail';

export interface WorldCrossSceneQA {
  question: string;
  answer: string;
  /** Relevance chain citing scenes as "Scene #k" (1-based). */
  reasoning: string;
  /** 0-based indices of the cited scenes. */
  citedScenes: number[];
  taskType: Stage2TaskType;
  family: Stage2Family;
  referents: string[];
}
