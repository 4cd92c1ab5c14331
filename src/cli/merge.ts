// `longvpo merge --out DIR SRC…`: several data folders (as `longvpo demo` or `synth` write them)
// become one, so `train` sees several worlds at once — what lets the small policy generalise to a
// world it never saw (docs/results.md, "Many training worlds"). Used by `reproduce --train-worlds`.
import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseClipsJsonl } from '../core/clipsJsonl';
import { embedderMismatch, mergeJsonl, type SourceEmbedder } from '../core/dataMerge';
import type { CliContext } from './context';
import { CliError, FileProblemsError } from './errors';
import { exists, readText, writeOutputs } from './io';
import { note } from './progress';

/** The files a data folder may hold, in the order they are merged; clips.jsonl is required. */
export const MERGED_FILES = ['clips.jsonl', 'scenes.jsonl', 'sft.jsonl', 'triples.jsonl'] as const;

export interface MergeSummary {
  command: 'merge';
  sources: { dir: string; seed?: number; embedder?: string; lines: Record<string, number> }[];
  embedder: { id?: string; dim: number; tokens: number };
  lines: Record<string, number>;
}

/** A data folder's report.json ({} when it has none); a damaged one is refused, naming the fix. */
export async function folderReport(dir: string): Promise<{ seed?: unknown; embedder?: { id?: unknown } }> {
  if (!(await exists(join(dir, 'report.json')))) return {};
  try {
    return (JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { seed?: unknown; embedder?: { id?: unknown } } | null) ?? {};
  } catch (e) {
    throw new CliError(`${dir}/report.json is not valid JSON.`, 'Restore it from the run that wrote the folder, or delete it (the embedder is then checked by shape only).', { cause: e });
  }
}

/** Merges `sources` into `out` (all files written or none). Throws CliError naming the problem. */
export async function mergeFolders(sources: readonly string[], out: string, signal?: AbortSignal): Promise<MergeSummary> {
  if (sources.length < 1) throw new CliError('Nothing to merge.', 'Name one or more data folders: `npx longvpo merge --out DIR A B`.');
  const texts: Record<string, { source: string; text: string }[]> = Object.fromEntries(MERGED_FILES.map((f) => [f, []]));
  const embedders: SourceEmbedder[] = [];
  const meta: { seed?: number; embedder?: string }[] = [];
  for (const dir of sources) {
    signal?.throwIfAborted();
    if (!(await exists(join(dir, 'clips.jsonl')))) throw new CliError(`${dir} has no clips.jsonl, so it is not a data folder.`, 'Name folders that `longvpo demo --out` (or synth) wrote.');
    for (const f of MERGED_FILES) texts[f]?.push({ source: dir, text: (await exists(join(dir, f))) ? await readText(join(dir, f), 'Data file') : '' });
    const clipsText = texts['clips.jsonl']?.at(-1)?.text ?? '';
    const parsed = parseClipsJsonl(clipsText);
    if (!parsed.ok) throw new FileProblemsError(join(dir, 'clips.jsonl'), parsed.errors, 0, 'Fix those lines of clips.jsonl (format: docs/cli.md), then merge again.');
    const report = await folderReport(dir);
    const id = typeof report.embedder?.id === 'string' ? report.embedder.id : undefined;
    embedders.push({ source: dir, ...(id !== undefined && { id }), dim: parsed.dim, tokens: parsed.tokens });
    meta.push({ ...(typeof report.seed === 'number' && { seed: report.seed }), ...(id !== undefined && { embedder: id }) });
  }
  const mismatch = embedderMismatch(embedders);
  if (mismatch) throw new CliError(mismatch.problem, mismatch.fix);
  const files: Record<string, string> = {};
  const lines: Record<string, number> = {};
  const perSource = sources.map(() => ({}) as Record<string, number>);
  for (const f of MERGED_FILES) {
    const parts = texts[f] ?? [];
    if (parts.every((p) => p.text.trim() === '')) continue; // no source has it: the merge has none either
    const r = mergeJsonl(parts, f);
    if (!r.ok) throw new CliError(r.problem, r.fix);
    files[f] = r.text;
    lines[f] = r.lines;
    r.bySource.forEach((n, i) => ((perSource[i] as Record<string, number>)[f] = n));
  }
  const first = embedders[0] as SourceEmbedder;
  const summary: MergeSummary = {
    command: 'merge',
    sources: sources.map((dir, i) => ({ dir, ...meta[i], lines: perSource[i] as Record<string, number> })),
    embedder: { ...(first.id !== undefined && { id: first.id }), dim: first.dim, tokens: first.tokens },
    lines,
  };
  await writeOutputs(out, { ...files, 'report.json': JSON.stringify(summary, null, 2) + '\n' }, signal);
  return summary;
}

export function mergeCommand(ctx: CliContext): Command {
  return new Command('merge')
    .description('Merge data folders (clips.jsonl, scenes.jsonl, sft.jsonl, triples.jsonl) into one, to train on several worlds at once. Ids must not repeat; the embedders must match.')
    .argument('<folders...>', 'data folders, as `longvpo demo --out` or `synth --out` wrote them')
    .requiredOption('--out <dir>', 'merged folder (created; its files are replaced)')
    .option('--quiet', 'no summary on stderr', false)
    .addHelpText('after', '\nExample: npx longvpo demo --seed 43 --out out/w43 && npx longvpo demo --seed 44 --out out/w44 && npx longvpo merge --out out/train out/w43 out/w44')
    .action(async (folders: string[], o: { out: string; quiet: boolean }) => {
      if (folders.includes(o.out)) throw new CliError(`--out ${o.out} is also a folder to merge.`, 'Write the merge to a new folder.');
      const s = await mergeFolders(folders, o.out, ctx.signal);
      note(`merge: ${folders.length} folders → ${o.out}: ${Object.entries(s.lines).map(([f, n]) => `${n} ${f.replace('.jsonl', '')}`).join(', ')}`, o.quiet);
      process.stdout.write(`${o.out}\n`);
    });
}
