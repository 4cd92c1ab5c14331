// `longvpo export` and `longvpo import`: triples files converted between the studio format, TRL
// DPOTrainer rows and the LongVPO release columns (src/core/triples/exports.ts, import.ts).
import { Command, Option } from 'commander';
import { longvpoJsonl, studioJsonl, trlJsonl } from '../core/triples/exports';
import { FORMAT_NAMES } from '../core/triples/import';
import { writeText } from './io';
import { createdAt, isoTime } from './options';
import { note } from './progress';
import { readTriples } from './triplesFile';

const FORMATS = ['studio', 'trl', 'longvpo'] as const;
type ExportFormat = (typeof FORMATS)[number];

export function exportCommand(): Command {
  return new Command('export')
    .description('Write triples as studio JSONL, TRL DPOTrainer conversational rows, or LongVPO release columns (docs/triples.md).')
    .argument('<in>', 'triples file (studio JSONL or LongVPO rows); - reads stdin')
    .argument('<out>', 'output JSONL file; - writes stdout')
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).makeOptionMandatory())
    .option('--studio-columns', 'longvpo format: also write id, stage, anchor_index / relevant_clips and rejected_strategy, so a re-import rebuilds the stage structure', false)
    .option('--quiet', 'no summary on stderr', false)
    .action(async (input: string, out: string, o: { format: ExportFormat; studioColumns: boolean; quiet: boolean }) => {
      const { triples } = await readTriples(input, { quiet: o.quiet });
      const text = o.format === 'studio' ? studioJsonl(triples) : o.format === 'trl' ? trlJsonl(triples) : longvpoJsonl(triples, { studioColumns: o.studioColumns });
      await writeText(out, text);
      note(`${triples.length} triples → ${out} (${o.format})`, o.quiet);
    });
}

export function importCommand(): Command {
  return new Command('import')
    .description('Validate a triples file and convert it to studio JSONL: LongVPO release rows get the documented defaults (docs/triples.md); studio triples are rewritten in canonical key order.')
    .argument('<in>', 'triples file (studio JSONL or LongVPO rows, JSONL or a JSON array); - reads stdin')
    .argument('<out>', 'studio JSONL to write; - writes stdout')
    .addOption(new Option('--now <iso>', 'provenance.created_at of converted LongVPO rows (default: SOURCE_DATE_EPOCH, else the current time)').argParser(isoTime))
    .option('--quiet', 'no warnings or summary on stderr', false)
    .action(async (input: string, out: string, o: { now?: string; quiet: boolean }) => {
      const { triples, format } = await readTriples(input, { now: createdAt(o.now, () => new Date().toISOString()), quiet: o.quiet });
      await writeText(out, studioJsonl(triples));
      note(`${triples.length} triples (${FORMAT_NAMES[format]}) → ${out} (studio)`, o.quiet);
    });
}
