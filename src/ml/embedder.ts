// Frame embeddings from a pretrained image CNN on the active backend (DESIGN.md §2).
//
// Default: MobileNetV2 (width 1.4, 224 px) as shipped inside the `nsfwjs` npm package (MIT),
// taking its 1792-d globally pooled feature vector. It works offline and is served from the
// app's own origin. Caveat: the top of that network was fine-tuned for nsfwjs's 5-way image
// classification, so these are not plain ImageNet features; they separate video content well
// enough for clip similarity (see the retrieval test), and any TF.js graph model URL can replace
// them in Settings.
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { colourHistogram } from '../core/colourHistogram';
import { OBJECT_TOKEN_DIM, OBJECT_TOKENS, OBJECT_TOKENS_ID, objectTokens } from '../core/objectTokens';
import type { PixelFeatures } from '../core/demo';
import { UserFacingError } from '../core/errors';
import { COLOUR_LEVELS, DEFAULT_INPUT_SIZE, embedderId, REGION_TOKENS, type EmbedderChoice } from '../core/pipeline';

export interface Embedder {
  /** Stable id: part of the embedding cache key. */
  readonly id: string;
  readonly dim: number;
  /** Visual tokens a vector is made of (equal parts, e.g. whole frame + quadrants); 1 when absent. */
  readonly tokens?: number;
  /** Square input size in pixels. */
  readonly inputSize: number;
  /** RGB pixels (inputSize² · 3 bytes per frame) → L2-normalised embeddings, [n, dim] row-major. */
  embed(frames: Uint8Array[]): Promise<Float32Array>;
  dispose(): void;
}

export interface GraphModelSpec {
  id: string;
  inputSize: number;
  /** Node whose output is the feature (pooled, [n, dim] or [n, 1, 1, dim]). */
  outputNode: string;
  /** How pixels are scaled before the model: [0, 1] or [-1, 1]. */
  pixelRange: '0..1' | '-1..1';
}

export const DEFAULT_EMBEDDER_SPEC: GraphModelSpec = {
  id: embedderId({ kind: 'default' }),
  inputSize: DEFAULT_INPUT_SIZE,
  outputNode: 'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze',
  pixelRange: '0..1',
};

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** A UMD/CJS module imported dynamically: its value may sit on `default`. */
function moduleValue<T>(mod: unknown): T {
  const m = mod as { default?: unknown };
  return (m && typeof m === 'object' && 'default' in m ? m.default : mod) as T;
}

interface ModelJson {
  modelTopology: unknown;
  weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
}

/** Loads the default model from the nsfwjs package (JS modules holding model.json and base64 weights). */
export async function loadDefaultGraphModel(): Promise<GraphModel> {
  const { MobileNetV2MidModel } = await import('nsfwjs/models/mobilenet_v2_mid');
  const json = moduleValue<ModelJson>(await MobileNetV2MidModel.modelJson());
  const shards = await Promise.all(MobileNetV2MidModel.weightBundles.map(async (load) => base64ToBytes(moduleValue<string>(await load()))));
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let offset = 0;
  for (const s of shards) {
    weightData.set(s, offset);
    offset += s.length;
  }
  return loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology as tf.io.ModelJSON['modelTopology'],
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weightData.buffer,
    }),
  );
}

export class GraphModelEmbedder implements Embedder {
  readonly id: string;
  readonly inputSize: number;
  private constructor(
    private readonly model: GraphModel,
    private readonly spec: GraphModelSpec,
    readonly dim: number,
  ) {
    this.id = spec.id;
    this.inputSize = spec.inputSize;
  }

  /** Loads the model and measures its feature size with one dummy frame. */
  static async create(model: GraphModel, spec: GraphModelSpec): Promise<GraphModelEmbedder> {
    const probe = tf.tidy(() => model.execute(tf.zeros([1, spec.inputSize, spec.inputSize, 3]), spec.outputNode) as tf.Tensor);
    const dim = probe.size;
    probe.dispose();
    return new GraphModelEmbedder(model, spec, dim);
  }

  async embed(frames: Uint8Array[]): Promise<Float32Array> {
    const s = this.inputSize;
    if (frames.length === 0) return new Float32Array(0);
    for (const f of frames) if (f.length !== s * s * 3) throw new RangeError(`a frame has ${f.length} bytes; expected ${s}×${s}×3`);
    const out = tf.tidy(() => {
      const pixels = tf.stack(frames.map((f) => tf.tensor3d(f, [s, s, 3], 'int32'))); // [n, s, s, 3]
      const x = this.spec.pixelRange === '0..1' ? tf.div(tf.cast(pixels, 'float32'), 255) : tf.sub(tf.div(tf.cast(pixels, 'float32'), 127.5), 1);
      const features = tf.reshape(this.model.execute(x, this.spec.outputNode) as tf.Tensor, [frames.length, this.dim]); // [n, dim]
      return tf.div(features, tf.add(tf.norm(features, 'euclidean', 1, true), 1e-12));
    });
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}

export async function createDefaultEmbedder(): Promise<Embedder> {
  return GraphModelEmbedder.create(await loadDefaultGraphModel(), DEFAULT_EMBEDDER_SPEC);
}


/** An embedder made of a plain-JS function of one frame (no network, nothing to dispose). */
function frameFunctionEmbedder(id: string, dim: number, inputSize: number, vector: (frame: Uint8Array) => Float32Array, tokens?: number): Embedder {
  return {
    id,
    dim,
    ...(tokens !== undefined && { tokens }),
    inputSize,
    embed(frames: Uint8Array[]): Promise<Float32Array> {
      const out = new Float32Array(frames.length * dim);
      frames.forEach((f, n) => out.set(vector(f), n * dim));
      return Promise.resolve(out);
    },
    dispose: () => undefined,
  };
}

/** The colour histogram alone as a frame embedding (levels³-d, unit length; no network). */
export function colourHistogramEmbedder(inputSize: number, levels = COLOUR_LEVELS): Embedder {
  return frameFunctionEmbedder(`rgb-hist-${levels}`, levels ** 3, inputSize, (f) => colourHistogram(f, levels));
}

/**
 * `base`'s embedding with the frame's colour histogram appended (src/core/colourHistogram.ts),
 * each part of length 1/√2 so the whole has length 1 and a cosine similarity is the mean of the
 * two parts' similarities. For worlds whose questions turn on colours that the CNN's pooled
 * features do not keep (docs/evaluation.md, `npm run bench:features`).
 */
export function withColourHistogram(base: Embedder, levels = COLOUR_LEVELS): Embedder {
  const bins = levels ** 3;
  const w = Math.SQRT1_2;
  const dim = base.dim + bins;
  return {
    id: `${base.id}+rgb-hist-${levels}`,
    dim,
    inputSize: base.inputSize,
    async embed(frames: Uint8Array[]): Promise<Float32Array> {
      const features = await base.embed(frames);
      const out = new Float32Array(frames.length * dim);
      frames.forEach((f, n) => {
        for (let i = 0; i < base.dim; i++) out[n * dim + i] = (features[n * base.dim + i] as number) * w;
        const h = colourHistogram(f, levels);
        for (let i = 0; i < bins; i++) out[n * dim + base.dim + i] = (h[i] as number) * w;
      });
      return out;
    },
    dispose: () => base.dispose(),
  };
}

/** The default model's last 7×7 feature map (before its global pooling), [n, 7, 7, 1792]. */
export const DEFAULT_FEATURE_MAP_NODE =
  'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/MobilenetV2/Conv_1/Relu6';

/** RGB bytes of the square [x0, x1) × [y0, y1) of a size×size frame. */
export function cropRgb(rgb: Uint8Array, size: number, x0: number, x1: number, y0: number, y1: number): Uint8Array {
  const out = new Uint8Array((x1 - x0) * (y1 - y0) * 3);
  let o = 0;
  for (let y = y0; y < y1; y++) {
    out.set(rgb.subarray((y * size + x0) * 3, (y * size + x1) * 3), o);
    o += (x1 - x0) * 3;
  }
  return out;
}

// REGION_TOKENS (src/core/pipeline.ts): the whole frame, then the 2×2 quadrants (top-left, top-right, bottom-left, bottom-right).
export { COLOUR_LEVELS, REGION_TOKENS };

/**
 * Five visual tokens per frame (issue #13, docs/evaluation.md): the whole frame and its four
 * overlapping quadrants. Each token is the CNN's feature map mean-pooled over that region
 * (4×4 of the 7×7 cells, stride 3) with the region's 64-bin colour histogram appended, each part
 * of length 1/√2; the five tokens have length 1/√5 each, so the vector has length 1 and a cosine
 * similarity is the mean of the tokens'. What a quadrant holds stays together (this shape is
 * this colour), which a pooled vector loses.
 */
export async function createRegionEmbedder(): Promise<Embedder> {
  const graph = await loadDefaultGraphModel();
  const size = DEFAULT_INPUT_SIZE;
  const bins = COLOUR_LEVELS ** 3;
  const probe = tf.tidy(() => graph.execute(tf.zeros([1, size, size, 3]), DEFAULT_FEATURE_MAP_NODE) as tf.Tensor);
  const [, gh, gw, channels] = probe.shape as [number, number, number, number];
  probe.dispose();
  if (gh !== 7 || gw !== 7) throw new Error(`the feature map is ${gh}×${gw}; regions expect 7×7`);
  const token = channels + bins;
  const dim = REGION_TOKENS * token;
  const cell = size / 7;
  // Pixel squares of the tokens: the frame, then quadrants over cells [0, 4) and [3, 7).
  const boxes: [number, number, number, number][] = [[0, size, 0, size]];
  for (const [y0, y1] of [[0, 4 * cell], [3 * cell, size]] as const) for (const [x0, x1] of [[0, 4 * cell], [3 * cell, size]] as const) boxes.push([x0, x1, y0, y1]);
  const wToken = 1 / Math.sqrt(REGION_TOKENS);
  const wPart = Math.SQRT1_2 * wToken;
  return {
    id: embedderId({ kind: 'features', features: 'regions' }),
    dim,
    tokens: REGION_TOKENS,
    inputSize: size,
    async embed(frames: Uint8Array[]): Promise<Float32Array> {
      if (frames.length === 0) return new Float32Array(0);
      for (const f of frames) if (f.length !== size * size * 3) throw new RangeError(`a frame has ${f.length} bytes; expected ${size}×${size}×3`);
      const pooled = tf.tidy(() => {
        const pixels = tf.stack(frames.map((f) => tf.tensor3d(f, [size, size, 3], 'int32')));
        const map = graph.execute(tf.div(tf.cast(pixels, 'float32'), 255), DEFAULT_FEATURE_MAP_NODE) as tf.Tensor4D; // [n, 7, 7, C]
        const whole = tf.reshape(tf.mean(map, [1, 2]), [frames.length, 1, channels]);
        const quads = tf.reshape(tf.avgPool(map, 4, 3, 'valid'), [frames.length, 4, channels]); // row-major: TL, TR, BL, BR
        const all = tf.concat([whole, quads], 1); // [n, 5, C]
        return tf.div(all, tf.add(tf.norm(all, 'euclidean', 2, true), 1e-12));
      });
      let features: Float32Array;
      try {
        features = (await pooled.data()) as Float32Array;
      } finally {
        pooled.dispose();
      }
      const out = new Float32Array(frames.length * dim);
      frames.forEach((f, n) => {
        boxes.forEach(([x0, x1, y0, y1], r) => {
          const base = n * dim + r * token;
          for (let i = 0; i < channels; i++) out[base + i] = (features[(n * REGION_TOKENS + r) * channels + i] as number) * wPart;
          const h = colourHistogram(cropRgb(f, size, x0, x1, y0, y1), COLOUR_LEVELS);
          for (let i = 0; i < bins; i++) out[base + channels + i] = (h[i] as number) * wPart;
        });
      });
      return out;
    },
    dispose: () => graph.dispose(),
  };
}

/**
 * Object tokens found by segmentation (src/core/objectTokens.ts): six tokens per frame — the
 * background and the five largest objects — in plain JS, no network (about 7 ms a frame; `npm run bench:objects`).
 */
export function objectTokenEmbedder(inputSize = DEFAULT_INPUT_SIZE): Embedder {
  return frameFunctionEmbedder(OBJECT_TOKENS_ID, OBJECT_TOKENS * OBJECT_TOKEN_DIM, inputSize, (f) => objectTokens(f, inputSize), OBJECT_TOKENS);
}

/** The embedder of a demo `--features` choice (docs/cli.md). */
export async function createFeatureEmbedder(features: PixelFeatures): Promise<Embedder> {
  switch (features) {
    case 'colour':
      return colourHistogramEmbedder(DEFAULT_EMBEDDER_SPEC.inputSize);
    case 'mobilenet+colour':
      return withColourHistogram(await createDefaultEmbedder());
    case 'regions':
      return createRegionEmbedder();
    case 'objects':
      return objectTokenEmbedder();
    case 'mobilenet':
      return createDefaultEmbedder();
  }
}

/**
 * Any TF.js graph model by URL (model.json), e.g. one served next to the app. Failures become
 * UserFacingErrors that say which part (download, output node) is wrong.
 */
export async function createUrlEmbedder(url: string, spec: GraphModelSpec): Promise<Embedder> {
  let model: GraphModel;
  try {
    model = await loadGraphModel(url);
  } catch (e) {
    throw new UserFacingError(
      `Could not load the embedding model from ${url}: ${e instanceof Error ? e.message : String(e)}`,
      'Check that the URL serves a TF.js graph model (model.json and its weight files, with CORS allowed), or choose the default embedder in Settings → Import pipeline.',
      { cause: e },
    );
  }
  try {
    return await GraphModelEmbedder.create(model, spec);
  } catch (e) {
    model.dispose();
    throw new UserFacingError(
      `The model at ${url} did not run with output node "${spec.outputNode}" at ${spec.inputSize}×${spec.inputSize} px: ${e instanceof Error ? e.message : String(e)}`,
      'Use the name of a pooled feature node from the model.json graph and the input size the model expects.',
      { cause: e },
    );
  }
}

/** The embedder a pipeline setting names (its id is `embedderId(choice)`: the cache key). */
export async function createEmbedder(choice: EmbedderChoice): Promise<Embedder> {
  if (choice.kind === 'default') return createDefaultEmbedder();
  if (choice.kind === 'features') return createFeatureEmbedder(choice.features);
  const { url, outputNode, inputSize, pixelRange } = choice;
  return createUrlEmbedder(url, { id: embedderId(choice), outputNode, inputSize, pixelRange });
}

/** RGBA (ImageData) → RGB bytes. */
export function rgbaToRgb(rgba: Uint8ClampedArray | Uint8Array): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    out[j] = rgba[i] ?? 0;
    out[j + 1] = rgba[i + 1] ?? 0;
    out[j + 2] = rgba[i + 2] ?? 0;
  }
  return out;
}
