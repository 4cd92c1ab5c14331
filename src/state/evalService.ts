// Evaluation outside React (issue #13): run the held-out probe on a run's checkpoint in the
// compute worker, cancel it, and export results as JSON or CSV.
import { UserFacingError } from '../core/errors';
import { heatmapSvg } from '../core/eval/heatmap';
import { PROBE_ANCHOR_RANGE, PROBE_DEFAULTS } from '../core/eval/probe';
import { DEFAULT_EMBEDDER_ID } from '../core/pipeline';
import type { RunRecord } from '../storage/schema';
import { computeEngine } from '../workers/computeClient';
import type { EvalResult } from '../workers/evalHandlers';
import type { EvalForm } from './evalSlice';
import { useStudio } from './store';
import { refreshTraining } from './trainService';

let controller: AbortController | null = null;

export function lengthsOf(text: string): number[] | null {
  const xs = text.split(',').map((x) => Number(x.trim()));
  return xs.length > 0 && xs.every((x) => Number.isInteger(x) && x >= 1 && x <= 64) ? [...new Set(xs)].sort((a, b) => a - b) : null;
}

export function evaluationOf(run: RunRecord): EvalResult | null {
  return (run.evaluation as EvalResult | undefined) ?? null;
}

/** The run's question-only baseline (the probe with the clips hidden), if evaluated. */
export function blindEvaluationOf(run: RunRecord): EvalResult | null {
  return (run.blindEvaluation as EvalResult | undefined) ?? null;
}

/** The run's probe with only the anchor hidden (distractors kept), if evaluated. */
export function anchorHiddenEvaluationOf(run: RunRecord): EvalResult | null {
  return (run.anchorHiddenEvaluation as EvalResult | undefined) ?? null;
}

/** The anchors an evaluation's probe sampled at most (results stored before they were chosen: the default). */
export function probeAnchorsOf(e: Pick<EvalResult, 'maxAnchors'>): number {
  return e.maxAnchors ?? PROBE_DEFAULTS.maxAnchors;
}

/** What is wrong with the probe settings (lengths, anchors), named with its fix; null when nothing. */
export function probeFormProblem(form: Pick<EvalForm, 'lengths' | 'anchors'>): UserFacingError | null {
  if (!lengthsOf(form.lengths)) return new UserFacingError(`Lengths "${form.lengths}" are not whole numbers from 1 to 64.`, 'Write them like 1,4,8,16.');
  const a = form.anchors;
  if (!Number.isInteger(a) || a < PROBE_ANCHOR_RANGE.min || a > PROBE_ANCHOR_RANGE.max)
    return new UserFacingError(`Anchors must be a whole number from ${PROBE_ANCHOR_RANGE.min} to ${PROBE_ANCHOR_RANGE.max} (got ${Number.isNaN(a) ? 'nothing' : String(a)}).`, `Write ${PROBE_DEFAULTS.maxAnchors} (the default) or 240 (a position gap resolved to about 4 points; each evaluation about four times as long).`);
  return null;
}

/**
 * `blind`: the question-only baseline, the same items with every clip vector zeroed;
 * `hideAnchor`: the same items with only the anchor zeroed (what reading the anchor adds).
 */
export async function evaluateRun(runId: string, options: { blind?: boolean; hideAnchor?: boolean } = {}): Promise<void> {
  const { evaluation, setEvaluation, reportError } = useStudio.getState();
  const problem = probeFormProblem(evaluation.form);
  if (problem) {
    reportError('Evaluation not started', problem);
    return;
  }
  const lengths = lengthsOf(evaluation.form.lengths) as number[];
  const anchors = evaluation.form.anchors;
  controller?.abort();
  const own = new AbortController();
  controller = own;
  setEvaluation({ active: { runId, progress: null } });
  try {
    await computeEngine()['eval.probe'](
      { runId, heldOutSeed: evaluation.form.heldOutSeed, size: evaluation.form.size, lengths, maxAnchors: anchors, embedder: useStudio.getState().library.pipeline.embedder, ...(options.blind && { blind: true }), ...(options.hideAnchor && { hideAnchor: true }) },
      { signal: own.signal, onProgress: (progress) => setEvaluation({ active: { runId, progress } }) },
    );
    if (!options.blind && !options.hideAnchor) setEvaluation({ shownRunId: runId, cell: null });
  } catch (e) {
    if (!own.signal.aborted) reportError('Evaluation failed', e);
  } finally {
    if (controller === own) controller = null;
    setEvaluation({ active: null });
    await refreshTraining();
  }
}

export function cancelEvaluation(): void {
  controller?.abort();
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Every evaluated run: one JSON file with the summaries (items left out: CSV has them). */
export function exportEvaluationsJson(runs: readonly RunRecord[]): void {
  const out = runs.flatMap((r) => {
    const e = evaluationOf(r);
    const blind = blindEvaluationOf(r);
    const hidden = anchorHiddenEvaluationOf(r);
    return e ? [{ run: r.id, stage: r.stage, config: r.config, checkpoint: e.checkpointId, held_out_seed: e.heldOutSeed, size: e.size, max_anchors: probeAnchorsOf(e), embedder: e.embedderId ?? DEFAULT_EMBEDDER_ID, summed: e.summed, length_normalised: e.lengthNormalised, stage2: e.stage2 ?? null, stage2_length_normalised: e.stage2LengthNormalised ?? null, stage2_same_form: e.stage2SameForm ? { summed: e.stage2SameForm.summed, length_normalised: e.stage2SameForm.lengthNormalised } : null, report: e.report, blind: blind ? { checkpoint: blind.checkpointId, held_out_seed: blind.heldOutSeed, summed: blind.summed, stage2: blind.stage2 ?? null, stage2_same_form: blind.stage2SameForm?.summed ?? null } : null, anchor_hidden: hidden ? { checkpoint: hidden.checkpointId, held_out_seed: hidden.heldOutSeed, summed: hidden.summed } : null }] : [];
  });
  download('longvpo-evaluation.json', JSON.stringify(out, null, 2) + '\n', 'application/json');
}

/** One heatmap panel per evaluated run (summed scoring), as the CLI's `longvpo heatmap` draws them. */
export function exportEvaluationsSvg(runs: readonly RunRecord[]): void {
  const evaluated = runs.flatMap((r) => {
    const e = evaluationOf(r);
    return e ? [{ run: r, e }] : [];
  });
  if (evaluated.length === 0) return;
  const seeds = [...new Set(evaluated.map(({ e }) => e.heldOutSeed))];
  const caption = `Accuracy (%) by clips × anchor position, held-out world${seeds.length === 1 ? ` ${String(seeds[0])}` : 's'}`;
  download('longvpo-heatmaps.svg', heatmapSvg(evaluated.map(({ run, e }) => ({ title: `${run.stage} · ${run.id}`, byLengthPosition: e.summed.byLengthPosition })), caption), 'image/svg+xml');
}

const csvCell = (v: unknown): string => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per (run, probe item): length, position, family, question, answer, pick, correct. */
export function exportEvaluationsCsv(runs: readonly RunRecord[]): void {
  const rows = [['run', 'stage', 'length', 'position', 'bucket', 'family', 'question', 'answer', 'picked (summed)', 'correct (summed)', 'correct (per token)', 'candidates']];
  for (const r of runs) {
    const e = evaluationOf(r);
    if (!e) continue;
    for (const it of e.items) {
      const best = it.scores.indexOf(Math.max(...it.scores));
      rows.push([r.id, r.stage, String(it.length), String(it.position), String(it.bucket), it.family, it.question, it.answer, it.candidates[best] ?? '', String(it.correctSum), String(it.correctMean), it.candidates.join(' | ')]);
    }
  }
  download('longvpo-evaluation.csv', rows.map((row) => row.map(csvCell).join(',')).join('\n') + '\n', 'text/csv');
}
