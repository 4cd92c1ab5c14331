// The headless CLI (issue #5, docs/cli.md) as a user runs it: the built bundle in a child Node
// process. Built once into node_modules/.cache (inside the repository, so the bundle finds
// node_modules as dist-cli does, and a concurrent `npm run build:cli` cannot swap it mid-test);
// commands run in a temporary directory. The small demo world keeps the file near a minute.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClipsJsonl } from '../src/core/clipsJsonl';
import { DEMO_SIZES } from '../src/core/demo';
import { buildWorld } from '../src/core/world';
import { spanFacts } from '../src/core/world/describe';
import { FACT_FEATURES_DIM, FACT_FEATURES_ID, factFeatures } from '../src/core/world/factFeatures';
import { studioJsonl } from '../src/core/triples/exports';
import { exampleTriple } from '../src/core/triples/fixtures';
import { parseTriples } from '../src/core/triples/import';

const ROOT = resolve(__dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'longvpo-cli-test-'));
const BUILD = join(ROOT, 'node_modules', '.cache', `longvpo-cli-test-${process.pid}`);
const CLI = join(BUILD, 'longvpo.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { env?: NodeJS.ProcessEnv; script?: string } = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [options.script ?? CLI, ...args], { cwd: work, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const readLines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');

beforeAll(async () => {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = await run(['build', '--config', join(ROOT, 'vite.cli.config.ts'), '--outDir', BUILD, '--logLevel', 'warn'], { script: vite });
  expect(built.stderr + built.stdout).not.toMatch(/error/i);
  expect(existsSync(CLI)).toBe(true);
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(BUILD, { recursive: true, force: true });
});

describe('longvpo --help', () => {
  it.each([
    [[], ['demo', 'synth', 'validate', 'export', 'import', 'merge', 'shorten', 'refeature', 'reproduce', '--debug']],
    [['shorten'], ['--data <dir>', '--clips <k>', '--out <dir>']],
    [['refeature'], ['<folder>', '--features <form>', '--out <dir>']],
    [['merge'], ['<folders...>', '--out <dir>']],
    [['reproduce'], ['--train-worlds <n>', '--held-out-seed <n>', '--features <kind>', '--sft-questions <form>', '--layout <layout>', '--frame-budget <n>', '--probe-anchors <n>']],
    [['demo'], ['--sft-questions <form>', '--stage2-count <n>', '--partial-share <p>', '--out <dir>', '--size <size>', '--seed <n>', '--fps <n>', '--count <n>', '--threshold <cos>', '--now <iso>', '--backend <name>']],
    [['synth'], ['--stage <n>', '--scenes <file>', '--stage2-count <n>', '--clips <file>', '--annotations <file>', '--oracle <size>', '--out <dir>', '--embedder <id>']],
    [['validate'], ['<file>', 'Exit status']],
    [['export'], ['--format <format>', '"trl"', '"longvpo"', '--studio-columns', '<in>', '<out>']],
    [['import'], ['<in>', '<out>', '--now <iso>']],
  ])('%j exits 0 and lists its options', async (command, expected) => {
    const r = await run([...command, '--help']);
    expect(r.code).toBe(0);
    for (const text of expected) expect(r.stdout).toContain(text);
  });
});

describe('longvpo validate', () => {
  it('exits 0 on a valid file and says how many records it holds', async () => {
    writeFileSync(join(work, 'good.jsonl'), studioJsonl([exampleTriple({ id: 'a' }), exampleTriple({ id: 'b' })]));
    const r = await run(['validate', 'good.jsonl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/good\.jsonl: 2 valid records/);
  });

  it('exits 1 and prints every error with its line number, without a stack trace', async () => {
    const good = JSON.stringify(exampleTriple({ id: 'ok' }));
    const badStage = JSON.stringify({ ...exampleTriple({ id: 'x' }), stage: 3 });
    writeFileSync(join(work, 'bad.jsonl'), [good, '{not json', '', badStage, JSON.stringify(exampleTriple({ id: 'ok' }))].join('\n') + '\n');
    const r = await run(['validate', 'bad.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^bad\.jsonl:2: .*JSON/m);
    expect(r.stderr).toMatch(/^bad\.jsonl:4: .*stage/m);
    expect(r.stderr).toMatch(/^bad\.jsonl:5: .*"ok".*line 1/m);
    expect(r.stderr).not.toMatch(/^bad\.jsonl:1:/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a missing file and the fix in one line; --debug adds the stack', async () => {
    const r = await run(['validate', 'nope.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^longvpo: Triples file nope\.jsonl does not exist\. Check the path/)]);
    const debug = await run(['validate', 'nope.jsonl', '--debug']);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('rejects an unknown option with usage help and exit 1', async () => {
    const r = await run(['demo', '--out', 'x', '--colour', 'red']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown option '--colour'/);
  });
});

describe('longvpo demo (small world)', () => {
  const out = (name: string): string => join(work, name);

  it('writes triples, clips and report; triples validate and cite clips of clips.jsonl; same seed → same bytes', async () => {
    const first = await run(['demo', '--size', 'small', '--seed', '7', '--out', 'demo-a', '--count', '40']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/embedding frames: \d+\/\d+ frames \([\d.]+ frames\/s/);
    expect(readdirSync(out('demo-a')).sort()).toEqual(expect.arrayContaining(['clips.jsonl', 'report.json', 'scenes.jsonl', 'triples.jsonl']));

    const text = readFileSync(join(out('demo-a'), 'triples.jsonl'), 'utf8');
    const parsed = parseTriples(text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
    expect(parsed.format).toBe('studio');
    expect(parsed.triples.length).toBeGreaterThan(5);

    const clips = parseClipsJsonl(readFileSync(join(out('demo-a'), 'clips.jsonl'), 'utf8'));
    if (!clips.ok) throw new Error(JSON.stringify(clips.errors.slice(0, 3)));
    expect(clips.dim).toBe(1792);
    const ids = new Set(clips.clips.map((c) => c.id));
    const sceneIds = new Set(readLines(join(out('demo-a'), 'scenes.jsonl')).map((l) => (JSON.parse(l) as { id: string }).id));
    for (const t of parsed.triples) {
      for (const c of t.clips) expect((t.stage === 1 ? ids : sceneIds).has(c.id), c.id).toBe(true);
      expect(t.provenance.created_at).toBe('2000-01-01T00:00:00.000Z');
      expect(t.provenance.seed).toBe(7);
      // The filter's measured value is consistent with the embeddings written out.
      if (t.stage === 1) expect(t.filters.max_distractor_similarity).toBeLessThanOrEqual(t.filters.similarity_threshold ?? 1);
    }
    // Stage 2 follows Stage 1 in the same file; report.json counts it per task type, strategy and discard reason.
    const stage2 = parsed.triples.filter((t) => t.stage === 2);
    expect(parsed.triples.slice(parsed.triples.length - stage2.length).every((t) => t.stage === 2)).toBe(true);
    expect(stage2.length).toBeGreaterThan(3);
    const s2 = (JSON.parse(readFileSync(join(out('demo-a'), 'report.json'), 'utf8')) as { stage2: { produced: number; byTaskType: Record<string, number>; byStrategy: Record<string, number>; discarded: Record<string, number> } }).stage2;
    expect(s2.produced).toBe(stage2.length);
    expect(Object.values(s2.byTaskType).reduce((a, b) => a + b, 0)).toBe(stage2.length);
    expect((s2.byStrategy.partial_evidence ?? 0) + (s2.byStrategy.irrelevance ?? 0)).toBe(stage2.length);
    expect(Object.keys(s2.discarded)).toEqual(expect.arrayContaining(['duplicate', 'no_citation', 'unknown_scene', 'rejected_equals_chosen']));
    for (const t of stage2) expect(t.relevant_clips!.length).toBeGreaterThanOrEqual(2);
    for (const line of readLines(join(out('demo-a'), 'clips.jsonl'))) expect(Object.keys(JSON.parse(line) as object)).toEqual(expect.arrayContaining(['id', 'video', 'start_s', 'end_s', 'embedding']));

    const report = JSON.parse(readFileSync(join(out('demo-a'), 'report.json'), 'utf8')) as { stage1: { produced: number; discarded: Record<string, number>; positionHistogram: number[] }; timings_ms: { embed: number } };
    expect(report.stage1.produced).toBe(parsed.triples.length - stage2.length);
    expect(report.stage1.positionHistogram.reduce((a, b) => a + b, 0)).toBe(report.stage1.produced);
    expect(Object.keys(report.stage1.discarded)).toContain('no_dissimilar_distractor');
    expect(report.timings_ms.embed).toBeGreaterThan(0);

    const validated = await run(['validate', join(out('demo-a'), 'triples.jsonl')]);
    expect(validated.code).toBe(0);

    const second = await run(['demo', '--size', 'small', '--seed', '7', '--out', 'demo-b', '--count', '40', '--quiet']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toBe('');
    expect(readFileSync(join(out('demo-b'), 'triples.jsonl'))).toEqual(readFileSync(join(out('demo-a'), 'triples.jsonl')));
    expect(readFileSync(join(out('demo-b'), 'clips.jsonl'))).toEqual(readFileSync(join(out('demo-a'), 'clips.jsonl')));
  }, 150_000);

  it('--features facts: clips carry the world’s ground truth under the oracle id; scenes are the pixel embedder’s', async () => {
    const r = await run(['demo', '--size', 'small', '--seed', '7', '--out', 'demo-facts', '--count', '40', '--quiet', '--features', 'facts']);
    expect(r.code, r.stderr).toBe(0);
    const clips = parseClipsJsonl(readFileSync(join(out('demo-facts'), 'clips.jsonl'), 'utf8'));
    if (!clips.ok) throw new Error(JSON.stringify(clips.errors.slice(0, 3)));
    expect(clips.dim).toBe(FACT_FEATURES_DIM);
    const world = buildWorld({ ...DEMO_SIZES.small.config, seed: 7 });
    const first = clips.clips[0]!;
    const video = world.videos.find((v) => v.id === first.videoId)!;
    const want = factFeatures(spanFacts(world, video, first.startS, first.endS), world.config.width / world.config.height);
    expect(Array.from(first.embedding)).toEqual(Array.from(want).map((x) => expect.closeTo(x, 5)));
    const report = JSON.parse(readFileSync(join(out('demo-facts'), 'report.json'), 'utf8')) as { embedder: { id: string; pixels: string } };
    expect(report.embedder.id).toBe(FACT_FEATURES_ID);
    expect(report.embedder.pixels).not.toBe(FACT_FEATURES_ID);
    // The scene cuts (and so the Stage 2 material) are the pixel embedder's: the same as without facts.
    expect(readFileSync(join(out('demo-facts'), 'scenes.jsonl'), 'utf8')).toBe(readFileSync(join(out('demo-a'), 'scenes.jsonl'), 'utf8'));
    for (const t of readLines(join(out('demo-facts'), 'triples.jsonl')).map((l) => JSON.parse(l) as { stage: number; filters: { embedder?: string } })) if (t.stage === 1) expect(t.filters.embedder).toBe(FACT_FEATURES_ID);
  }, 150_000);

  it('merge: folders of one embedder become one (every line kept, counted per source); repeated ids and mixed embedders are refused', async () => {
    // A second folder: demo-a with every id renamed (as another world's would differ).
    mkdirSync(out('renamed'));
    for (const f of ['clips.jsonl', 'scenes.jsonl', 'sft.jsonl', 'triples.jsonl'])
      writeFileSync(join(out('renamed'), f), readLines(join(out('demo-a'), f)).map((l) => JSON.stringify({ ...(JSON.parse(l) as object), id: `other-${(JSON.parse(l) as { id: string }).id}` })).join('\n') + '\n');
    const r = await run(['merge', '--out', 'merged', 'demo-a', 'renamed']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('merged');
    for (const f of ['clips.jsonl', 'scenes.jsonl', 'sft.jsonl', 'triples.jsonl']) expect(readLines(join(out('merged'), f)), f).toEqual([...readLines(join(out('demo-a'), f)), ...readLines(join(out('renamed'), f))]);
    const report = JSON.parse(readFileSync(join(out('merged'), 'report.json'), 'utf8')) as { command: string; sources: { dir: string; seed?: number }[]; embedder: { dim: number } };
    expect(report.command).toBe('merge');
    expect(report.sources.map((s) => [s.dir, s.seed])).toEqual([['demo-a', 7], ['renamed', undefined]]);
    expect(report.embedder.dim).toBe(1792);
    const twice = await run(['merge', '--out', 'merged2', 'demo-a', 'demo-a']);
    expect([twice.code, twice.stderr.trim()]).toEqual([1, 'longvpo: demo-a is named twice. Name each folder once.']);
    const mixed = await run(['merge', '--out', 'merged2', 'demo-a', 'demo-facts']);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/^longvpo: demo-facts is embedded with oracle:world-facts-v1 \(541-d, 1 token per clip\), but demo-a with .*Merge folders made with the same embedder/);
    expect(existsSync(out('merged2'))).toBe(false);
  }, 60_000);

  it('shorten: every Stage 1 composite cut to its anchor and K − 1 of its distractors; the rest copied; deterministic for a seed', async () => {
    const r = await run(['shorten', '--data', 'demo-a', '--clips', '2', '--out', 'demo-a-2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('demo-a-2');
    for (const f of ['clips.jsonl', 'scenes.jsonl', 'sft.jsonl']) expect(readFileSync(join(out('demo-a-2'), f), 'utf8'), f).toBe(readFileSync(join(out('demo-a'), f), 'utf8'));
    type T = { id: string; stage: number; video: string[]; clips: { id: string }[]; anchor_index?: number; question: string; chosen: string; rejected: string };
    const before = readLines(join(out('demo-a'), 'triples.jsonl')).map((l) => JSON.parse(l) as T);
    const after = readLines(join(out('demo-a-2'), 'triples.jsonl')).map((l) => JSON.parse(l) as T);
    expect(after.map((t) => t.id)).toEqual(before.map((t) => t.id));
    const stage1 = before.filter((t) => t.stage === 1);
    expect(stage1.length).toBeGreaterThan(5);
    const slots = new Set<number>();
    after.forEach((t, i) => {
      const was = before[i] as T;
      if (t.stage !== 1) return expect(t).toEqual(was);
      expect(t.clips).toHaveLength(2);
      expect(t.video).toEqual(t.clips.map((c) => c.id));
      expect(t.clips[t.anchor_index as number]).toEqual(was.clips[was.anchor_index as number]);
      const other = t.clips[1 - (t.anchor_index as number)] as { id: string };
      expect(was.clips.filter((_, j) => j !== was.anchor_index).map((c) => c.id)).toContain(other.id);
      expect([t.question, t.chosen, t.rejected]).toEqual([was.question, was.chosen, was.rejected]);
      slots.add(t.anchor_index as number);
    });
    expect([...slots].sort()).toEqual([0, 1]);
    const report = JSON.parse(readFileSync(join(out('demo-a-2'), 'report.json'), 'utf8')) as { shortened: number; stage2: number; embedder: unknown };
    expect(report.shortened).toBe(stage1.length);
    expect(report.embedder).toEqual((JSON.parse(readFileSync(join(out('demo-a'), 'report.json'), 'utf8')) as { embedder: unknown }).embedder);
    expect(report.stage2).toBe(before.length - stage1.length);
    // The same seed gives the same folder; the triples validate and train.
    expect((await run(['shorten', '--data', 'demo-a', '--clips', '2', '--out', 'demo-a-2b', '--quiet'])).code).toBe(0);
    expect(readFileSync(join(out('demo-a-2b'), 'triples.jsonl'), 'utf8')).toBe(readFileSync(join(out('demo-a-2'), 'triples.jsonl'), 'utf8'));
    expect((await run(['validate', join('demo-a-2', 'triples.jsonl')])).code).toBe(0);
    const same = await run(['shorten', '--data', 'demo-a', '--clips', '2', '--out', 'demo-a']);
    expect([same.code, same.stderr.trim()]).toEqual([1, 'longvpo: --out demo-a is the folder being read. Write the shortened copy to a new folder.']);
  }, 60_000);

  it('refeature: a demo folder’s clips rewritten from the ground truth are the clips `demo --features facts` writes; other files copied; a merged folder is refused', async () => {
    const r = await run(['refeature', '--features', 'facts', '--out', 'demo-a-facts', 'demo-a']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('demo-a-facts');
    expect(r.stderr).toMatch(/refeature: \d+ clips of demo world 7 → demo-a-facts \(oracle:world-facts-v1\)/);
    expect(readFileSync(join(out('demo-a-facts'), 'clips.jsonl'), 'utf8')).toBe(readFileSync(join(out('demo-facts'), 'clips.jsonl'), 'utf8'));
    for (const f of ['scenes.jsonl', 'sft.jsonl', 'triples.jsonl']) expect(readFileSync(join(out('demo-a-facts'), f), 'utf8'), f).toBe(readFileSync(join(out('demo-a'), f), 'utf8'));
    const report = JSON.parse(readFileSync(join(out('demo-a-facts'), 'report.json'), 'utf8')) as { seed: number; embedder: { id: string; dim: number; pixels: string } };
    expect([report.seed, report.embedder.id, report.embedder.dim]).toEqual([7, FACT_FEATURES_ID, FACT_FEATURES_DIM]);
    const tokens = await run(['refeature', '--features', 'fact-tokens', '--out', 'demo-a-tokens', 'demo-a', '--quiet']);
    expect(tokens.code, tokens.stderr).toBe(0);
    const tokenClips = parseClipsJsonl(readFileSync(join(out('demo-a-tokens'), 'clips.jsonl'), 'utf8'));
    expect(tokenClips.ok && tokenClips.tokens).toBe(6);
    const self = await run(['refeature', '--features', 'facts', '--out', './demo-a/', 'demo-a']);
    expect([self.code, self.stderr.trim()]).toEqual([1, 'longvpo: --out ./demo-a/ is the folder to rewrite. Write the rewrite to a new folder.']);
    const merged = await run(['refeature', '--features', 'facts', '--out', 'nope', 'merged']);
    expect(merged.code).toBe(1);
    expect(merged.stderr).toMatch(/^longvpo: merged was not written by `longvpo demo`.*refeature each of its worlds, then merge them/);
    expect(existsSync(out('nope'))).toBe(false);
    const half = await run(['refeature', '--features', 'fact-background', '--out', 'nope', 'demo-a']);
    expect(half.code).toBe(1);
    expect(half.stderr).toMatch(/^longvpo: --features fact-background replaces half of a clip's measured object tokens, but demo-a holds .* vectors.*longvpo demo --features objects/);
    expect(existsSync(out('nope'))).toBe(false);
  }, 60_000);

  it('--sft-questions both: each SFT question that has a clip-only form is also asked without its background anchor; report.json says so', async () => {
    const r = await run(['demo', '--size', 'small', '--seed', '7', '--out', 'demo-both', '--count', '40', '--quiet', '--sft-questions', 'both']);
    expect(r.code, r.stderr).toBe(0);
    const anchored = readLines(join(out('demo-a'), 'sft.jsonl')).map((l) => JSON.parse(l) as { id: string; question: string; answer: string });
    const both = readLines(join(out('demo-both'), 'sft.jsonl')).map((l) => JSON.parse(l) as { id: string; question: string; answer: string });
    const extra = both.filter((l) => l.id.endsWith('-clip'));
    expect(both.filter((l) => !l.id.endsWith('-clip'))).toEqual(anchored);
    expect(extra.length).toBeGreaterThan(anchored.length / 4);
    for (const l of extra) expect(l.question, l.id).not.toMatch(/background,/);
    const report = JSON.parse(readFileSync(join(out('demo-both'), 'report.json'), 'utf8')) as { features: string; sft: { questions: string; clipOnly: number; samples: number } };
    expect([report.features, report.sft.questions, report.sft.clipOnly, report.sft.samples]).toEqual(['mobilenet', 'both', extra.length, both.length]);
    // The triples do not depend on the SFT wording.
    expect(readFileSync(join(out('demo-both'), 'triples.jsonl'), 'utf8')).toBe(readFileSync(join(out('demo-a'), 'triples.jsonl'), 'utf8'));
  }, 150_000);

  it('synth on the demo’s clips.jsonl with the same oracle and seed rebuilds the same triples', async () => {
    const r = await run(['synth', '--clips', join('demo-a', 'clips.jsonl'), '--oracle', 'small', '--seed', '7', '--count', '40', '--out', 'synth', '--now', '2000-01-01T00:00:00Z', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const demoLines = readLines(join(out('demo-a'), 'triples.jsonl'));
    expect(readLines(join(out('synth'), 'triples.jsonl'))).toEqual(demoLines.filter((l) => l.includes('"stage":1,')));
  }, 60_000);

  it('synth --stage 2 on the demo’s scenes.jsonl with the same oracle and seed rebuilds the same Stage 2 triples', async () => {
    const r = await run(['synth', '--stage', '2', '--scenes', join('demo-a', 'scenes.jsonl'), '--oracle', 'small', '--seed', '7', '--min-video-s', '60', '--out', 'synth2', '--now', '2000-01-01T00:00:00Z', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const stage2 = readLines(join(out('demo-a'), 'triples.jsonl')).filter((l) => l.includes('"stage":2,'));
    expect(stage2.length).toBeGreaterThan(0);
    expect(readLines(join(out('synth2'), 'triples.jsonl'))).toEqual(stage2);
    // The core default (2 minutes) leaves the small world's 75-s long video out, and says so.
    const strict = await run(['synth', '--stage', '2', '--scenes', join('demo-a', 'scenes.jsonl'), '--oracle', 'small', '--seed', '7', '--out', 'synth2b']);
    expect(strict.code, strict.stderr).toBe(0);
    expect(strict.stderr).toMatch(/0 of 200 Stage 2 triples .*too_short 9/);
  }, 60_000);

  it('synth --stage 2 --stage2-rejected guess: the same queries, y− of the full form where the honest one says "not seen"; refused without the oracle', async () => {
    const args = ['synth', '--stage', '2', '--scenes', join('demo-a', 'scenes.jsonl'), '--oracle', 'small', '--seed', '7', '--min-video-s', '60', '--now', '2000-01-01T00:00:00Z', '--quiet'];
    const r = await run([...args, '--stage2-rejected', 'guess', '--out', 'synth2g']);
    expect(r.code, r.stderr).toBe(0);
    type T = { question: string; chosen: string; rejected: string };
    const parse = (dir: string): T[] => readLines(join(out(dir), 'triples.jsonl')).map((l) => JSON.parse(l) as T);
    const honest = parse('synth2');
    const guessed = parse('synth2g');
    const absent = /not seen|No object is seen|does not return|^0|Neither is seen|None of them/;
    expect(honest.some((t) => absent.test(t.rejected))).toBe(true);
    expect(guessed.length).toBeGreaterThan(0);
    for (const t of guessed) {
      expect(t.rejected, t.question).not.toMatch(absent);
      expect(t.rejected).not.toBe(t.chosen);
    }
    // The chosen answers are the truth either way: a question both kept has the same y+.
    const truth = new Map(honest.map((t) => [t.question, t.chosen]));
    const shared = guessed.filter((t) => truth.has(t.question));
    expect(shared.length).toBeGreaterThan(0);
    for (const t of shared) expect(t.chosen).toBe(truth.get(t.question));
    const report = JSON.parse(readFileSync(join(out('synth2g'), 'report.json'), 'utf8')) as { generator: string; stage2: { rejected: string } };
    expect(report.stage2.rejected).toBe('guess');
    expect(report.generator).toMatch(/degraded answers guessed/);
    // An annotations file brings its own y−: the flag is refused there, by name.
    writeFileSync(join(work, 'no-annotations.jsonl'), '');
    const refused = await run(['synth', '--stage', '2', '--scenes', join('demo-a', 'scenes.jsonl'), '--annotations', 'no-annotations.jsonl', '--stage2-rejected', 'guess', '--out', 'synth2h']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--stage2-rejected guess sets how the demo-world oracle writes y−/);
  }, 60_000);

  it('synth --stage 2 refuses a scene list with overlapping or unknown scenes, naming the lines', async () => {
    const scenes = readLines(join(out('demo-a'), 'scenes.jsonl')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const long = scenes.filter((s) => String(s.video).includes('long'));
    const bad = [long[0], { ...long[1], start_s: Number(long[0]!.end_s) - 5 }, { ...long[1], video: 'holiday.mp4', id: 'x' }].map((s) => JSON.stringify(s));
    writeFileSync(join(work, 'bad-scenes.jsonl'), bad.join('\n') + '\n');
    const r = await run(['synth', '--stage', '2', '--scenes', 'bad-scenes.jsonl', '--oracle', 'small', '--seed', '7', '--out', 'synth2c']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bad-scenes\.jsonl:2: .*overlaps/m);
    expect(r.stderr).toMatch(/^bad-scenes\.jsonl:3: .*"holiday\.mp4" is not in the library/m);
    expect(existsSync(out('synth2c'))).toBe(false);
  }, 60_000);

  it('synth on user clips and imported annotations writes valid triples of those clips', async () => {
    const colours = ['red', 'green', 'blue', 'yellow', 'white', 'black'];
    const clips = colours.map((_, k) => ({ id: `v${k >> 1}.mp4|${k % 2}`, video: `v${k >> 1}.mp4`, start_s: (k % 2) * 8, end_s: (k % 2) * 8 + 8, embedding: [1, 0, 0, 0].map((_, d) => (d === k % 4 ? 1 : d === (k + 1) % 4 ? 0.3 : 0)) }));
    const annotations = clips.map((c, k) => ({ video: c.video, start_s: c.start_s, end_s: c.end_s, qa: [{ question: 'What colour is the ball?', answer: `${colours[k]}.` }] }));
    writeFileSync(join(work, 'user-clips.jsonl'), clips.map((c) => JSON.stringify(c)).join('\n') + '\n');
    writeFileSync(join(work, 'user-ann.jsonl'), annotations.map((a) => JSON.stringify(a)).join('\n') + '\n');
    const args = ['synth', '--clips', 'user-clips.jsonl', '--annotations', 'user-ann.jsonl', '--frame-budget', '16', '--frames-per-clip', '8', '--count', '6', '--sft-share', '0'];
    // --sft-share 0: every clip may anchor (by default half are kept for SFT, as in demo and the browser).
    // Every distractor has the anchor's question with another answer: that is its y-, and the
    // imported judge still finds the question specific to the anchor (no other clip gives its answer).
    for (const [out, extra] of [['user-strict', []], ['user', ['--no-specificity']]] as const) {
      const r = await run([...args, '--out', out, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      const parsed = parseTriples(readFileSync(join(work, out, 'triples.jsonl'), 'utf8'));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
      expect(parsed.triples).toHaveLength(6);
      for (const t of parsed.triples) {
        expect(t.provenance.generator).toBe('imported');
        expect(t.chosen).not.toBe(t.rejected);
        expect(t.filters.specificity?.specific).toBe(out === 'user-strict' ? true : undefined);
        for (const c of t.clips) expect(clips.map((x) => x.id)).toContain(c.id);
      }
    }
    // Every clip with the anchor's own answer: no sample survives (y- would equal y+).
    const twin = annotations.map((a) => ({ ...a, qa: [{ question: 'What colour is the ball?', answer: 'Red.' }] }));
    writeFileSync(join(work, 'user-twin.jsonl'), twin.map((a) => JSON.stringify(a)).join('\n') + '\n');
    const same = await run(['synth', '--clips', 'user-clips.jsonl', '--annotations', 'user-twin.jsonl', '--frame-budget', '16', '--frames-per-clip', '8', '--count', '6', '--sft-share', '0', '--out', 'user-twin']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toMatch(/0 of 6 triples: .*rejected_equals_chosen 6/);
  }, 60_000);

  it('synth names a bad clips.jsonl line and exits 1', async () => {
    writeFileSync(join(work, 'bad-clips.jsonl'), '{"id": "a", "video": "v", "start_s": 0, "end_s": 8, "embedding": [1, 0]}\n{"id": "b", "video": "v", "start_s": 0, "end_s": 8}\n');
    const r = await run(['synth', '--clips', 'bad-clips.jsonl', '--annotations', 'user-ann.jsonl', '--out', 'never']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bad-clips\.jsonl:2: embedding must be a non-empty array/m);
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('exports TRL and LongVPO rows; importing the LongVPO rows gives valid studio triples', async () => {
    const src = join('demo-a', 'triples.jsonl');
    const trl = await run(['export', '--format', 'trl', src, '-', '--quiet']);
    expect(trl.code, trl.stderr).toBe(0);
    const row = JSON.parse(trl.stdout.split('\n')[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(row)).toEqual(['id', 'prompt', 'chosen', 'rejected', 'clips']);

    expect((await run(['export', '--format', 'longvpo', '--studio-columns', src, 'rows.jsonl'])).code).toBe(0);
    const imported = await run(['import', 'rows.jsonl', 'back.jsonl', '--now', '2026-01-01T00:00:00Z']);
    expect(imported.code, imported.stderr).toBe(0);
    const back = parseTriples(readFileSync(join(work, 'back.jsonl'), 'utf8'));
    expect(back.ok && back.triples.length).toBe(readLines(join(work, 'rows.jsonl')).length);
  }, 60_000);

  it('Ctrl-C while embedding cancels with exit 130 and writes nothing', async () => {
    const child = spawn(process.execPath, [CLI, 'demo', '--size', 'small', '--out', 'cancelled'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/embedding frames/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/cancelled; no output was written/);
    expect(existsSync(out('cancelled'))).toBe(false);
  }, 60_000);
});

describe('longvpo heatmap', () => {
  it('draws eval files as one SVG, a panel per run named by its folder; a file without the cells is refused by name', async () => {
    const cell = (correct: number, n: number) => ({ n, correct, accuracy: correct / n, ci95: [0, 1] });
    const evalOf = (xs: number[]) => ({ summed: { byLengthPosition: { '1': [cell(7, 10)], '16': xs.map((c) => cell(c, 10)) } }, length_normalised: { byLengthPosition: { '16': [cell(1, 10)] } } });
    for (const [r, xs] of [['sft', [4, 3, 2, 5]], ['stage1', [6, 6, 5, 6]]] as const) {
      mkdirSync(join(work, 'hm', 'runs', r), { recursive: true });
      writeFileSync(join(work, 'hm', 'runs', r, 'eval.json'), JSON.stringify(evalOf([...xs])));
    }
    const r = await run(['heatmap', 'hm/runs/sft/eval.json', 'hm/runs/stage1/eval.json', '--out', 'hm/heat.svg']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('hm/heat.svg: 2 panels (sft, stage1)\n');
    const svg = readFileSync(join(work, 'hm', 'heat.svg'), 'utf8');
    expect([...svg.matchAll(/data-title="([^"]+)"/g)].map((m) => m[1])).toEqual(['sft', 'stage1']);
    expect(svg.match(/<g class="cell">/g)).toHaveLength(10);
    expect(svg).toContain('>60.0</text></g>');
    const labelled = await run(['heatmap', 'hm/runs/sft/eval.json', '--scoring', 'per-token', '--labels', 'SFT', '--out', '-']);
    expect(labelled.code, labelled.stderr).toBe(0);
    expect(labelled.stdout).toContain('data-title="SFT"');
    expect(labelled.stdout.match(/<g class="cell">/g)).toHaveLength(1);
    writeFileSync(join(work, 'hm', 'other.json'), JSON.stringify({ by_length: { '16': 0.5 } }));
    const bad = await run(['heatmap', 'hm/other.json', '--out', 'hm/bad.svg']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/hm\/other\.json cannot be drawn: it has no summed\.byLengthPosition/);
    expect(existsSync(join(work, 'hm', 'bad.svg'))).toBe(false);
  });
});

describe('bin/longvpo.mjs', () => {
  it('runs the CLI from the repository (building it if needed)', async () => {
    const r = await run(['--version'], { script: join(ROOT, 'bin', 'longvpo.mjs') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  }, 120_000);
});
