// The UI's handle on the compute worker.
import { COMPUTE_METHODS, type ComputeProtocol } from './computeProtocol';
import { workerEngine, type Engine } from './rpc';

export type ComputeEngine = Engine<ComputeProtocol>;

let engine: ComputeEngine | null = null;

export function computeEngine(): ComputeEngine {
  if (!engine) {
    const worker = new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'compute' });
    engine = workerEngine<ComputeProtocol>(worker, COMPUTE_METHODS);
  }
  return engine;
}
