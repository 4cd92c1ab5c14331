// The import pipeline's settings (issue #3): sampling rate, clip length, scene detection and
// which embedder. Pure: validated here, stored by src/storage, applied by the compute worker.
import { BACKGROUND_HISTOGRAM_DIMS, OBJECT_TOKENS, OBJECT_TOKENS_ID } from './objectTokens';

/**
 * Built-in embedders beyond the default (docs/evaluation.md), the first two made of the same shipped model:
 * `mobilenet+colour` appends each frame's 64-bin colour histogram; `regions` gives five visual
 * tokens per clip (the frame and its four quadrants, each pooled CNN features plus the region's
 * colour histogram); `objects` gives six tokens per frame found by segmentation, no network: the
 * background and the five largest objects, each its colours, shape, size, place and texture
 * (src/core/objectTokens.ts) — the CLI's `--features`.
 */
export const BUILTIN_FEATURES = ['mobilenet+colour', 'regions', 'objects'] as const;
export type BuiltinFeatures = (typeof BUILTIN_FEATURES)[number];

/** Which image model embeds frames. The default ships inside an npm package (offline). */
export type EmbedderChoice =
  | { kind: 'default' }
  | { kind: 'features'; features: BuiltinFeatures }
  | {
      kind: 'url';
      /** A TF.js graph model's model.json (absolute http(s) URL, or a path on this origin). */
      url: string;
      /** Graph node whose output is the pooled feature ([n, d] or [n, 1, 1, d]). */
      outputNode: string;
      /** Square input size in pixels; frames are letterboxed into it. */
      inputSize: number;
      pixelRange: '0..1' | '-1..1';
    };

export interface PipelineSettings {
  /** Frames sampled per second of video (paper: 1). */
  fps: number;
  /** Fixed clip length, seconds (LongVPO anchors: up to 64 frames at 1 fps). */
  clipS: number;
  /** Scene cut where consecutive frames' cosine distance (1 − cos) reaches this. */
  sceneThreshold: number;
  /** Shortest scene, seconds: cuts closer than this to the previous one are ignored. */
  minSceneS: number;
  embedder: EmbedderChoice;
}

/**
 * 1 fps as in the paper; 8 s clips (short anchors); threshold 0.18 lies between the largest
 * within-scene distance (0.079) and the smallest hard cut (0.285) measured for the default
 * embedder by `npm run bench:calibrate-scenes` (docs/results.md). A custom embedder needs its
 * own calibration: run that bench with it, or look at the scene timeline.
 */
export const DEFAULT_PIPELINE: PipelineSettings = { fps: 1, clipS: 8, sceneThreshold: 0.18, minSceneS: 2, embedder: { kind: 'default' } };

/** Input size of the default embedder (MobileNetV2 at 224 px). */
export const DEFAULT_INPUT_SIZE = 224;

export const LIMITS = {
  fps: [0.1, 10],
  clipS: [2, 120],
  sceneThreshold: [0.01, 1],
  minSceneS: [0, 600],
  inputSize: [32, 1024],
} as const;

/** Problems with the settings, each naming the field and the allowed range; empty when valid. */
export function pipelineProblems(p: PipelineSettings): string[] {
  const problems: string[] = [];
  const inRange = (name: keyof typeof LIMITS, label: string, value: number, unit = '') => {
    const [lo, hi] = LIMITS[name];
    if (!Number.isFinite(value) || value < lo || value > hi) problems.push(`${label} must be between ${lo} and ${hi}${unit} (got ${Number.isFinite(value) ? value : 'nothing'}).`);
  };
  inRange('fps', 'Sampling rate', p.fps, ' frames per second');
  inRange('clipS', 'Clip length', p.clipS, ' s');
  inRange('sceneThreshold', 'Scene threshold', p.sceneThreshold);
  inRange('minSceneS', 'Minimum scene length', p.minSceneS, ' s');
  if (p.embedder.kind === 'features' && !(BUILTIN_FEATURES as readonly string[]).includes(p.embedder.features)) {
    problems.push(`Built-in embedder must be one of ${BUILTIN_FEATURES.join(', ')} (got ${String(p.embedder.features)}).`);
  }
  if (p.embedder.kind === 'url') {
    const { url, outputNode, inputSize } = p.embedder;
    if (!/^(https?:\/\/|\/|\.\/)\S+$/.test(url.trim())) problems.push('Model URL must be an http(s) address or a path on this site (starting with / or ./) of a TF.js model.json.');
    if (outputNode.trim() === '') problems.push('Output node must name the graph node of the pooled feature (see the model.json signature).');
    if (!Number.isInteger(inputSize)) problems.push('Input size must be a whole number of pixels.');
    else inRange('inputSize', 'Input size', inputSize, ' px');
  }
  return problems;
}

export const DEFAULT_EMBEDDER_ID = 'nsfwjs-4.4.0/mobilenet_v2_mid/feature_vector';
/** Levels per channel of the built-in colour histograms (4³ = 64 bins). */
export const COLOUR_LEVELS = 4;
/** Visual tokens per clip of the `regions` embedder: the frame, then its 2×2 quadrants. */
export const REGION_TOKENS = 5;

/**
 * Part of the embedding cache key: the same id means the same vectors. The built-in ids are the
 * ones src/ml/embedder.ts gives its embedders (and `longvpo demo --features` writes to clips.jsonl).
 */
export function embedderId(choice: EmbedderChoice): string {
  switch (choice.kind) {
    case 'default':
      return DEFAULT_EMBEDDER_ID;
    case 'features':
      if (choice.features === 'objects') return OBJECT_TOKENS_ID;
      return choice.features === 'regions' ? `${DEFAULT_EMBEDDER_ID}+regions${REGION_TOKENS}+rgb-hist-${COLOUR_LEVELS}` : `${DEFAULT_EMBEDDER_ID}+rgb-hist-${COLOUR_LEVELS}`;
    case 'url':
      return `url:${choice.url.trim()}#${choice.outputNode.trim()}@${choice.inputSize}/${choice.pixelRange}`;
  }
}

/** Visual tokens per clip of the vectors an embedder id names (1 unless it is a region or object-token embedder). */
export function tokensOfEmbedderId(id: string): number {
  if (id.startsWith('url:')) return 1;
  if (id === OBJECT_TOKENS_ID) return OBJECT_TOKENS;
  const n = Number(/\+regions(\d+)(\+|$)/.exec(id)?.[1]);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/** The built-in choice an embedder id names (default or `features`); null for a custom model's id. */
export function builtinChoiceOf(id: string): EmbedderChoice | null {
  if (id === DEFAULT_EMBEDDER_ID) return { kind: 'default' };
  for (const features of BUILTIN_FEATURES) if (embedderId({ kind: 'features', features }) === id) return { kind: 'features', features };
  return null;
}

/** How the Library and Settings name an embedder. */
export function embedderLabel(choice: EmbedderChoice): string {
  switch (choice.kind) {
    case 'default':
      return 'default embedder';
    case 'features':
      if (choice.features === 'objects') return `object tokens (${OBJECT_TOKENS} per clip)`;
      return choice.features === 'regions' ? 'region tokens (5 per clip)' : 'MobileNet + colour histogram';
    case 'url':
      return 'custom model';
  }
}

export function inputSizeOf(choice: EmbedderChoice): number {
  return choice.kind === 'url' ? choice.inputSize : DEFAULT_INPUT_SIZE;
}

/** Sampling part of the cache key (frames and embeddings). */
export function samplingKeyOf(p: Pick<PipelineSettings, 'fps' | 'embedder'>): string {
  return `fps${p.fps}-px${inputSizeOf(p.embedder)}`;
}

/**
 * Dimensions [start, end) of a frame's vector that the scene cut compares, for the embedder an id
 * names; null for the whole vector. Object tokens cut on the background's colour histogram alone:
 * their object slots change whenever an object moves, is occluded or is segmented otherwise, and on
 * decoded video (codec noise) every token read together cut the full demo world's long videos into
 * 38–98 scenes where there are 6–8; the background histogram finds every cut and no other, rendered
 * or decoded (docs/results.md, `npm run bench:scene-cuts`).
 */
export function sceneViewOf(embedderId: string): readonly [number, number] | null {
  return embedderId === OBJECT_TOKENS_ID ? BACKGROUND_HISTOGRAM_DIMS : null;
}

/** Segmentation part of a video's state: clips and scenes are recomputed when it changes. */
export function segmentsKeyOf(p: Pick<PipelineSettings, 'clipS' | 'sceneThreshold' | 'minSceneS' | 'embedder'>): string {
  const view = sceneViewOf(embedderId(p.embedder));
  return `clip${p.clipS}-cut${p.sceneThreshold}-min${p.minSceneS}${view ? `-on${view[0]}to${view[1]}` : ''}`;
}

/** What an already imported video needs to match the current settings. */
export function staleness(
  video: { samplingKey?: string; embeddingModel?: string; segmentsKey?: string },
  p: PipelineSettings,
): 'current' | 'resegment' | 'resample' {
  if (video.samplingKey !== samplingKeyOf(p) || video.embeddingModel !== embedderId(p.embedder)) return 'resample';
  // Videos imported before segmentation settings were recorded used the defaults.
  if ((video.segmentsKey ?? segmentsKeyOf(DEFAULT_PIPELINE)) !== segmentsKeyOf(p)) return 'resegment';
  return 'current';
}

/** The sampling rate a `samplingKeyOf` key was made with (1 when unreadable). */
export function fpsOfSamplingKey(key: string | undefined): number {
  const fps = Number(/^fps([\d.]+)-/.exec(key ?? '')?.[1]);
  return fps > 0 ? fps : 1;
}
