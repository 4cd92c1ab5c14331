import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// COOP/COEP make the page cross-origin isolated: SharedArrayBuffer, threaded wasm.
// Any static host serving dist/ should send the same two headers (see README); without them the
// studio still works, with single-thread wasm.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@ffmpeg/ffmpeg', '@ffmpeg/util'] },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 4096 },
});
