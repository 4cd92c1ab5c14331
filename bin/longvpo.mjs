#!/usr/bin/env node
// Launcher of the headless CLI (docs/cli.md): runs dist-cli/longvpo.mjs, building it first with
// vite.cli.config.ts when it is missing or older than a file under src/ (set LONGVPO_NO_BUILD=1
// to skip that check). Plain JavaScript so `npx longvpo` needs no TypeScript loader.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist-cli', 'longvpo.mjs');

/** Newest modification time of the files under `dir` (ms). */
function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

function stale() {
  if (!existsSync(built)) return 'dist-cli/longvpo.mjs is missing';
  if (process.env.LONGVPO_NO_BUILD === '1' || !existsSync(join(root, 'src'))) return null;
  const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'vite.cli.config.ts')).mtimeMs, statSync(join(root, 'package.json')).mtimeMs);
  return sources > statSync(built).mtimeMs ? 'sources changed since it was built' : null;
}

const reason = stale();
if (reason) {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    process.stderr.write(`longvpo: ${reason} and vite is not installed to build it. Run npm install, then npm run build:cli.\n`);
    process.exit(1);
  }
  process.stderr.write(`longvpo: ${reason}; building it (npm run build:cli)…\n`);
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'vite.cli.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 2, 2] }); // stdout stays the command's
  if (result.status !== 0) {
    process.stderr.write('longvpo: the CLI build failed (messages above). Fix the error, then run npm run build:cli.\n');
    process.exit(1);
  }
}
await import(pathToFileURL(built).href);
