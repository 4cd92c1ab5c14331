// The compute engine's handlers: run in the compute worker, or in-thread (Node tests).
import * as tf from '@tensorflow/tfjs-core';
import { benchBackends } from '../ml/backend/bench';
import { chooseBackend, type BackendChoice, type BackendName } from '../core/backendChoice';
import { probeBackends } from '../ml/backend/probe';
import { activateBackend, candidateBackends, describeWebGpu, preloadBackends, type BackendConfig } from '../ml/backend/registry';
import { selfTestBackend } from '../ml/backend/selfTest';
import { benchEmbedder } from '../ml/embedBench';
import { benchTraining } from '../ml/train/bench';
import type { BackendProtocol, TrainBenchResult } from './computeProtocol';
import type { Handlers } from './rpc';

export function createComputeHandlers(config: BackendConfig, candidates: () => BackendName[] = candidateBackends): Handlers<BackendProtocol> {
  const pick = (list: BackendName[] | 'all') => (list === 'all' ? candidates() : list);

  return {
    async 'backend.select'({ override, remembered }, { signal, progress }): Promise<BackendChoice> {
      if (remembered && override === null) {
        const again = await activateBackend(remembered.backend, config);
        if (again.ok) return { ...remembered, remembered: true };
      }
      const loadStart = performance.now();
      await preloadBackends(candidates(), config);
      const loadMs = performance.now() - loadStart;
      const probes = await probeBackends(candidates(), {
        ...config,
        signal,
        onProgress: (done, total, label) => progress({ done, total, label }),
      });
      const probeMs = probes.reduce((sum, p) => sum + p.elapsedMs, 0);
      const choice: BackendChoice = { ...chooseBackend(probes, override), probeMs, loadMs, measuredAt: Date.now() };
      const activated = await activateBackend(choice.backend, config);
      if (!activated.ok) throw new Error(`${choice.backend} was measured but failed to start again: ${activated.error ?? ''}`);
      return choice;
    },

    async 'backend.selfTest'({ backends, restore }, { signal, progress }) {
      const list = pick(backends);
      const results = [];
      for (const [i, backend] of list.entries()) {
        signal.throwIfAborted();
        progress({ done: i, total: list.length, label: `Self-test on ${backend}` });
        results.push(await selfTestBackend(backend, config));
      }
      await activateBackend(restore, config);
      return results;
    },

    async 'backend.bench'({ backends, restore, matmulSizes, budgetMs }, { signal, progress }) {
      try {
        const cases = await benchBackends({
          ...config,
          backends: pick(backends),
          ...(matmulSizes ? { matmulSizes } : {}),
          ...(budgetMs ? { budgetMs } : {}),
          signal,
          onProgress: (done, total, label) => progress({ done, total, label }),
        });
        return {
          userAgent: globalThis.navigator?.userAgent ?? 'node',
          crossOriginIsolated: Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated),
          cases,
        };
      } finally {
        await activateBackend(restore, config);
      }
    },

    async 'embed.bench'({ backends, restore }, { signal }) {
      try {
        return await benchEmbedder(pick(backends), config, 3000, 60_000, signal);
      } finally {
        await activateBackend(restore, config);
      }
    },

    async 'train.bench'({ backends, restore, steps }, { signal, progress }) {
      const out: TrainBenchResult[] = [];
      const list = pick(backends);
      try {
        for (const [i, backend] of list.entries()) {
          signal.throwIfAborted();
          progress({ done: i, total: list.length, label: backend });
          const activated = await activateBackend(backend, config);
          if (!activated.ok) {
            out.push({ backend, report: null, error: activated.error ?? 'did not initialise' });
            continue;
          }
          try {
            // The software WebGPU adapter takes ~15 s a DPO step: two steps there, more elsewhere.
            out.push({ backend, report: await benchTraining({ steps: steps ?? (backend === 'webgpu' ? 2 : 6) }) });
          } catch (e) {
            out.push({ backend, report: null, error: e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e) });
          }
        }
        return out;
      } finally {
        await activateBackend(restore, config);
      }
    },

    async 'env.describe'() {
      return {
        candidates: candidates(),
        webgpu: await describeWebGpu(),
        crossOriginIsolated: Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated),
        hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 1,
        activeBackend: tf.engine().backendName ?? null,
      };
    },
  };
}
