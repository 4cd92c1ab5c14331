// The compute worker's protocol: request and response types for every method.
import type { BackendChoice, BackendName } from '../core/backendChoice';
import type { BenchReport } from '../ml/backend/bench';
import type { EmbedBenchCase } from '../ml/embedBench';
import type { WebGpuReport } from '../ml/backend/registry';
import type { SelfTestResult } from '../ml/backend/selfTest';
import type { TrainBenchReport } from '../ml/train/bench';
import type { ClipProtocol } from './clipHandlers';
import type { DemoProtocol } from './demoHandlers';
import type { MediaProtocol } from './mediaHandlers';
import type { Stage2Protocol } from './stage2Handlers';
import type { SynthProtocol } from './synthHandlers';
import type { ReviewProtocol } from './reviewHandlers';
import type { TrainProtocol } from './trainHandlers';
import type { EvalProtocol } from './evalHandlers';

/** Everything the compute worker serves: backends (below), decoding, clips and similarity, the demo world, synthesis. */
export type ComputeProtocol = MediaProtocol & ClipProtocol & BackendProtocol & DemoProtocol & SynthProtocol & Stage2Protocol & TrainProtocol & EvalProtocol & ReviewProtocol;

export type BackendProtocol = {
  /**
   * Activates a backend. With `remembered` (and no override) it reuses that choice without
   * probing; otherwise it probes every candidate and picks by `chooseBackend`.
   */
  'backend.select': { req: { override: BackendName | null; remembered: BackendChoice | null }; res: BackendChoice };
  /** Runs the reference computation on each backend, then re-activates `restore`. */
  'backend.selfTest': { req: { backends: BackendName[] | 'all'; restore: BackendName }; res: SelfTestResult[] };
  /** Throughput per backend, then re-activates `restore`. */
  'backend.bench': { req: { backends: BackendName[] | 'all'; restore: BackendName; matmulSizes?: number[]; budgetMs?: number }; res: BenchReport };
  /** Default embedder frames/s per backend, then re-activates `restore`. */
  'embed.bench': { req: { backends: BackendName[] | 'all'; restore: BackendName }; res: EmbedBenchCase[] };
  /** Training step times (SFT, DPO with full / anchor-only / cached reference) per backend, then re-activates `restore`. */
  'train.bench': { req: { backends: BackendName[] | 'all'; restore: BackendName; steps?: number }; res: TrainBenchResult[] };
  /** What the worker's environment offers. */
  'env.describe': { req: null; res: ComputeEnvironment };
};

export interface TrainBenchResult {
  backend: BackendName;
  report: TrainBenchReport | null;
  error?: string;
}

export interface ComputeEnvironment {
  candidates: BackendName[];
  webgpu: WebGpuReport;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  activeBackend: string | null;
}

/** Every method, exactly once: a method added to the protocol but not here fails to compile. */
const METHODS: Record<keyof ComputeProtocol, true> = {
  'backend.select': true,
  'backend.selfTest': true,
  'backend.bench': true,
  'embed.bench': true,
  'train.bench': true,
  'env.describe': true,
  'video.probe': true,
  'video.sample': true,
  'video.decodeBench': true,
  'video.segment': true,
  'clips.neighbours': true,
  'clips.invalidate': true,
  'demo.generate': true,
  'synth.stage1': true,
  'triples.import': true,
  'triples.export': true,
  'stage2.caption': true,
  'synth.stage2': true,
  'stage2.importScenes': true,
  'train.start': true,
  'train.resume': true,
  'train.dataCurrent': true,
  'eval.probe': true,
  'review.map': true,
  'review.similarities': true,
};
export const COMPUTE_METHODS = Object.keys(METHODS) as (keyof ComputeProtocol)[];

