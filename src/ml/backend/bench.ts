// Backend throughput benchmark (bench/backends): matmul and conv2d GFLOP/s per backend.
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend, type BackendConfig } from './registry';
import type { BackendName } from '../../core/backendChoice';
import { timeMatmul } from './probe';

export interface BenchCase {
  backend: BackendName;
  op: 'matmul' | 'conv2d';
  /** e.g. "1024x1024" or "1x56x56x64 * 3x3x64x64". */
  shape: string;
  gflops: number | null;
  error?: string;
}

export interface BenchReport {
  userAgent: string;
  crossOriginIsolated: boolean;
  cases: BenchCase[];
}

export interface BenchOptions extends BackendConfig {
  backends: BackendName[];
  matmulSizes?: number[];
  /** Timed time per case, ms, after one warm-up run. */
  budgetMs?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** conv2d NHWC, 'same' padding: flops = 2·H·W·Cin·Cout·kh·kw per image. */
async function timeConv2d(h: number, c: number, k: number, budgetMs: number): Promise<number> {
  const x = tf.randomUniform([1, h, h, c], -1, 1, 'float32', 3) as tf.Tensor4D;
  const f = tf.randomUniform([k, k, c, c], -1, 1, 'float32', 4) as tf.Tensor4D;
  try {
    const warm = tf.conv2d(x, f, 1, 'same');
    await warm.data();
    warm.dispose();
    let reps = 0;
    const start = performance.now();
    while (reps < 2 || (performance.now() - start < budgetMs && reps < 64)) {
      const y = tf.conv2d(x, f, 1, 'same');
      await y.data();
      y.dispose();
      reps++;
    }
    return (reps * 2 * h * h * c * c * k * k) / ((performance.now() - start) / 1000) / 1e9;
  } finally {
    tf.dispose([x, f]);
  }
}

export async function benchBackends(options: BenchOptions): Promise<BenchCase[]> {
  const { backends, matmulSizes = [256, 512, 1024], budgetMs = 400, signal, onProgress } = options;
  const conv = { h: 56, c: 64, k: 3 };
  const perBackend = matmulSizes.length + 1;
  const total = backends.length * perBackend;
  const cases: BenchCase[] = [];
  let done = 0;
  for (const backend of backends) {
    signal?.throwIfAborted();
    const activated = await activateBackend(backend, options);
    const plan: Array<Omit<BenchCase, 'gflops'> & { run: () => Promise<number> }> = [
      ...matmulSizes.map((n) => ({ backend, op: 'matmul' as const, shape: `${n}x${n}`, run: async () => (await timeMatmul(n, budgetMs, { minReps: 1, batch: backend === 'webgpu' || backend === 'webgl' ? 4 : 1 })).gflops })),
      { backend, op: 'conv2d', shape: `1x${conv.h}x${conv.h}x${conv.c} * ${conv.k}x${conv.k}x${conv.c}x${conv.c}`, run: () => timeConv2d(conv.h, conv.c, conv.k, budgetMs) },
    ];
    for (const { run, ...c } of plan) {
      signal?.throwIfAborted();
      onProgress?.(done, total, `${backend} ${c.op} ${c.shape}`);
      if (!activated.ok) {
        cases.push({ ...c, gflops: null, error: activated.error ?? 'did not initialise' });
      } else {
        try {
          cases.push({ ...c, gflops: await run() });
        } catch (e) {
          cases.push({ ...c, gflops: null, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
        }
      }
      done++;
    }
  }
  onProgress?.(total, total, 'Done');
  return cases;
}
