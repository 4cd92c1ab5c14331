// `longvpo shorten --data DIR --clips K --out DIR2`: the same data folder with every Stage 1
// composite cut to its anchor and K − 1 of its distractors (src/core/synthesis/shorten.ts); clips,
// scenes, SFT samples and Stage 2 triples are copied as they are. For a curriculum of composite
// lengths: Stage 1 on DIR2, then Stage 1 on DIR from that run (docs/results.md, "Where the
// question sits").
import { Command } from 'commander';
import { join } from 'node:path';
import { shortenTriples } from '../core/synthesis/shorten';
import { studioJsonl } from '../core/triples/exports';
import type { CliContext } from './context';
import { CliError } from './errors';
import { exists, readText, writeOutputs } from './io';
import { folderReport, MERGED_FILES } from './merge';
import { integer } from './options';
import { note } from './progress';
import { readTriples } from './triplesFile';

export interface ShortenSummary {
  command: 'shorten';
  source: string;
  clips: number;
  seed: number;
  /** Stage 1 triples cut, and those already short enough (kept as they were). */
  shortened: number;
  unchanged: number;
  stage2: number;
  /** The source's embedder, as its report.json names it (so `merge` still checks it). */
  embedder?: unknown;
}

export async function shortenFolder(src: string, out: string, clips: number, seed: number, signal?: AbortSignal): Promise<ShortenSummary> {
  if (!(await exists(join(src, 'triples.jsonl')))) throw new CliError(`${src} has no triples.jsonl.`, 'Name a data folder that `longvpo demo`, `synth` or `merge` wrote.');
  const { triples } = await readTriples(join(src, 'triples.jsonl'), { quiet: true });
  signal?.throwIfAborted();
  const cut = shortenTriples(triples, clips, seed);
  // A triple that needed no cut comes back as it was.
  const stage1 = triples.flatMap((t, i) => (t.stage === 1 ? [t === cut[i]] : []));
  const unchanged = stage1.filter(Boolean).length;
  const shortened = stage1.length - unchanged;
  const files: Record<string, string> = { 'triples.jsonl': studioJsonl(cut) };
  for (const f of MERGED_FILES) if (f !== 'triples.jsonl' && (await exists(join(src, f)))) files[f] = await readText(join(src, f), 'Data file');
  const { embedder } = await folderReport(src);
  const summary: ShortenSummary = { command: 'shorten', source: src, clips, seed, shortened, unchanged, stage2: triples.length - shortened - unchanged, ...(embedder !== undefined && { embedder }) };
  await writeOutputs(out, { ...files, 'report.json': JSON.stringify(summary, null, 2) + '\n' }, signal);
  return summary;
}

export function shortenCommand(ctx: CliContext): Command {
  return new Command('shorten')
    .description('Copy a data folder with every Stage 1 composite cut to its anchor and K − 1 of its distractors (seeded): shorter composites for a curriculum of lengths.')
    .requiredOption('--data <dir>', 'data folder (clips.jsonl, triples.jsonl, …)')
    .requiredOption('--clips <k>', 'clips per Stage 1 composite (the anchor and K − 1 distractors)', integer(1, 512))
    .option('--seed <n>', 'seed of the distractors kept and the anchor slots', integer(0, 2 ** 32 - 1), 1)
    .requiredOption('--out <dir>', 'new folder (created; its files are replaced)')
    .option('--quiet', 'no summary on stderr', false)
    .addHelpText('after', '\nExample (a 2-clip curriculum step):\n  npx longvpo shorten --data out/train --clips 2 --out out/train-2\n  npx longvpo train --data out/train-2 --stage 1 --init out/sft --out out/stage1-2\n  npx longvpo train --data out/train --stage 1 --init out/stage1-2 --out out/stage1')
    .action(async (o: { data: string; clips: number; seed: number; out: string; quiet: boolean }) => {
      if (o.out === o.data) throw new CliError(`--out ${o.out} is the folder being read.`, 'Write the shortened copy to a new folder.');
      const s = await shortenFolder(o.data, o.out, o.clips, o.seed, ctx.signal);
      note(`shorten: ${s.shortened} Stage 1 composites cut to ${o.clips} clips, ${s.unchanged} already ${o.clips} or fewer, ${s.stage2} Stage 2 triples copied → ${o.out}`, o.quiet);
      process.stdout.write(`${o.out}\n`);
    });
}
