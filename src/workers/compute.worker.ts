// Compute worker entry: owns TensorFlow.js so tensor work never blocks the UI thread.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { createComputeHandlers } from './computeHandlers';
import { createMediaHandlers } from './mediaHandlers';
import type { ComputeProtocol } from './computeProtocol';
import { serve } from './rpc';

declare const self: DedicatedWorkerGlobalScope;

const backendHandlers = createComputeHandlers({
    // Served from the app's own origin (no CDN).
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    },
    // Single-thread SIMD: see BackendConfig.wasmMultithread. Never call setThreadsCount above
    // the pthread pool either: it spins forever waiting for threads (tensorflow/tfjs#4957).
    wasmMultithread: false,
});

serve<ComputeProtocol>(self, { ...backendHandlers, ...createMediaHandlers() });
