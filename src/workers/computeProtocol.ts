// The compute worker's protocol: request and response types for every method.
import type { BackendChoice, BackendName } from '../core/backendChoice';
import type { BenchReport } from '../ml/backend/bench';
import type { EmbedBenchCase } from '../ml/embedBench';
import type { WebGpuReport } from '../ml/backend/registry';
import type { SelfTestResult } from '../ml/backend/selfTest';
import type { ClipProtocol } from './clipHandlers';
import type { MediaProtocol } from './mediaHandlers';

/** Everything the compute worker serves: backends (below), decoding, clips and similarity. */
export type ComputeProtocol = MediaProtocol & ClipProtocol & BackendProtocol;

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
  /** What the worker's environment offers. */
  'env.describe': { req: null; res: ComputeEnvironment };
};

export interface ComputeEnvironment {
  candidates: BackendName[];
  webgpu: WebGpuReport;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  activeBackend: string | null;
}

export const COMPUTE_METHODS = ['backend.select', 'backend.selfTest', 'backend.bench', 'embed.bench', 'env.describe', 'video.probe', 'video.sample', 'video.decodeBench', 'video.segment', 'clips.neighbours'] as const satisfies readonly (keyof ComputeProtocol)[];

