// Build of the headless CLI (`npx longvpo`, docs/cli.md): src/cli/main.ts → dist-cli/longvpo.mjs,
// one ESM file for Node with TensorFlow.js bundled in (plain Node ESM cannot import tfjs-core's
// extension-less deep paths such as `dist/register_all_gradients`).
//
// Must: nothing is downloaded at run time. The wasm binaries are read from
// node_modules/@tensorflow/tfjs-backend-wasm/dist and the default model from the `nsfwjs`
// package, which stays external so its 5.7 MB of weights load from node_modules on demand.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  // No public/ copy and no index.html: this is a Node library-style build.
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: false,
  define: { __LONGVPO_VERSION__: JSON.stringify(version) },
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      external: [/^nsfwjs(\/|$)/, /^node:/],
      output: {
        format: 'es',
        entryFileNames: 'longvpo.mjs',
        // Bundled CommonJS (the wasm backend's emscripten glue) calls require('fs') and reads
        // __dirname / __filename, which ESM does not define.
        banner: [
          "import { createRequire as __cliCreateRequire } from 'node:module';",
          "import { dirname as __cliDirname } from 'node:path';",
          "import { fileURLToPath as __cliFileURLToPath } from 'node:url';",
          'const require = __cliCreateRequire(import.meta.url);',
          'const __filename = __cliFileURLToPath(import.meta.url);',
          'const __dirname = __cliDirname(__filename);',
        ].join('\n'),
        codeSplitting: false,
      },
    },
  },
  ssr: { noExternal: true, target: 'node' },
});
