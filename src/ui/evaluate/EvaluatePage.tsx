import { useEffect } from 'react';
import { heatColour, positionLabel } from '../../core/eval/heatmap';
import { PROBE_ANCHOR_RANGE, PROBE_DEFAULTS } from '../../core/eval/probe';
import type { Proportion } from '../../core/eval/stats';
import { cancelEvaluation, evaluateRun, evaluationOf, exportEvaluationsCsv, exportEvaluationsJson, exportEvaluationsSvg } from '../../state/evalService';
import { useStudio } from '../../state/store';
import { refreshTraining } from '../../state/trainService';
import type { RunRecord } from '../../storage/schema';
import type { EvalResult } from '../../workers/evalHandlers';
import { ProgressBar } from '../common/ProgressBar';
import { AccuracyChart } from './AccuracyChart';
import { AcceptanceTable, LookingTable, PairedChanges, ReadingTable } from './PairedTables';
import { ReproducePanel } from './ReproducePanel';

const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)}`);
const withCi = (p: Proportion | undefined): string => (p ? `${pct(p.accuracy)} [${pct(p.ci95[0])}, ${pct(p.ci95[1])}]` : '—');


/** A Stage 2 probe cell: accuracy [CI] and n; "—" for an evaluation without one (no long video, or stored before the probe existed). */
function stage2Cell(e: EvalResult, context: 'full' | 'cited', form: 'honest' | 'same-form' = 'honest'): string {
  const p = form === 'honest' ? e.stage2?.[context] : e.stage2SameForm?.summed[context];
  return p && p.n > 0 ? `${withCi(p)} n ${p.n}` : '—';
}

function refOf(r: RunRecord): string {
  return r.stage === 'sft' ? '—' : String(r.config.refMode ?? '');
}

function EvalForm() {
  const form = useStudio((s) => s.evaluation.form);
  const active = useStudio((s) => s.evaluation.active);
  const setEvaluation = useStudio((s) => s.setEvaluation);
  const patch = (p: Partial<typeof form>) => setEvaluation({ form: { ...form, ...p } });
  return (
    <fieldset disabled={active !== null} className="fields" aria-label="Probe settings">
      <div className="field">
        <label htmlFor="e-seed">Held-out world seed</label>
        <input id="e-seed" type="number" value={form.heldOutSeed} onChange={(e) => patch({ heldOutSeed: Number(e.target.value) })} />
        <span className="muted">any seed the training never saw (the library&apos;s demo seed is refused)</span>
      </div>
      <div className="field">
        <label htmlFor="e-size">World size</label>
        <select id="e-size" value={form.size} onChange={(e) => patch({ size: e.target.value as typeof form.size })}>
          <option value="small">small (quick, few items)</option>
          <option value="full">full (minutes to embed once)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="e-lengths">Lengths</label>
        <input id="e-lengths" value={form.lengths} onChange={(e) => patch({ lengths: e.target.value })} />
        <span className="muted">clips per composite</span>
      </div>
      <div className="field">
        <label htmlFor="e-anchors">Anchors</label>
        <input id="e-anchors" type="number" min={PROBE_ANCHOR_RANGE.min} max={PROBE_ANCHOR_RANGE.max} step={1} value={Number.isNaN(form.anchors) ? '' : form.anchors} onChange={(e) => patch({ anchors: e.target.value === '' ? Number.NaN : Number(e.target.value) })} />
        <span className="muted">clips asked about ({PROBE_DEFAULTS.maxAnchors} by default); 240 resolves a position gap of about 4 points instead of 8, each evaluation taking about four times as long</span>
      </div>
    </fieldset>
  );
}

function Heatmap({ result }: { result: EvalResult }) {
  const setEvaluation = useStudio((s) => s.setEvaluation);
  const cell = useStudio((s) => s.evaluation.cell);
  const buckets = Math.max(...Object.values(result.summed.byLengthPosition).map((ps) => ps.length));
  return (
    <table className="results heatmap" aria-label="Accuracy by length and anchor position">
      <thead>
        <tr>
          <th>clips</th>
          {Array.from({ length: buckets }, (_, b) => (
            <th key={b}>{positionLabel(b, buckets).replace(/^\d+$/, (n) => `position ${n}`)}</th>
          ))}
          <th>all</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(result.summed.byLengthPosition).map(([length, ps]) => (
          <tr key={length}>
            <th>{length}</th>
            {ps.map((p, b) => (
              <td key={b}>
                <button
                  type="button"
                  className="heat"
                  style={Number.isFinite(p.accuracy) ? heatColour(p.accuracy) : {}}
                  aria-pressed={cell?.length === Number(length) && cell.bucket === b}
                  title={`${pct(p.accuracy)}% of ${p.n} items, 95% CI ${pct(p.ci95[0])}–${pct(p.ci95[1])}%`}
                  data-testid={`heat-${length}-${b}`}
                  onClick={() => setEvaluation({ cell: { length: Number(length), bucket: b } })}
                >
                  {pct(p.accuracy)}
                  <small> n {p.n}</small>
                </button>
              </td>
            ))}
            {Array.from({ length: buckets - ps.length }, (_, k) => (
              <td key={`pad-${k}`} />
            ))}
            <td>{withCi(result.summed.byLength[length])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CellItems({ result }: { result: EvalResult }) {
  const cell = useStudio((s) => s.evaluation.cell);
  if (!cell) return <p className="muted">Click a cell to see its items.</p>;
  const items = result.items.filter((i) => i.length === cell.length && i.bucket === cell.bucket).slice(0, 40);
  return (
    <div className="triple-list" data-testid="cell-items">
      {items.map((it) => {
        const best = it.scores.indexOf(Math.max(...it.scores));
        return (
          <div key={it.id} className="triple">
            <p>
              <strong>{it.correctSum ? '✓' : '✗'}</strong> {it.question} <span className="muted">({it.family})</span>
            </p>
            <ul>
              {it.candidates.map((c, k) => (
                <li key={k}>
                  {k === best ? <strong>{c}</strong> : c} {c === it.answer ? '(correct)' : ''} <span className="muted">log p {it.scores[k]?.toFixed(2)}</span>
                </li>
              ))}
            </ul>
            <p className="muted">
              {it.length} clips, anchor at {it.position + 1}: {it.anchor}
            </p>
          </div>
        );
      })}
    </div>
  );
}

/** Evaluate (issue #13): the held-out probe per run, curves, a heatmap, per-family accuracy, items, exports. */
export function EvaluatePage() {
  const runs = useStudio((s) => s.train.runs);
  const checkpoints = useStudio((s) => s.train.checkpoints);
  const active = useStudio((s) => s.evaluation.active);
  const shownRunId = useStudio((s) => s.evaluation.shownRunId);
  const setEvaluation = useStudio((s) => s.setEvaluation);
  useEffect(() => {
    void refreshTraining();
  }, []);
  const trained = runs.filter((r) => checkpoints.some((c) => c.runId === r.id));
  const evaluated = trained.flatMap((r) => {
    const result = evaluationOf(r);
    return result ? [{ id: r.id, run: r, result }] : [];
  });
  const shown = evaluated.find((e) => e.id === shownRunId) ?? evaluated[0];
  const lengths = [...new Set(evaluated.flatMap((e) => Object.keys(e.result.summed.byLength)))].sort((a, b) => Number(a) - Number(b));
  return (
    <section aria-labelledby="evaluate-title">
      <h1 id="evaluate-title">Evaluate</h1>
      <ReproducePanel />
      <section className="card" aria-labelledby="probe-title">
        <h2 id="probe-title">Held-out probe</h2>
        <p className="muted">
          Anchored questions on clips of a demo world with another seed (never in the library, never trained on), hidden among 1–32 clips at spread positions with Stage 1 distractors. Each is multiple choice over the correct answer, the distractors&apos; answers and other values of its family, scored by the answer&apos;s log-probability. The paper&apos;s Figure 1 at small scale.
        </p>
        <EvalForm />
        {active ? <ProgressBar progress={active.progress} label={`Evaluating ${active.runId}`} onCancel={cancelEvaluation} /> : null}
        {trained.length === 0 ? (
          <p className="muted">No trained runs yet: train SFT and Stage 1 in Train first.</p>
        ) : (
          <table className="results" aria-label="Runs to evaluate">
            <thead>
              <tr>
                <th>run</th>
                <th>stage</th>
                <th>reference</th>
                {lengths.map((l) => (
                  <th key={l}>{l === '1' ? '1 clip' : `${l} clips`}</th>
                ))}
                <th title="Stage 2 probe: correct vs degraded-context answer on the held-out long videos (chance 50%)">Stage 2: full video</th>
                <th title="The same questions with only the scenes each one cites">Stage 2: cited scenes</th>
                <th title="The same questions, the wrong answer a guess of the correct answer's form (another object, count or order): only looking tells them apart (chance 50%)">Stage 2, same form: full video</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {trained.map((r) => {
                const e = evaluationOf(r);
                return (
                  <tr key={r.id} data-testid={`eval-run-${r.id}`} aria-selected={shown?.id === r.id}>
                    <td>
                      <button type="button" className="link" disabled={!e} onClick={() => setEvaluation({ shownRunId: r.id, cell: null })}>
                        {r.id}
                      </button>
                    </td>
                    <td>{r.stage}</td>
                    <td>{refOf(r)}</td>
                    {lengths.map((l) => (
                      <td key={l}>{e ? withCi(e.summed.byLength[l]) : ''}</td>
                    ))}
                    <td data-testid={`stage2-full-${r.id}`}>{e ? stage2Cell(e, 'full') : ''}</td>
                    <td>{e ? stage2Cell(e, 'cited') : ''}</td>
                    <td data-testid={`stage2-same-form-${r.id}`}>{e ? stage2Cell(e, 'full', 'same-form') : ''}</td>
                    <td>
                      <button type="button" disabled={active !== null} onClick={() => void evaluateRun(r.id)} aria-label={`Evaluate ${r.id}`}>
                        {e ? 'Evaluate again' : 'Evaluate'}
                      </button>{' '}
                      <button
                        type="button"
                        disabled={active !== null}
                        onClick={() => void evaluateRun(r.id, { blind: true })}
                        aria-label={`Evaluate ${r.id} blind`}
                        title="The question-only baseline: the same items with every clip hidden"
                      >
                        Blind
                      </button>{' '}
                      <button
                        type="button"
                        disabled={active !== null}
                        onClick={() => void evaluateRun(r.id, { hideAnchor: true })}
                        aria-label={`Evaluate ${r.id} with the anchor hidden`}
                        title="The same items with only the anchor hidden, distractors kept: what reading the anchor adds"
                      >
                        Anchor hidden
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <PairedChanges evaluated={evaluated} lengths={lengths} />
        <AcceptanceTable evaluated={evaluated} lengths={lengths} />
        <LookingTable evaluated={evaluated} lengths={lengths} />
        <ReadingTable evaluated={evaluated} lengths={lengths} />
        {evaluated.length > 0 ? (
          <p className="actions">
            <button type="button" onClick={() => exportEvaluationsJson(evaluated.map((e) => e.run))}>
              Export JSON
            </button>
            <button type="button" onClick={() => exportEvaluationsCsv(evaluated.map((e) => e.run))}>
              Export CSV
            </button>
            <button type="button" title="One heatmap of accuracy by clips × anchor position per evaluated run, values printed in the cells" onClick={() => exportEvaluationsSvg(evaluated.map((e) => e.run))}>
              Export heatmaps (SVG)
            </button>
          </p>
        ) : null}
      </section>
      {evaluated.length > 0 ? (
        <section className="card" aria-labelledby="curves-title">
          <h2 id="curves-title">Accuracy by length</h2>
          <AccuracyChart runs={evaluated.map((e) => ({ id: e.id, result: e.result }))} />
          <p className="muted">Chance: {Object.entries(evaluated[0]?.result.summed.chance ?? {}).map(([l, c]) => `${l} clips ${pct(c)}%`).join(', ')}. 95% Wilson intervals in the table above.</p>
        </section>
      ) : null}
      {shown ? (
        <section className="card" aria-labelledby="heat-title">
          <h2 id="heat-title">
            {shown.id}: by length and anchor position
          </h2>
          <p className="muted">
            Held-out world seed {shown.result.heldOutSeed} ({shown.result.size}), checkpoint {shown.result.checkpointId}; {shown.result.report.items} items from {shown.result.report.questions} questions on {shown.result.report.anchors} clips. Summed scoring; per-token scoring at the longest length: {pct(shown.result.lengthNormalised.byLength[lengths.at(-1) ?? '']?.accuracy)}%.
          </p>
          <Heatmap result={shown.result} />
          {shown.result.stage2 ? (
            <>
              <h3>Stage 2 probe by task</h3>
              <p className="muted">
                Held-out cross-scene questions over whole long videos: the correct answer against the answer a degraded context gives (chance 50%), with the whole video and with only the cited scenes as context. Summed scoring;{' '}
                <span data-testid="stage2-per-token">
                  per token: full video {withCi(shown.result.stage2LengthNormalised?.full)}, cited scenes {withCi(shown.result.stage2LengthNormalised?.cited)}
                </span>{' '}
                (summed log-probabilities favour the shorter answer). The degraded-context answers often say what is not seen, a form a model can learn to avoid without looking; the same-form columns ask the same questions with a wrong answer of the correct answer’s form, which only looking tells apart
                {shown.result.stage2SameForm ? (
                  <span data-testid="stage2-same-form-summary">
                    {' '}
                    (full video {withCi(shown.result.stage2SameForm.summed.full)}, cited scenes {withCi(shown.result.stage2SameForm.summed.cited)}; per token {withCi(shown.result.stage2SameForm.lengthNormalised.full)} and {withCi(shown.result.stage2SameForm.lengthNormalised.cited)})
                  </span>
                ) : (
                  ' (not in this evaluation: evaluate again)'
                )}
                .
              </p>
              <table className="results" aria-label="Stage 2 probe by task">
                <thead>
                  <tr>
                    <th>task</th>
                    <th>full video</th>
                    <th>cited scenes</th>
                    <th>n</th>
                    <th>same form: full video</th>
                    <th>same form: cited scenes</th>
                    <th>n</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(shown.result.stage2.full.by_task).map(([t, p]) => {
                    const same = shown.result.stage2SameForm?.summed;
                    return (
                      <tr key={t}>
                        <th>{t.replace(/_/g, ' ')}</th>
                        <td>{withCi(p)}</td>
                        <td>{withCi(shown.result.stage2?.cited.by_task[t])}</td>
                        <td className="muted">{p.n}</td>
                        <td>{withCi(same?.full.by_task[t])}</td>
                        <td>{withCi(same?.cited.by_task[t])}</td>
                        <td className="muted">{same?.full.by_task[t]?.n ?? '—'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          ) : null}
          <h3>By question family</h3>
          <p className="muted">Accuracy (%) per family over every length, then at each length: which questions a longer context costs, and which a stage wins back. Hover a cell for its interval and n.</p>
          <table className="results" aria-label="Accuracy by question family">
            <thead>
              <tr>
                <th>family</th>
                <th>all lengths</th>
                {/* Results stored before the per-length breakdown have no byLengthFamily. */}
                {shown.result.summed.byLengthFamily ? lengths.map((l) => <th key={l}>{l} clip{l === '1' ? '' : 's'}</th>) : null}
                <th>n</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(shown.result.summed.byFamily).map(([f, p]) => (
                <tr key={f} data-testid={`family-${f}`}>
                  <th>{f.replace(/_/g, ' ')}</th>
                  <td>{withCi(p)}</td>
                  {shown.result.summed.byLengthFamily
                    ? lengths.map((l) => {
                        const c = shown.result.summed.byLengthFamily?.[l]?.[f];
                        return (
                          <td key={l} title={c ? `${withCi(c)}, n ${c.n}` : 'no items'}>
                            {c ? pct(c.accuracy) : '—'}
                          </td>
                        );
                      })
                    : null}
                  <td className="muted">{p.n}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Items</h3>
          <CellItems result={shown.result} />
        </section>
      ) : null}
    </section>
  );
}
