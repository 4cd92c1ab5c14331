// TensorFlow.js in the CLI: the wasm backend with its binaries read from node_modules (never
// downloaded), or the pure-JS cpu backend (slow; for checking results against wasm).
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { activateBackend } from '../ml/backend/registry';
import { CliError } from './errors';

export type NodeBackend = 'wasm' | 'cpu';
export const NODE_BACKENDS: readonly NodeBackend[] = ['wasm', 'cpu'];

/** node_modules/@tensorflow/tfjs-backend-wasm/dist/, with the trailing '/' setWasmPaths wants. */
function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

export async function startBackend(name: NodeBackend): Promise<void> {
  let wasmPaths: string | undefined;
  if (name === 'wasm') {
    try {
      wasmPaths = wasmDir();
    } catch (e) {
      throw new CliError('The TensorFlow.js wasm backend is not installed (@tensorflow/tfjs-backend-wasm).', 'Run npm install in the repository, or pass --backend cpu.', { cause: e });
    }
  }
  // Production mode: no debug checks, and no "install tfjs-node" banner on stderr (cpu backend).
  tf.enableProdMode();
  // Single-threaded wasm: the threaded build makes its workers from a bundled closure (registry.ts).
  const result = await activateBackend(name, { ...(wasmPaths !== undefined && { wasmPaths }), wasmMultithread: false });
  if (!result.ok) throw new CliError(`The TensorFlow.js ${name} backend did not start: ${result.error ?? 'unknown reason'}.`, name === 'wasm' ? 'Run npm install again (the wasm binaries come from node_modules), or pass --backend cpu.' : 'Run npm install again.');
}
