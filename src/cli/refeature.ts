// `longvpo refeature --features facts|fact-tokens --out DIR SRC`: a demo data folder with every
// clip vector rewritten from the demo world's ground truth (the oracle diagnostic of `demo
// --features`), the other files copied as they are. A world costs minutes to render and embed,
// its rewrite a second: a study's worlds can then be measured with the answers in the input
// without making them again (docs/results.md, "Many training worlds"). The SFT questions and the
// triples stay those of the source, so the two forms differ in the clip vectors alone.
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { clipsJsonl, parseClipsJsonl } from '../core/clipsJsonl';
import { DEMO_SIZES, type DemoSize } from '../core/demo';
import { OBJECT_TOKEN_DIM, OBJECT_TOKENS_ID } from '../core/objectTokens';
import { FACT_FORMS, FACT_TOKENS, HALF_FACT_FORMS, halfFactId, isHalfFactForm, withFactFeatures, withHalfFacts, type FactForm, type HalfFactForm } from '../core/world/factFeatures';
import type { CliContext } from './context';
import { demoWorld } from './demo';
import { CliError, FileProblemsError } from './errors';
import { exists, readText, writeOutputs } from './io';
import { MERGED_FILES } from './merge';
import { note } from './progress';

interface DemoReport {
  command?: string;
  seed?: unknown;
  size?: unknown;
  embedder?: { id?: string; dim?: number; tokens?: number; pixels?: string };
}

/** Rewrites `src`'s clip vectors in `form` into `out` (all files written or none). */
export async function refeatureFolder(src: string, out: string, form: FactForm | HalfFactForm, signal?: AbortSignal): Promise<{ clips: number; seed: number; id: string }> {
  const fix = 'Name a folder that `longvpo demo --out` wrote (its report.json names the world).';
  if (!(await exists(join(src, 'report.json')))) throw new CliError(`${src} has no report.json, so its demo world is unknown.`, fix);
  let report: DemoReport | null;
  try {
    report = JSON.parse(await readFile(join(src, 'report.json'), 'utf8')) as DemoReport | null;
  } catch (e) {
    throw new CliError(`${src}/report.json is not valid JSON.`, fix, { cause: e });
  }
  if (report?.command !== 'demo' || typeof report.seed !== 'number' || !(typeof report.size === 'string' && Object.hasOwn(DEMO_SIZES, report.size)))
    throw new CliError(`${src} was not written by \`longvpo demo\` (its report.json has no demo seed and size), so the oracle cannot know its clips.`, `${fix} A merged folder: refeature each of its worlds, then merge them.`);
  const parsed = parseClipsJsonl(await readText(join(src, 'clips.jsonl'), 'Clips file'));
  if (!parsed.ok) throw new FileProblemsError(join(src, 'clips.jsonl'), parsed.errors, 0, 'Fix those lines of clips.jsonl, or make the folder again with `longvpo demo`.');
  const half = isHalfFactForm(form);
  if (half && (report.embedder?.id !== OBJECT_TOKENS_ID || parsed.tokens !== FACT_TOKENS || parsed.dim !== FACT_TOKENS * OBJECT_TOKEN_DIM))
    throw new CliError(
      `--features ${form} replaces half of a clip's measured object tokens, but ${src} holds ${report.embedder?.id ?? 'unknown'} vectors (${parsed.tokens} × ${parsed.dim / parsed.tokens}).`,
      `Make the folder with \`longvpo demo --features objects\` (${FACT_TOKENS} × ${OBJECT_TOKEN_DIM}), then refeature it.`,
    );
  const world = demoWorld(report.size as DemoSize, report.seed);
  let clips;
  try {
    clips = half ? withHalfFacts(world, parsed.clips, OBJECT_TOKEN_DIM, form) : withFactFeatures(world, parsed.clips, form);
  } catch (e) {
    throw new CliError(`${src}/clips.jsonl has clips of videos that demo world ${report.seed} (${String(report.size)}) does not have.`, 'Use the folder as `longvpo demo` wrote it.', { cause: e });
  }
  const facts = half ? { id: halfFactId(OBJECT_TOKENS_ID, form), dim: parsed.dim, tokens: FACT_TOKENS } : FACT_FORMS[form];
  const files: Record<string, string> = { 'clips.jsonl': clipsJsonl(clips, facts.tokens) };
  for (const f of MERGED_FILES) if (f !== 'clips.jsonl' && (await exists(join(src, f)))) files[f] = await readText(join(src, f), 'Data file');
  const pixels = report.embedder?.pixels ?? report.embedder?.id;
  files['report.json'] = JSON.stringify({ ...report, embedder: { ...report.embedder, id: facts.id, dim: facts.dim, tokens: facts.tokens, ...(pixels !== undefined && { pixels }) }, refeatured_from: src }, null, 2) + '\n';
  await writeOutputs(out, files, signal);
  return { clips: clips.length, seed: report.seed, id: facts.id };
}

export function refeatureCommand(ctx: CliContext): Command {
  return new Command('refeature')
    .description(
      'Rewrite a demo data folder\'s clip vectors from the world\'s ground truth (the oracle diagnostic of `demo --features facts|fact-tokens`), or half of an object-token folder\'s (fact-background: the background token, fact-objects: the object tokens); SFT questions, triples and scenes are copied unchanged.',
    )
    .argument('<folder>', 'a folder `longvpo demo --out` wrote')
    .addOption(
      new Option('--features <form>', 'oracle form: one vector of bound facts, one token per object, or half of an object-token folder\'s tokens written from the world')
        .choices([...Object.keys(FACT_FORMS), ...HALF_FACT_FORMS])
        .makeOptionMandatory(),
    )
    .requiredOption('--out <dir>', 'new folder (created; its files are replaced)')
    .option('--quiet', 'no summary on stderr', false)
    .addHelpText('after', '\nExamples:\n  npx longvpo refeature --features fact-tokens --out out/w42-tokens out/study/data\n  npx longvpo refeature --features fact-background --out out/w42-half out/w42-objects   # a folder of `demo --features objects`')
    .action(async (folder: string, o: { features: FactForm | HalfFactForm; out: string; quiet: boolean }) => {
      if (resolve(folder) === resolve(o.out)) throw new CliError(`--out ${o.out} is the folder to rewrite.`, 'Write the rewrite to a new folder.');
      const r = await refeatureFolder(folder, o.out, o.features, ctx.signal);
      note(`refeature: ${r.clips} clips of demo world ${r.seed} → ${o.out} (${r.id})`, o.quiet);
      process.stdout.write(`${o.out}\n`);
    });
}
