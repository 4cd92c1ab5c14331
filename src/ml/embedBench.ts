// Embedder throughput per backend (bench/embed via Settings → Benchmark).
import { activateBackend, type BackendConfig } from './backend/registry';
import type { BackendName } from '../core/backendChoice';
import { createDefaultEmbedder } from './embedder';
import { fixtureValues } from '../core/reference/linalg';

export interface EmbedBenchCase {
  backend: BackendName;
  framesPerS: number | null;
  /** First batch: model upload, kernel compile. */
  warmupMs: number | null;
  error?: string;
}

const BATCH = 4;

/**
 * Frames/s of the default embedder on each backend: one warm-up batch, then timed batches for
 * `budgetMs`. A backend whose warm-up exceeds `deadlineMs` is reported without waiting for it
 * (SwiftShader compiles dozens of shaders for MobileNet).
 */
export async function benchEmbedder(backends: BackendName[], config: BackendConfig, budgetMs = 3000, deadlineMs = 60_000, signal?: AbortSignal): Promise<EmbedBenchCase[]> {
  const size = 224;
  const frames = Array.from({ length: BATCH }, (_, i) => Uint8Array.from(fixtureValues(size * size * 3, i + 1), (v) => Math.floor((v + 1) * 127.5)));
  const out: EmbedBenchCase[] = [];
  // The GPU last: its unfinished compile must not slow the others.
  const ordered = [...backends].sort((a, b) => Number(a === 'webgpu') - Number(b === 'webgpu'));
  for (const backend of ordered) {
    signal?.throwIfAborted();
    const activated = await activateBackend(backend, config);
    if (!activated.ok) {
      out.push({ backend, framesPerS: null, warmupMs: null, error: activated.error ?? 'did not initialise' });
      continue;
    }
    try {
      const embedder = await createDefaultEmbedder();
      const t0 = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadlineMs)));
      const first = embedder.embed(frames);
      first.catch(() => undefined);
      const warm = await Promise.race([first, late]);
      clearTimeout(timer);
      if (warm === 'late') {
        out.push({ backend, framesPerS: null, warmupMs: null, error: `first batch of ${BATCH} not done after ${deadlineMs / 1000} s` });
        continue; // the model stays loaded until the worker ends; a warning, not a leak in practice
      }
      const warmupMs = performance.now() - t0;
      let n = 0;
      const start = performance.now();
      while (n < BATCH * 2 || performance.now() - start < budgetMs) {
        signal?.throwIfAborted();
        await embedder.embed(frames);
        n += BATCH;
      }
      out.push({ backend, framesPerS: n / ((performance.now() - start) / 1000), warmupMs });
      embedder.dispose();
    } catch (e) {
      signal?.throwIfAborted();
      out.push({ backend, framesPerS: null, warmupMs: null, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    }
  }
  return out;
}
