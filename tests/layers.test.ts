// Imports point downwards (STYLE.md): app → ui → state → workers → storage/media/ml → core.
// core is pure: no React, DOM, tfjs, idb or ffmpeg. This test reads the sources, so it fails the
// moment a file crosses a line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? '',
  );
}

/** Code with comments and string literals removed, to look for global names. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/(['"`])(?:\\.|(?!\1)[^\\])*\1/g, '""');
}

// cli (the headless `longvpo` command) sits on top beside app, but reaches only core, ml and net.
const LAYER_RANK: Record<string, number> = { core: 0, ml: 1, media: 1, storage: 1, net: 1, workers: 2, state: 3, ui: 4, app: 5, cli: 6 };

function layerOf(file: string): string {
  return relative(SRC, file).split(sep)[0] ?? '';
}

const files = sourceFiles(SRC);

/**
 * What core may import besides core: the JSON Schema validator (pure JS, no DOM; issue #5) and
 * the published JSON Schemas under /schemas, which core validates imports against.
 */
const CORE_ALLOWED = [/^ajv\/dist\/2020\.js$/];
const SCHEMAS_DIR = resolve(__dirname, '../schemas');
function isPublishedSchema(file: string, specifier: string): boolean {
  return specifier.endsWith('.schema.json') && dirname(resolve(file, '..', specifier)) === SCHEMAS_DIR;
}

describe('layers', () => {
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(Object.keys(LAYER_RANK)).toContain(layerOf(f));
  });

  it('core imports nothing but core: no React, DOM, tfjs, idb, zustand or ffmpeg', () => {
    const bad = files
      .filter((f) => layerOf(f) === 'core')
      .flatMap((f) =>
        imports(f)
          .filter((i) => (i.startsWith('.') ? layerOf(resolve(f, '..', i)) !== 'core' && !isPublishedSchema(f, i) : !CORE_ALLOWED.some((re) => re.test(i))))
          .map((i) => `${relative(SRC, f)} imports ${i}`),
      );
    expect(bad).toEqual([]);
  });

  it('core uses no browser globals', () => {
    const globals = /\b(window|document|navigator|indexedDB|localStorage|sessionStorage|HTMLElement|Worker|fetch)\b/;
    const bad = files.filter((f) => layerOf(f) === 'core' && globals.test(code(f))).map((f) => relative(SRC, f));
    expect(bad).toEqual([]);
  });

  it('every relative import points down (or sideways within a layer)', () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = layerOf(f);
      for (const i of imports(f).filter((x) => x.startsWith('.') && !isPublishedSchema(f, x))) {
        const to = layerOf(resolve(f, '..', i));
        const ok = to === from || (LAYER_RANK[to] ?? 99) < (LAYER_RANK[from] ?? -1);
        if (!ok) bad.push(`${relative(SRC, f)} (${from}) imports ${i} (${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('ml has no React, DOM or IndexedDB', () => {
    const bad = files
      .filter((f) => layerOf(f) === 'ml')
      .flatMap((f) => imports(f).filter((i) => /^(react|react-dom|zustand|idb)(\/|$)/.test(i)).map((i) => `${relative(SRC, f)} imports ${i}`));
    expect(bad).toEqual([]);
    expect(files.filter((f) => layerOf(f) === 'ml' && /\b(document|window)\./.test(code(f))).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('cli imports only core, ml and net: no UI, state, workers, storage or media', () => {
    const bad = files
      .filter((f) => layerOf(f) === 'cli')
      .flatMap((f) =>
        imports(f)
          .filter((i) => (i.startsWith('.') ? !['cli', 'core', 'ml', 'net'].includes(layerOf(resolve(f, '..', i))) : /^(react|react-dom|zustand|idb|mediabunny|@ffmpeg)(\/|$)/.test(i)))
          .map((i) => `${relative(SRC, f)} imports ${i}`),
      );
    expect(bad).toEqual([]);
  });

  it('only the backend registry imports TensorFlow.js backend packages', () => {
    const importers = files.filter((f) => imports(f).some((i) => i.startsWith('@tensorflow/tfjs-backend-') && !i.endsWith('?url'))).map((f) => relative(SRC, f));
    expect(importers).toEqual([join('ml', 'backend', 'registry.ts')]);
  });
});
