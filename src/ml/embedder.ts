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
import { UserFacingError } from '../core/errors';
import { DEFAULT_INPUT_SIZE, embedderId, type EmbedderChoice } from '../core/pipeline';

export interface Embedder {
  /** Stable id: part of the embedding cache key. */
  readonly id: string;
  readonly dim: number;
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

/** Levels per channel of the colour histogram `withColourHistogram` appends (4³ = 64 bins). */
export const COLOUR_LEVELS = 4;

/** The colour histogram alone as a frame embedding (levels³-d, unit length; no network). */
export function colourHistogramEmbedder(inputSize: number, levels = COLOUR_LEVELS): Embedder {
  const bins = levels ** 3;
  return {
    id: `rgb-hist-${levels}`,
    dim: bins,
    inputSize,
    embed(frames: Uint8Array[]): Promise<Float32Array> {
      const out = new Float32Array(frames.length * bins);
      frames.forEach((f, n) => out.set(colourHistogram(f, levels), n * bins));
      return Promise.resolve(out);
    },
    dispose: () => undefined,
  };
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
