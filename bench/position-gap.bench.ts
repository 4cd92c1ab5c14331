// The best − worst anchor position gap of evaluation files (`longvpo eval` → eval.json), each
// beside what shuffled positions give, and each later file's change against the first, paired on
// the same items (questions resampled), and the accuracy change at that length and at each
// position (paired): docs/evaluation.md, "The position gap". For files scored
// apart from `reproduce`, e.g. the 240-anchor probe of docs/results.md:
//
//   npx longvpo eval --run S/runs/sft --data S/heldout --lengths 16 --max-anchors 240 --out S/runs/sft/eval-240.json
//   npx longvpo eval --run S/runs/stage1 --data S/heldout --lengths 16 --max-anchors 240 --out S/runs/stage1/eval-240.json
//   EVALS=S/runs/sft/eval-240.json,S/runs/stage1/eval-240.json npm run bench:position-gap
//
// LENGTH=16 by default (LENGTH=1, where there is no position to compare, prints the accuracy change
// alone: the acceptance's single-clip line); DRAWS=2000. Prints JSON and a table; needs per-item results with positions
// (evaluations written from 2026-12-07 on). Where every file also holds the Stage 2 probe's
// per-item results, it prints each file's Stage 2 probe change against the first too (full video
// and cited scenes, paired: the acceptance's Stage 2 line); LENGTH=stage2 prints that alone, for
// files whose main probes differ (e.g. a 240-anchor Stage 1 file and a default Stage 2 eval.json:
// the Stage 2 probe does not depend on the anchors asked). LENGTH=same-form does the same for the
// same-form Stage 2 probe (stage2_same_form: wrong answers of the correct answer's form).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { formatGain, pairedGains, pairedGainsBy, signedInterval, type PerItem } from '../src/core/eval/compare';
import type { PairedDifference } from '../src/core/eval/stats';
import { formatGap, formatGapChange, formatPooledGapChange, pooledGapChange, positionGap, positionGapChange } from '../src/core/eval/positionGap';

it('position gap of evaluation files', () => {
  if (process.env.PAIRS) {
    pooled(process.env.PAIRS);
    return;
  }
  const files = (process.env.EVALS ?? '').split(',').filter(Boolean);
  if (files.length === 0) throw new Error('Set EVALS=a/eval.json,b/eval.json (the first is the baseline).');
  const stage2Only = process.env.LENGTH === 'stage2' || process.env.LENGTH === 'same-form';
  const form = process.env.LENGTH === 'same-form' ? 'stage2_same_form' : 'stage2';
  const length = stage2Only ? 0 : Number(process.env.LENGTH ?? 16);
  const draws = Number(process.env.DRAWS ?? 2000);
  const evals = files.map((f) => {
    const e = JSON.parse(readFileSync(f, 'utf8')) as { per_item?: PerItem; stage2?: { per_item?: PerItem } | null; stage2_same_form?: { per_item?: PerItem } | null };
    return { per_item: e.per_item, stage2: e[form] };
  });
  const perItems = evals.map((e, i) => {
    if (stage2Only) return e.per_item as PerItem;
    if (!e.per_item?.bucket) throw new Error(`${files[i]} has no per-item positions: evaluate it again with this version of \`longvpo eval\`.`);
    return e.per_item;
  });
  // The Stage 2 probe (full video / cited scenes), paired against the first file, when every file has it.
  const stage2 = evals.every((e) => e.stage2?.per_item)
    ? evals.slice(1).map((e, i) => {
        const g = pairedGains(evals[0]?.stage2?.per_item, e.stage2?.per_item);
        if (!g) throw new Error(`${files[i + 1]} scored other Stage 2 probe items than ${files[0]} (another held-out world or probe version).`);
        return g;
      })
    : null;
  if (stage2Only && !stage2) throw new Error(`LENGTH=${process.env.LENGTH}: every file must hold the Stage 2 probe's per-item results (${form}.per_item).`);
  const printStage2 = (): void => {
    if (!stage2) return;
    console.log(`\n| file | ${form === 'stage2' ? 'Stage 2 probe' : 'same-form Stage 2 probe'} change against the first: full video [95%], p | cited scenes [95%], p |\n|---|---|---|`);
    stage2.forEach((g, i) => console.log(`| ${files[i + 1]} | ${formatGain(g.full)} | ${formatGain(g.cited)} |`));
  };
  const atLength = (key: (p: PerItem, i: number) => string) => (p: PerItem, i: number) => (p.group[i] === length ? key(p, i) : undefined);
  const overallChange = (p: PerItem): PairedDifference => {
    const overall = pairedGainsBy(perItems[0], p, atLength(() => 'all'))?.all;
    if (!overall) throw new Error(`Every file must score the same ${length}-clip probe items as the first (same held-out world, lengths, anchors and probe version).`);
    return overall;
  };
  if (stage2Only) {
    console.log(JSON.stringify({ stage2 }, null, 2));
    printStage2();
    return;
  }
  if (length === 1) {
    const changes = perItems.slice(1).map(overallChange);
    console.log(JSON.stringify({ length, accuracy: changes, stage2 }, null, 2));
    console.log(`\n| file | accuracy change against the first at 1 clip [95%], p |\n|---|---|`);
    changes.forEach((c, i) => console.log(`| ${files[i + 1]} | ${formatGain(c)} |`));
    printStage2();
    return;
  }
  const gaps = perItems.map((p) => positionGap(p, length, { draws }));
  const changes = perItems.slice(1).map((p) => positionGapChange(perItems[0], p, length, { draws }));
  for (const g of gaps) expect(g, `no ${length}-clip items`).toBeDefined();
  const rows = files.map((f, i) => ({
    file: f,
    by_position: gaps[i]?.accuracy.map((a) => Math.round(1000 * a) / 10),
    n: gaps[i]?.n,
    gap: formatGap(gaps[i]),
    gap_ci95: gaps[i]?.ci95.map((x) => Math.round(1000 * x) / 10),
    change_vs_first: i === 0 ? null : formatGapChange(changes[i - 1]),
  }));
  // The accuracy change against the first file on the same items (Newcombe interval, McNemar p),
  // at the length and at each position: where the points of a change in the gap came from.
  const buckets = gaps[0]?.accuracy.length ?? 0;
  const accuracy = perItems.slice(1).map((p) => {
    const overall = overallChange(p);
    const byPosition = pairedGainsBy(perItems[0], p, atLength((q, i) => String(q.bucket?.[i])));
    if (!byPosition) throw new Error('Every file must score the same probe items as the first (same held-out world, lengths, anchors and probe version).');
    return { overall, by_position: Array.from({ length: buckets }, (_, b) => byPosition[String(b)] as PairedDifference) };
  });
  console.log(JSON.stringify({ length, draws, gaps, changes, accuracy, stage2 }, null, 2));
  console.log(`\n| file | ${length} clips by position | gap (noise alone; p) | gap [95%] | change against the first [95%] |\n|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.file} | ${r.by_position?.join(' / ')} | ${r.gap} | [${r.gap_ci95?.join(', ')}] | ${r.change_vs_first ?? '—'} |`);
  console.log(`\n| file | accuracy change against the first at ${length} clips [95%], p | by position (first → last) |\n|---|---|---|`);
  accuracy.forEach((a, i) => console.log(`| ${files[i + 1]} | ${formatGain(a.overall)} | ${a.by_position.map((d) => signedInterval(d.difference, d.ci95)).join(' / ')} |`));
  printStage2();
});

function pooled(spec: string): void {
  const pairs = spec.split(',').filter(Boolean).map((p) => {
    const [a, b, ...rest] = p.split(':');
    if (!a || !b || rest.length > 0) throw new Error(`PAIRS: "${p}" is not first.json:second.json (pairs separated by commas).`);
    return [a, b] as const;
  });
  const length = Number(process.env.LENGTH ?? 16);
  const draws = Number(process.env.DRAWS ?? 2000);
  const read = (f: string): PerItem => {
    const e = JSON.parse(readFileSync(f, 'utf8')) as { per_item?: PerItem };
    if (!e.per_item?.bucket) throw new Error(`${f} has no per-item positions: evaluate it again with this version of \`longvpo eval\`.`);
    return e.per_item;
  };
  const results = pairs.map(([a, b]) => [read(a), read(b)] as const);
  const pool = pooledGapChange(results, length, { draws });
  if (!pool) {
    // Name the pair that cannot be compared.
    const k = results.findIndex(([a, b]) => !positionGapChange(a, b, length, { draws: 1 }));
    throw new Error(`PAIRS: ${pairs[k]?.join(' and ')} did not score the same ${length}-clip items with positions (same held-out world, lengths, anchors and probe version).`);
  }
  console.log(JSON.stringify({ length, draws, pairs, pooled: pool }, null, 2));
  console.log(`\n| replicate | ${length}-clip gap change [95%] |\n|---|---|`);
  pool.changes.forEach((c, k) => console.log(`| ${pairs[k]?.join(' → ')} | ${formatGapChange(c)} |`));
  console.log(`| pooled | ${formatPooledGapChange(pool)} |`);
}
