// Short measured probe of each backend (issue #2: well under 2 s in all on this machine).
import * as tf from '@tensorflow/tfjs-core';
import { fixtureValues } from '../../core/reference/linalg';
import type { BackendName, BackendProbe } from '../../core/backendChoice';
import { activateBackend, describeWebGpu, preloadBackends, type BackendConfig } from './registry';

export interface ProbeOptions extends BackendConfig {
  /** Matrix size of the probe matmul. */
  size?: number;
  /** Time spent in timed repetitions per backend, ms (after one warm-up run). */
  budgetMs?: number;
  /**
   * Longest a backend may take to start and finish its first matmul, ms. A backend that misses
   * it is reported with an upper bound on its throughput instead of being waited for.
   */
  deadlineMs?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface MatmulTiming {
  gflops: number;
  /** First, untimed run: shader compile on GPUs, tier-up on wasm. */
  warmupMs: number;
}

export interface MatmulTimingOptions {
  minReps?: number;
  maxReps?: number;
  /**
   * Matmuls queued per read-back. On a GPU one read-back (`await data()`, a CPU-GPU sync point)
   * per small matmul measures latency, not throughput, and would let wasm beat a fast GPU;
   * CPU backends run synchronously and gain nothing from it.
   */
  batch?: number;
  /** Ends the timed loop early (the warm-up cannot be stopped). */
  stop?: AbortSignal;
}

/** Times n×n matmuls on the active backend: GFLOP/s of the fastest timed repetition. */
export async function timeMatmul(n: number, budgetMs: number, options: MatmulTimingOptions = {}): Promise<MatmulTiming> {
  const { minReps = 2, maxReps = 64, batch = 1, stop } = options;
  // Uploaded from the CPU, not tf.randomUniform: on WebGPU every kernel's first use compiles a
  // shader, and the probe should pay for the matmul's alone.
  const a = tf.tensor2d(fixtureValues(n * n, 1), [n, n]);
  const b = tf.tensor2d(fixtureValues(n * n, 2), [n, n]);
  try {
    const warmStart = performance.now();
    const warm = tf.matMul(a, b);
    await warm.data();
    warm.dispose();
    const warmupMs = performance.now() - warmStart;
    let reps = 0;
    let fastestMs = Infinity;
    const start = performance.now();
    while (!stop?.aborted && (reps < minReps || (performance.now() - start < budgetMs && reps < maxReps))) {
      const repStart = performance.now();
      const outs = Array.from({ length: batch }, () => tf.matMul(a, b));
      await outs[outs.length - 1]?.data();
      tf.dispose(outs);
      fastestMs = Math.min(fastestMs, performance.now() - repStart);
      reps++;
    }
    // The fastest repetition, not the mean: the probe runs while the page is still loading on a
    // shared 2-core machine, and interference only ever slows a repetition down. (A mean once
    // ranked wasm below webgl here.)
    return { gflops: (batch * 2 * n ** 3) / (fastestMs / 1000) / 1e9, warmupMs };
  } finally {
    a.dispose();
    b.dispose();
  }
}

const TIMED_OUT = Symbol('timed out');

/** Probe order: the GPU last, so a shader compile it leaves running cannot slow the others. */
function probeOrder(candidates: BackendName[]): BackendName[] {
  const order: BackendName[] = ['wasm', 'cpu', 'webgl', 'webgpu'];
  return [...candidates].sort((x, y) => order.indexOf(x) - order.indexOf(y));
}

export async function probeBackends(candidates: BackendName[], options: ProbeOptions = {}): Promise<BackendProbe[]> {
  const { size = 256, budgetMs = 40, deadlineMs = 400, signal, onProgress } = options;
  const ordered = probeOrder(candidates);
  await preloadBackends(ordered, options);
  const out: BackendProbe[] = [];
  for (const [i, backend] of ordered.entries()) {
    signal?.throwIfAborted();
    onProgress?.(i, ordered.length, `Measuring ${backend}`);
    const start = performance.now();
    const probe: BackendProbe = { backend, ok: false, gflops: null, elapsedMs: 0 };
    if (backend === 'webgpu') {
      const report = await describeWebGpu();
      if (report.adapter) probe.adapter = report.adapter;
    }
    const activated = await activateBackend(backend, options);
    const initMs = performance.now() - start;
    probe.initMs = initMs;
    if (activated.ok) {
      const stop = new AbortController();
      const isGpu = backend === 'webgpu' || backend === 'webgl';
      const timing = timeMatmul(size, budgetMs, { batch: isGpu ? 4 : 1, stop: stop.signal });
      timing.catch(() => undefined); // a late failure after the deadline is not an error
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, deadlineMs - initMs));
      });
      try {
        const result = await Promise.race([timing, deadline]);
        if (result === TIMED_OUT) {
          stop.abort();
          const waited = performance.now() - start - initMs;
          // The first matmul (compile + run) had not finished: throughput is below this bound.
          probe.gflops = (2 * size ** 3) / (waited / 1000) / 1e9;
          probe.gflopsIsUpperBound = true;
          probe.warmupMs = waited;
        } else {
          probe.gflops = result.gflops;
          probe.warmupMs = result.warmupMs;
        }
        probe.ok = true;
      } catch (e) {
        probe.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
      } finally {
        clearTimeout(timer);
      }
    } else {
      probe.error = activated.error ?? 'did not initialise';
    }
    probe.elapsedMs = performance.now() - start;
    out.push(probe);
  }
  onProgress?.(ordered.length, ordered.length, 'Measured');
  return out;
}
