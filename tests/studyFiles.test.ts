// Which evaluations a study (reproduce, ablate) keeps on a rerun: only those of the current probe
// version at the lengths asked for; anything else is re-evaluated, since its items would not pair.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROBE_VERSION } from '../src/core/eval/probe';
import { currentEval } from '../src/cli/reproduce';

describe('currentEval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longvpo-current-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, probe: unknown): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify({ probe }));
    return file;
  };

  it('keeps an evaluation of this probe version at the same lengths', async () => {
    expect(await currentEval(write('a.json', { version: PROBE_VERSION, settings: { lengths: [1, 16, 32] } }), '1,16,32')).toBe(true);
    expect(await currentEval(write('a2.json', { version: PROBE_VERSION, settings: { lengths: [1, 16, 32] } }), '1, 16, 32')).toBe(true);
  });

  it('re-evaluates one of another probe version, of no version, at other lengths, or missing', async () => {
    expect(await currentEval(write('b.json', { version: PROBE_VERSION - 1, settings: { lengths: [1, 16, 32] } }), '1,16,32')).toBe(false);
    expect(await currentEval(write('c.json', { settings: { lengths: [1, 16, 32] } }), '1,16,32')).toBe(false);
    expect(await currentEval(write('d.json', { version: PROBE_VERSION, settings: { lengths: [1, 4, 8, 16, 32] } }), '1,16,32')).toBe(false);
    expect(await currentEval(write('e.json', { version: PROBE_VERSION, settings: { lengths: [1, 16] } }), '1,16,32')).toBe(false);
    expect(await currentEval(join(dir, 'missing.json'), '1,16,32')).toBe(false);
  });
});
