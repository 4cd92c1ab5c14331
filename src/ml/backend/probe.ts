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
  /**
   * Keep timing past `budgetMs` while the fastest repetition still improves by > 10% within this
   * many ms (up to `maxMs`). On wasm, V8 first runs baseline (Liftoff) code and tiers up to
   * optimised code in the background; on a busy cold browser that took long enough for a 40 ms
   * window to see only the slow tier (2.5 instead of ~18 GFLOP/s) and rank webgl first.
   */
  settleMs?: number;
  maxMs?: number;
}

/** Whether the timed loop goes on (pure: tested in probe.test.ts). */
export function keepTiming(s: { reps: number; elapsedMs: number; sinceImprovementMs: number }, o: { minReps: number; maxReps: number; budgetMs: number; settleMs: number; maxMs: number }): boolean {
  if (s.reps < o.minReps) return true;
  if (s.reps >= o.maxReps) return false;
  if (s.elapsedMs < o.budgetMs) return true;
  return s.sinceImprovementMs < o.settleMs && s.elapsedMs < o.maxMs;
}

/** Times n×n matmuls on the active backend: GFLOP/s of the fastest timed repetition. */
export async function timeMatmul(n: number, budgetMs: number, options: MatmulTimingOptions = {}): Promise<MatmulTiming> {
  const { minReps = 2, batch = 1, stop, settleMs = 0, maxMs = budgetMs } = options;
  const maxReps = options.maxReps ?? (settleMs > 0 ? 400 : 64);
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
    let improvedAt = start;
    const limits = { minReps, maxReps, budgetMs, settleMs, maxMs };
    while (!stop?.aborted && keepTiming({ reps, elapsedMs: performance.now() - start, sinceImprovementMs: performance.now() - improvedAt }, limits)) {
      const repStart = performance.now();
      const outs = Array.from({ length: batch }, () => tf.matMul(a, b));
      await outs[outs.length - 1]?.data();
      tf.dispose(outs);
      const ms = performance.now() - repStart;
      if (ms < fastestMs * 0.9) improvedAt = performance.now();
      fastestMs = Math.min(fastestMs, ms);
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
      // CPU-side backends may still be tiering up (wasm): time them until the speed settles.
      const timing = timeMatmul(size, budgetMs, isGpu ? { batch: 4, stop: stop.signal } : { stop: stop.signal, settleMs: 60, maxMs: 500 });
      timing.catch(() => undefined); // a late failure after the deadline is not an error
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, (isGpu ? deadlineMs : deadlineMs + 600) - initMs));
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
