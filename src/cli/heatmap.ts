// `longvpo heatmap EVAL… --out FILE.svg`: accuracy by clips × anchor position of one or more
// evaluations as one small SVG, a panel per run (src/core/eval/heatmap.ts, the Evaluate page's
// colour scale and its Export heatmaps). Reads `longvpo eval`'s eval.json files and the Evaluate
// page's JSON export. docs/cli.md, "heatmap".
import { basename, dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { heatmapPanelsOf, heatmapSvg, type HeatmapPanel, type HeatmapScoring } from '../core/eval/heatmap';
import { CliError } from './errors';
import { readText, writeText } from './io';

interface HeatmapOptions {
  out: string;
  labels?: string;
  scoring: HeatmapScoring;
  caption?: string;
}

/** A run's name from its eval file's path: the run folder (`runs/stage1/eval.json` → stage1), else the file's name. */
const runName = (file: string): string => (/^eval[-.]/.test(basename(file)) ? basename(dirname(resolve(file))) : basename(file).replace(/\.json$/, ''));

export function heatmapCommand(): Command {
  return new Command('heatmap')
    .description('Draw accuracy by clips × anchor position of evaluations as one SVG, a panel per run, values printed in the cells (docs/cli.md, "heatmap").')
    .argument('<eval...>', "eval.json files of `longvpo eval` (or `reproduce`'s runs/R/eval.json), or the Evaluate page's Export JSON; panels in this order")
    .requiredOption('--out <file.svg>', 'the SVG to write (- for stdout)')
    .option('--labels <a,b,…>', 'panel titles, one per panel, in order (default: the run folder of each eval.json, or stage · run of an export)')
    .addOption(new Option('--scoring <s>', 'summed log-likelihood (the probe\'s headline) or per token').choices(['summed', 'per-token']).default('summed'))
    .option('--caption <text>', 'the line above the panels')
    .action(async (files: string[], o: HeatmapOptions) => {
      const panels: HeatmapPanel[] = [];
      for (const file of files) {
        const text = await readText(file, 'Evaluation file');
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          throw new CliError(`${file} is not JSON: ${e instanceof Error ? e.message : String(e)}.`, 'Pass an eval.json written by `longvpo eval`, or the Evaluate page\'s Export JSON.', { cause: e });
        }
        try {
          panels.push(...heatmapPanelsOf(value, runName(file), o.scoring));
        } catch (e) {
          throw new CliError(`${file} cannot be drawn: ${e instanceof Error ? e.message : String(e)}.`, 'Pass an eval.json written by `longvpo eval`, or the Evaluate page\'s Export JSON.', { cause: e });
        }
      }
      const labels = o.labels?.split(',').map((l) => l.trim());
      if (labels && labels.length !== panels.length) throw new CliError(`--labels gives ${labels.length} titles for ${panels.length} panels.`, `Give one title per panel, in order (${panels.map((p) => p.title).join(', ')}).`);
      const titled = labels ? panels.map((p, i) => ({ ...p, title: labels[i] as string })) : panels;
      await writeText(o.out, heatmapSvg(titled, o.caption ?? `Accuracy (%) by clips × anchor position${o.scoring === 'per-token' ? ', per-token scoring' : ''}`));
      if (o.out !== '-') process.stderr.write(`${o.out}: ${titled.length} ${titled.length === 1 ? 'panel' : 'panels'} (${titled.map((p) => p.title).join(', ')})\n`);
    });
}
