// Compute worker entry: owns TensorFlow.js so tensor work never blocks the UI thread.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { createComputeHandlers } from './computeHandlers';
import ffmpegCoreURL from '@ffmpeg/core?url';
import ffmpegWasmURL from '@ffmpeg/core/wasm?url';
import { createClipHandlers } from './clipHandlers';
import { createStage2Handlers } from './stage2Handlers';
import { createSynthHandlers } from './synthHandlers';
import { createReviewHandlers } from './reviewHandlers';
import { createTrainHandlers } from './trainHandlers';
import { createEvalHandlers } from './evalHandlers';
import { createDemoHandlers } from './demoHandlers';
import { createMediaHandlers } from './mediaHandlers';
import { createEmbedder, type Embedder } from '../ml/embedder';
import { embedderId, type EmbedderChoice } from '../core/pipeline';
import * as tf from '@tensorflow/tfjs-core';
import type { ComputeProtocol } from './computeProtocol';
import { serve } from './rpc';

declare const self: DedicatedWorkerGlobalScope;

const backendHandlers = createComputeHandlers({
    // Served from the app's own origin (no CDN).
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    },
    // Single-thread SIMD: see BackendConfig.wasmMultithread. Never call setThreadsCount above
    // the pthread pool either: it spins forever waiting for threads (tensorflow/tfjs#4957).
    wasmMultithread: false,
});

// Media work needs a backend: it waits for the latest selection. The UI always asks for one at
// start-up, and messages arrive in order, so that selection is under way before any import.
let selection: Promise<unknown> | null = null;
const select = backendHandlers['backend.select'];
backendHandlers['backend.select'] = (req, ctx) => {
  const run = select(req, ctx);
  selection = run.catch(() => undefined);
  return run;
};

// One embedder per worker, reloaded when the backend or the chosen model changes (its weights
// live on a backend).
let cached: { backend: string; id: string; model: Promise<Embedder> } | null = null;
async function currentEmbedder(choice: EmbedderChoice): Promise<Embedder> {
  await selection;
  const backend = tf.getBackend();
  const id = embedderId(choice);
  if (!cached || cached.backend !== backend || cached.id !== id) {
    const previous = cached;
    cached = { backend, id, model: createEmbedder(choice) };
    previous?.model.then((m) => m.dispose(), () => undefined);
  }
  const entry = cached;
  try {
    return await entry.model;
  } catch (e) {
    if (cached === entry) cached = null; // let the next import try again
    throw e;
  }
}

// Clip work also waits for the backend: similarity runs as tensor ops.
const clipHandlers = createClipHandlers();
const synthHandlers = createSynthHandlers();
const trainHandlers = createTrainHandlers();
const reviewHandlers = createReviewHandlers();
const evalHandlers = createEvalHandlers(currentEmbedder);
serve<ComputeProtocol>(self, {
  ...backendHandlers,
  // ffmpeg.wasm's single-thread core, served unmodified from the app's own origin (GPL-2.0+).
  ...createDemoHandlers(),
  ...createMediaHandlers(currentEmbedder, { coreURL: ffmpegCoreURL, wasmURL: ffmpegWasmURL }),
  'video.segment': async (req) => {
    await selection;
    return clipHandlers['video.segment'](req);
  },
  'clips.neighbours': async (req, ctx) => {
    await selection;
    return clipHandlers['clips.neighbours'](req, ctx);
  },
  'clips.invalidate': clipHandlers['clips.invalidate'],
  'synth.stage1': async (req, ctx) => {
    await selection;
    return synthHandlers['synth.stage1'](req, ctx);
  },
  'triples.import': synthHandlers['triples.import'],
  'triples.export': synthHandlers['triples.export'],
  // Stage 2 needs no tensors (scenes are stored with their embeddings), only storage and the generator.
  ...createStage2Handlers(),
  // Training runs on the selected backend.
  'train.start': async (req, ctx) => {
    await selection;
    return trainHandlers['train.start'](req, ctx);
  },
  'train.resume': async (req, ctx) => {
    await selection;
    return trainHandlers['train.resume'](req, ctx);
  },
  // Builds a run's data from the library (clip vectors, triples, reviews): no tensors.
  'train.dataCurrent': trainHandlers['train.dataCurrent'],
  'eval.probe': async (req, ctx) => {
    await selection;
    return evalHandlers['eval.probe'](req, ctx);
  },
  // The review map and anchor similarities are tensor ops too.
  'review.map': async (req, ctx) => {
    await selection;
    return reviewHandlers['review.map'](req, ctx);
  },
  'review.similarities': async (req) => {
    await selection;
    return reviewHandlers['review.similarities'](req);
  },
});
