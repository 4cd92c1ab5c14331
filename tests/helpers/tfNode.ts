// TensorFlow.js in Node tests: the wasm backend's binaries, read from node_modules.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Directory of the tfjs-backend-wasm binaries, with the trailing '/' setWasmPaths wants. */
export const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';

export const NODE_BACKENDS = ['cpu', 'wasm'] as const;
