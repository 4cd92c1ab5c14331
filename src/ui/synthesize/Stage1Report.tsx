import { DISCARD_REASONS, type DiscardReason } from '../../core/synthesis/stage1';
import { useStudio } from '../../state/store';
import { ResultTable } from '../common/ResultTable';

const REASONS: Record<DiscardReason, string> = {
  no_dissimilar_distractor: 'not enough distractors below the similarity threshold',
  rejected_equals_chosen: 'rejected answer equals chosen',
  not_specific: 'question answerable from other clips (specificity filter)',
  duplicate: 'duplicate of a kept question',
  generator_unavailable: 'generator had no question for the anchor',
};

/** Anchor positions over the run: one bar per bucket, with the chi-square test against uniform. */
function PositionHistogram({ histogram }: { histogram: number[] }) {
  const max = Math.max(1, ...histogram);
  const w = 28;
  const h = 90;
  return (
    <svg role="img" aria-label={`Anchor positions: ${histogram.join(', ')}`} data-testid="position-histogram" width={histogram.length * w + 10} height={h + 34}>
      {histogram.map((n, i) => {
        const bh = Math.round((n / max) * h);
        return (
          <g key={i} transform={`translate(${5 + i * w},0)`}>
            <rect x={3} y={h - bh} width={w - 6} height={bh} fill="var(--accent, #3b6fd8)" />
            <text x={w / 2} y={h - bh - 3} fontSize="10" textAnchor="middle">
              {n}
            </text>
            <text x={w / 2} y={h + 14} fontSize="10" textAnchor="middle">
              {i + 1}
            </text>
          </g>
        );
      })}
      <text x={5} y={h + 30} fontSize="10">
        position of the anchor in the composite (1 = first)
      </text>
    </svg>
  );
}

/** What the last Stage 1 run made, discarded and why, and where the anchors went. */
export function Stage1Report() {
  const last = useStudio((s) => s.synth.last);
  if (!last) return null;
  const { report } = last;
  const rows = [
    ...DISCARD_REASONS.map((r) => ({ what: `discarded: ${REASONS[r]}`, n: report.discarded[r], key: r })),
    { what: 'distractors replaced (too similar to the anchor)', n: report.replacedDistractors, key: 'replaced' },
    { what: 'clips skipped as anchors (no question)', n: report.skippedAnchors, key: 'skipped' },
  ];
  return (
    <section className="card" aria-labelledby="stage1-report-title" data-testid="stage1-report">
      <h2 id="stage1-report-title">Last Stage 1 run</h2>
      <p data-testid="stage1-summary">
        {report.produced} of {report.requested} triples from {last.clips} clips in {last.seconds.toFixed(1)} s ({last.added} new, {last.kept} already stored) · {report.attempted}{' '}
        anchors tried · {report.slots} clips × {last.framesPerClip} frames per composite · threshold {report.similarityThreshold} · {last.generator}
        {report.exhausted ? ' · the clips ran out before the count was reached' : ''}
      </p>
      {report.firstGeneratorProblem ? (
        <p className="muted" data-testid="stage1-first-problem">
          The generator could not serve some clips; the first reason: {report.firstGeneratorProblem}
        </p>
      ) : null}
      <ResultTable label="Filter counts" columns={['filter', 'count']} rows={rows} rowKey={(r) => r.key} rowAttributes={(r) => ({ 'data-testid': `filter-${r.key}` })} cells={(r) => [r.what, r.n]} />
      <h3>Anchor positions</h3>
      <PositionHistogram histogram={report.positionHistogram} />
      <p className="muted" data-testid="stage1-chi2">
        χ² = {report.chiSquare.statistic.toFixed(2)} on {report.chiSquare.df} df, p = {report.chiSquare.p.toFixed(3)} against a uniform spread (high p: balanced).
      </p>
    </section>
  );
}
