// Public API of the demo world (issue #4): a procedural world of short clips and long videos, its
// ground truth, a rasterizer and the oracle generator. Pure TypeScript: runs in Node and workers.

export { DEFAULT_WORLD_CONFIG, WORLD_VERSION, buildWorld, resolveConfig } from './build';
export { MIN_VISIBLE_S, describeScene, describeSpan, spanCaption } from './describe';
export { findVideo, sceneAt } from './lookup';
export { OracleGenerator, WorldsOracle, createOracleGenerator, createWorldsOracle, type OracleOptions } from './oracle';
export { answerFrom, isSpecificTo } from './query';
export { mulberry32, seedFrom, type Rng } from './random';
export { frameHash, letterbox, letterboxScaled, renderFrame, videoFormat, type VideoFormat } from './raster';
export { clipOnlyQuestion, questionFromText, stage1Questions } from './stage1';
export { answerCrossScene, DEGRADED_ANSWERS, stage2Queries, type CrossSceneAsk, type DegradedAnswers, type WorldCrossSceneQuery } from './stage2';
export { formatQuestion, parseQuestion } from './text';
export type {
  BackgroundSpec,
  DetailAspect,
  Entity,
  MotionKey,
  ObjectCue,
  ObjectTrack,
  SceneDescription,
  SeenObject,
  SpanBackground,
  SpanFacts,
  SpanTruth,
  Stage1Family,
  Stage2Family,
  World,
  WorldConfig,
  WorldCrossSceneQA,
  WorldEvent,
  WorldQA,
  WorldQuery,
  WorldScene,
  WorldSpan,
  WorldVideo,
} from './types';
export type { Direction, ObjectColour, Pattern, Shape, Size, Speed, Texture } from './vocabulary';
export { worldFingerprint } from './fingerprint';
