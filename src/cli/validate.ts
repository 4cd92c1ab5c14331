// `longvpo validate FILE`: exit 0 when every line is a valid triple; otherwise exit 1 with every
// problem on stderr as `FILE:LINE: message`.
import { Command } from 'commander';
import { FORMAT_NAMES } from '../core/triples/import';
import { readTriples } from './triplesFile';

export function validateCommand(): Command {
  return new Command('validate')
    .description('Check a triples file (studio JSONL, or LongVPO release rows) against schemas/triple.v1.schema.json and the rules of docs/triples.md.')
    .argument('<file>', 'JSONL (or JSON array) of triples; - reads stdin')
    .option('--quiet', 'no warnings, only errors', false)
    .addHelpText('after', '\nExit status: 0 valid, 1 invalid (every problem printed as FILE:LINE: message).')
    .action(async (file: string, o: { quiet: boolean }) => {
      const { triples, format } = await readTriples(file, { quiet: o.quiet });
      process.stdout.write(`${file}: ${triples.length} valid ${triples.length === 1 ? 'record' : 'records'} (${FORMAT_NAMES[format]})\n`);
    });
}
