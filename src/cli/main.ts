// The headless CLI `longvpo` (issue #5, docs/cli.md): the studio's core and ml code in Node on the
// TensorFlow.js wasm backend. Built by vite.cli.config.ts into dist-cli/longvpo.mjs and started by
// bin/longvpo.mjs. This file only wires commands, Ctrl-C and exit codes.
//
// Must: stdout carries results only (paths written, validation summary, exported JSONL with
// `-`); progress, warnings and errors go to stderr. Must: Ctrl-C cancels cleanly — the running
// step stops at its next check, nothing is written, exit status 130.
import { Command } from 'commander';
import type { CliContext } from './context';
import { exportCommand, importCommand } from './convert';
import { demoCommand } from './demo';
import { EXIT, reportFailure } from './errors';
import { synthCommand } from './synth';
import { trainCommand } from './train';
import { evalCommand } from './eval';
import { ablateCommand } from './ablate';
import { reproduceCommand } from './reproduce';
import { mergeCommand } from './merge';
import { shortenCommand } from './shorten';
import { refeatureCommand } from './refeature';
import { validateCommand } from './validate';
import { heatmapCommand } from './heatmap';

/** package.json's version, put in by vite.cli.config.ts at build time. */
declare const __LONGVPO_VERSION__: string;

function program(ctx: CliContext): Command {
  const root = new Command('longvpo')
    .description('LongVPO Studio, headless: demo runs, Stage 1 synthesis, triple validation and export.')
    .version(__LONGVPO_VERSION__)
    .option('--debug', 'print stack traces of errors', false)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nEvery command has --help. Docs: docs/cli.md');
  for (const cmd of [demoCommand(ctx), synthCommand(ctx), trainCommand(ctx), evalCommand(ctx), reproduceCommand(ctx), ablateCommand(ctx), mergeCommand(ctx), shortenCommand(ctx), refeatureCommand(ctx), validateCommand(), exportCommand(), importCommand(), heatmapCommand()]) root.addCommand(cmd);
  return root;
}

async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nlongvpo: cancelling (Ctrl-C again to quit at once)…\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(EXIT.cancelled));
  });
  const root = program({ signal: controller.signal });
  try {
    await root.parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    return reportFailure(e, Boolean(root.opts<{ debug?: boolean }>().debug));
  }
}

process.exitCode = await main(process.argv);
