// Node benchmarks run through Vitest's module runner (not part of `npm test`).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['bench/**/*.bench.ts'], environment: 'node', reporters: ['default'], silent: false },
});
