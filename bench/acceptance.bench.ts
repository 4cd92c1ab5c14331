// Issue #13's acceptance, line by line (src/core/eval/acceptance.ts), from evaluation files made
// apart from `reproduce` (which writes the same lines into comparison.json): the larger probes of
// docs/results.md are one file per length, so SFT and Stage 1 come as lists paired in order, and
// each line is read from the first pair that has its data.
//
//   SFT=S/runs/sft/eval-240-16.json,S/runs/sft/eval-240-1.json \
//   STAGE1=S/runs/stage1/eval-240-16.json,S/runs/stage1/eval-240-1.json \
//   STAGE2=S/runs/stage2/eval.json npm run bench:acceptance
//
// The Stage 2 line pairs STAGE2's Stage 2 probe with the first STAGE1 file that has it, the
// same-form probe first (the Stage 2 probe does not depend on the lengths or anchors asked). SFT_BLIND, STAGE1_BLIND and STAGE2_BLIND, the
// same runs evaluated with `--blind` (paired in order with SFT, STAGE1 and STAGE2), add the
// answer-prior check to the long and Stage 2 lines. Files with the same-form Stage 2 probe
// (`eval` writes it since it exists) put the Stage 2 line on it. DRAWS=2000. Prints JSON and a table.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { acceptanceLines, acceptanceSummary, type AcceptanceLine } from '../src/core/eval/acceptance';
import type { PerItem } from '../src/core/eval/compare';

type EvalFile = { by_length: Record<string, number>; per_item?: PerItem; stage2?: { per_item?: PerItem } | null; stage2_same_form?: { per_item?: PerItem } | null };

it('acceptance lines of evaluation files', () => {
  const list = (name: string): string[] => (process.env[name] ?? '').split(',').filter(Boolean);
  const [sftFiles, stage1Files, stage2Files] = [list('SFT'), list('STAGE1'), list('STAGE2')];
  const [sftBlind, stage1Blind, stage2Blind] = [list('SFT_BLIND'), list('STAGE1_BLIND'), list('STAGE2_BLIND')];
  if (sftFiles.length === 0 || sftFiles.length !== stage1Files.length) throw new Error('Set SFT=a.json[,…] and STAGE1=b.json[,…], as many of each, paired in order (and optionally STAGE2=c.json).');
  const read = (f: string): EvalFile => JSON.parse(readFileSync(f, 'utf8')) as EvalFile;
  if ((sftBlind.length > 0 && sftBlind.length !== sftFiles.length) || (stage1Blind.length > 0 && stage1Blind.length !== stage1Files.length)) throw new Error('SFT_BLIND and STAGE1_BLIND pair with SFT and STAGE1 in order: give as many files, or none.');
  const stage2 = stage2Files[0] ? read(stage2Files[0]) : undefined;
  const stage2B = stage2Blind[0] ? read(stage2Blind[0]) : undefined;
  const draws = Number(process.env.DRAWS ?? 2000);
  // The Stage 2 line's Stage 1 side: the first STAGE1 file with the same-form probe when STAGE2 has
  // it (an older first file would otherwise put the line on the honest probe), else the first with
  // any Stage 2 probe; its blind twin is the STAGE1_BLIND file in the same place.
  const stage1Read = stage1Files.map(read);
  const sameFormAt = stage2?.stage2_same_form?.per_item ? stage1Read.findIndex((f) => f.stage2_same_form?.per_item) : -1;
  const s2At = sameFormAt >= 0 ? sameFormAt : Math.max(0, stage1Read.findIndex((f) => f.stage2?.per_item));
  const s2 = stage1Read[s2At];
  const s2Blind = stage1Blind[s2At];
  const s2B = s2Blind ? read(s2Blind) : undefined;
  const perPair = sftFiles.map((f, i) => {
    const [a, b] = [read(f), stage1Read[i] as EvalFile];
    const [ab, bb] = [sftBlind[i], stage1Blind[i]].map((x) => (x ? read(x) : undefined));
    const blind = { sft: ab?.per_item, stage1: bb?.per_item, stage1Stage2Probe: s2B?.stage2?.per_item, stage2Stage2Probe: stage2B?.stage2?.per_item, stage1SameForm: s2B?.stage2_same_form?.per_item, stage2SameForm: stage2B?.stage2_same_form?.per_item };
    return acceptanceLines({ sft: a.per_item, stage1: b.per_item, stage1Stage2Probe: s2?.stage2?.per_item, stage2Stage2Probe: stage2?.stage2?.per_item, stage1SameForm: s2?.stage2_same_form?.per_item, stage2SameForm: stage2?.stage2_same_form?.per_item, lengths: Object.keys(a.by_length), draws, blind });
  });
  const lines: AcceptanceLine[] = (perPair[0] ?? []).map((first, k) => perPair.map((p) => p[k] as AcceptanceLine).find((l) => l.verdict !== 'no data') ?? first);
  expect(lines).toHaveLength(4);
  console.log(JSON.stringify({ sft: sftFiles, stage1: stage1Files, stage2: stage2Files[0] ?? null, blind: { sft: sftBlind, stage1: stage1Blind, stage2: stage2Blind[0] ?? null }, lines }, null, 2));
  console.log(`\n${acceptanceSummary(lines)}\n\n| line | asked | measured [95%] | verdict |\n|---|---|---|---|`);
  for (const l of lines) console.log(`| ${l.line} | ${l.asked} | ${l.measured} | ${l.verdict}${l.note ? ` (${l.note})` : ''} |`);
});
