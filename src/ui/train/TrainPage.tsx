import { useEffect, useState, type FormEvent } from 'react';
import { LOSS_TYPES } from '../../core/train/dpoLoss';
import { formatBytes } from '../../core/format';
import { useStudio } from '../../state/store';
import { downloadCheckpoint, formProblems, pauseTraining, refreshTraining, removeCheckpoint, removeRun, resumeTraining, selectRun, setTrainStage, startTraining, uploadCheckpoint } from '../../state/trainService';
import type { TrainForm } from '../../state/trainSlice';
import { FileButton } from '../common/FileButton';
import { LAYOUT_LABELS, SFT_QUESTION_LABELS } from './layoutLabels';
import { ProgressBar } from '../common/ProgressBar';
import { Problems } from '../common/Problems';
import { MetricsChart } from './MetricsChart';

const STAGES = [
  { id: 'sft', label: 'SFT (single clips)' },
  { id: 'stage1', label: 'Stage 1 DPO' },
  { id: 'stage2', label: 'Stage 2 DPO' },
] as const;

function Num({ id, label, value, step, note, onChange }: { id: string; label: string; value: number; step: number; note?: string; onChange: (v: number) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" value={Number.isFinite(value) ? value : ''} step={step} onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))} />
      {note ? <span className="muted">{note}</span> : null}
    </div>
  );
}

/** A labelled choice among `labels`' keys, shown by their labels. */
function Pick<T extends string>({ id, label, value, labels, note, onChange }: { id: string; label: string; value: T; labels: Record<T, string>; note: string; onChange: (v: T) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {(Object.keys(labels) as T[]).map((k) => (
          <option key={k} value={k}>
            {labels[k]}
          </option>
        ))}
      </select>
      <span className="muted">{note}</span>
    </div>
  );
}

function TrainFormPanel() {
  const form = useStudio((s) => s.train.form);
  const active = useStudio((s) => s.train.active);
  const checkpoints = useStudio((s) => s.train.checkpoints);
  const runs = useStudio((s) => s.train.runs);
  const setTrain = useStudio((s) => s.setTrain);
  const [attempted, setAttempted] = useState(false);
  const problems = attempted ? formProblems(form) : [];
  const patch = (p: Partial<TrainForm>) => setTrain({ form: { ...form, ...p } });
  const stageOf = (runId: string) => runs.find((r) => r.id === runId)?.stage ?? '?';
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    if (formProblems(form).length > 0) return;
    setAttempted(false);
    void startTraining(form);
  };
  const dpo = form.stage !== 'sft';
  return (
    <section className="card" aria-labelledby="train-form-title">
      <h2 id="train-form-title">New run</h2>
      <p className="muted">
        SFT teaches the short-context model on single clips; Stage 1 DPO starts from an SFT checkpoint (chosen: the anchor&apos;s answer, rejected: the distractors&apos;), Stage 2 from a Stage 1 checkpoint. The initial checkpoint is also the frozen reference. Defaults train on the demo world in a minute or two.
      </p>
      <form onSubmit={onSubmit} aria-label="Training settings" noValidate>
        <fieldset disabled={active !== null} className="fields">
          <div className="field">
            <label htmlFor="t-stage">Stage</label>
            <select id="t-stage" value={form.stage} onChange={(e) => setTrainStage(e.target.value as TrainForm['stage'])}>
              {STAGES.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
          {dpo ? (
            <>
              <div className="field wide">
                <label htmlFor="t-init">Initial checkpoint</label>
                <select id="t-init" value={form.initCheckpointId} onChange={(e) => patch({ initCheckpointId: e.target.value })}>
                  <option value="">— choose —</option>
                  {checkpoints.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.id} ({stageOf(c.runId)}, step {c.step})
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="t-ref">Reference</label>
                <select id="t-ref" value={form.refMode} onChange={(e) => patch({ refMode: e.target.value as TrainForm['refMode'] })}>
                  <option value="anchor">anchor-only (paper)</option>
                  <option value="full">full context</option>
                </select>
              </div>
              <div className="field">
                <label htmlFor="t-loss">Loss</label>
                <select id="t-loss" value={form.lossType} onChange={(e) => patch({ lossType: e.target.value as TrainForm['lossType'] })}>
                  {LOSS_TYPES.map((l) => (
                    <option key={l} value={l}>
                      {l}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label>
                  <input type="checkbox" checked={form.dataSelection === 'accepted'} onChange={(e) => patch({ dataSelection: e.target.checked ? 'accepted' : 'all' })} /> Accepted triples only
                </label>
                <span className="muted">accepted or edited in Review (edits are applied either way)</span>
              </div>
              <Num id="t-beta" label="β" value={form.beta} step={0.01} onChange={(beta) => patch({ beta })} />
              <Num id="t-alpha" label="α (SFT term)" value={form.alpha} step={0.1} onChange={(alpha) => patch({ alpha })} />
              {form.stage === 'stage2' ? (
                <Num id="t-replay" label="Stage 1 replay" value={form.replay ?? 0} step={0.5} note="Stage 1 pairs mixed in, per Stage 2 pair (0: off, the paper; 1 keeps the Stage 1 skill)" onChange={(replay) => patch({ replay })} />
              ) : null}
              {form.stage === 'stage2' ? (
                <div className="field">
                  <label>
                    <input type="checkbox" checked={form.citedOnly === true} onChange={(e) => patch({ citedOnly: e.target.checked })} /> Cited scenes only
                  </label>
                  <span className="muted">each query with only the scenes it cites, for a supervised step (β near 0) before Stage 2 on whole videos; replay pairs unchanged</span>
                </div>
              ) : null}
              {form.stage === 'stage1' ? (
                <Num id="t-composite" label="Clips per composite" value={form.compositeClips ?? 0} step={1} note="0: as synthesized, the paper; 2 or 4: a shorter curriculum step (the anchor and K − 1 of its distractors)" onChange={(compositeClips) => patch({ compositeClips })} />
              ) : null}
              {form.stage === 'stage1' ? (
                <div className="field">
                  <label>
                    <input type="checkbox" checked={form.keepSlots === true} onChange={(e) => patch({ keepSlots: e.target.checked })} /> Keep every slot
                  </label>
                  <span className="muted">with 2 or more clips per composite: those clips repeated over every slot, the anchor in any of them (the spread recipe)</span>
                </div>
              ) : null}
              {form.stage === 'stage1' ? (
                <Num id="t-single-clip" label="Single-clip pairs" value={form.singleClip ?? 0} step={0.25} note="share of the pairs trained once more with the anchor alone (0: off, the paper)" onChange={(singleClip) => patch({ singleClip })} />
              ) : null}
            </>
          ) : (
            <>
              <Num id="t-width" label="Width" value={form.width} step={16} onChange={(width) => patch({ width })} />
              <Num id="t-depth" label="Layers" value={form.depth} step={1} onChange={(depth) => patch({ depth })} />
              <Num id="t-heads" label="Heads" value={form.heads} step={1} onChange={(heads) => patch({ heads })} />
              <Num id="t-context" label="Context" value={form.context} step={64} note="tokens: the longest sequence (clips' visual tokens + question + answer)" onChange={(context) => patch({ context })} />
              <Pick id="t-layout" label="Layout" value={form.layout} labels={LAYOUT_LABELS} note="where the question sits; Stage 1 and 2 keep their checkpoint's" onChange={(layout) => patch({ layout })} />
              <Pick id="t-sft-questions" label="SFT questions" value={form.sftQuestions} labels={SFT_QUESTION_LABELS} note="the demo's oracle can also ask without naming the clip's scene; kept with the run for its resume" onChange={(sftQuestions) => patch({ sftQuestions })} />
            </>
          )}
          <Num id="t-lr" label="Learning rate" value={form.lr} step={0.0001} note="peak; cosine with warm-up" onChange={(lr) => patch({ lr })} />
          <Num id="t-batch" label="Batch" value={form.batchSize} step={1} note={dpo ? 'pairs' : 'samples'} onChange={(batchSize) => patch({ batchSize })} />
          <Num id="t-epochs" label="Epochs" value={form.epochs} step={1} onChange={(epochs) => patch({ epochs })} />
          <Num id="t-steps" label="Steps" value={form.maxSteps} step={1} note="0: all epochs" onChange={(maxSteps) => patch({ maxSteps })} />
          <Num id="t-every" label="Checkpoint every" value={form.checkpointEvery} step={1} note="steps" onChange={(checkpointEvery) => patch({ checkpointEvery })} />
          <Num id="t-seed" label="Seed" value={form.seed} step={1} onChange={(seed) => patch({ seed })} />
        </fieldset>
        <details className="advanced">
          <summary>More settings</summary>
          <fieldset disabled={active !== null} className="fields">
            <Num id="t-warmup" label="Warm-up" value={form.warmupRatio} step={0.05} note="share of the steps" onChange={(warmupRatio) => patch({ warmupRatio })} />
            <Num id="t-wd" label="Weight decay" value={form.weightDecay} step={0.01} note="AdamW, matrices only" onChange={(weightDecay) => patch({ weightDecay })} />
            <Num id="t-clip" label="Gradient clip" value={form.maxGradNorm} step={0.5} note="global norm; 0: off" onChange={(maxGradNorm) => patch({ maxGradNorm })} />
            <Num id="t-accum" label="Accumulation" value={form.gradAccum} step={1} note="micro-batches per step" onChange={(gradAccum) => patch({ gradAccum })} />
            {dpo ? <Num id="t-ls" label="Label smoothing" value={form.labelSmoothing} step={0.05} note="robust loss ε" onChange={(labelSmoothing) => patch({ labelSmoothing })} /> : null}
            {dpo ? (
              <div className="field">
                <label>
                  <input type="checkbox" checked={form.cacheRef} onChange={(e) => patch({ cacheRef: e.target.checked })} /> Cache reference log-probs
                </label>
                <span className="muted">computed once per triple</span>
              </div>
            ) : null}
          </fieldset>
        </details>
        <Problems items={problems} testId="train-problems" />
        <p className="actions">
          <button type="submit" disabled={active !== null}>
            Start training
          </button>
          <FileButton inputLabel="Checkpoint file" accept=".safetensors" multiple={false} disabled={active !== null} onFiles={(files) => void uploadCheckpoint(files[0] as File)}>
            Upload checkpoint…
          </FileButton>
        </p>
      </form>
    </section>
  );
}

function ActiveRun() {
  const active = useStudio((s) => s.train.active);
  const metrics = useStudio((s) => s.train.metrics);
  if (!active) return null;
  const p = active.progress;
  // Steps/s from the last few steps' own timings (a resumed run starts mid-way).
  const recent = metrics.slice(-5).map((m) => m.step_time_s ?? 0);
  const perStep = recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
  const rate = p && p.label === 'training' && perStep > 0 ? 1 / perStep : 0;
  const left = rate > 0 && p ? (p.total - p.done) / rate : null;
  return (
    <div data-testid="train-active">
      <ProgressBar progress={p} label="Training" />
      <p className="row">
        <span className="muted" data-testid="train-rate">
          {rate > 0 ? `${rate.toFixed(2)} steps/s` : 'starting…'}
          {left !== null ? ` · about ${Math.ceil(left)} s left` : ''}
        </span>
        <button type="button" onClick={pauseTraining} aria-keyshortcuts="p">
          Pause
        </button>
      </p>
    </div>
  );
}

function Runs() {
  const runs = useStudio((s) => s.train.runs);
  const selected = useStudio((s) => s.train.selectedRunId);
  const active = useStudio((s) => s.train.active);
  if (runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <table className="results" aria-label="Runs">
      <thead>
        <tr>
          <th>run</th>
          <th>stage</th>
          <th>status</th>
          <th>step</th>
          <th>parameters</th>
          <th>FLOPs/token</th>
          <th>last loss</th>
          <th>accuracy</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-testid={`run-${r.id}`} aria-selected={r.id === selected}>
            <td>
              <button type="button" className="link" onClick={() => void selectRun(r.id)}>
                {r.id}
              </button>
            </td>
            <td>{r.stage}</td>
            <td data-testid="run-status" title={r.error ?? ''}>
              {active?.runId === r.id ? 'running' : r.status === 'running' ? 'interrupted' : r.status}
            </td>
            <td>
              {r.step ?? 0}/{r.totalSteps ?? '?'}
            </td>
            <td>{r.parameters?.toLocaleString('en') ?? ''}</td>
            <td>{typeof r.model?.flopsPerToken === 'number' ? `${(r.model.flopsPerToken / 1e6).toFixed(2)} M` : ''}</td>
            <td>{r.lastMetrics ? r.lastMetrics.loss?.toFixed(4) : ''}</td>
            <td>{r.lastMetrics ? (r.lastMetrics['rewards/accuracies'] ?? r.lastMetrics.mean_token_accuracy)?.toFixed(3) : ''}</td>
            <td className="row">
              {r.status !== 'done' && active === null ? (
                <button type="button" onClick={() => void resumeTraining(r.id)}>
                  Resume
                </button>
              ) : null}
              {active?.runId !== r.id ? (
                <button type="button" onClick={() => void removeRun(r.id)} aria-label={`Delete run ${r.id}`}>
                  Delete
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Checkpoints() {
  const checkpoints = useStudio((s) => s.train.checkpoints);
  if (checkpoints.length === 0) return null;
  return (
    <section className="card" aria-labelledby="ckpt-title">
      <h2 id="ckpt-title">Checkpoints</h2>
      <p className="muted">safetensors files: weights under their own names (Python&apos;s safetensors reads them), AdamW state, the frozen reference and the run&apos;s state in the metadata.</p>
      <table className="results" aria-label="Checkpoints">
        <thead>
          <tr>
            <th>checkpoint</th>
            <th>step</th>
            <th>size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {checkpoints.map((c) => (
            <tr key={c.id} data-testid={`ckpt-${c.id}`}>
              <td>{c.id}</td>
              <td>{c.step}</td>
              <td>{formatBytes(c.byteLength)}</td>
              <td className="row">
                <button type="button" onClick={() => void downloadCheckpoint(c.id)} aria-label={`Download ${c.id}`}>
                  Download
                </button>
                <button type="button" onClick={() => void removeCheckpoint(c.id)} aria-label={`Delete ${c.id}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Train (issue #12): SFT → Stage 1 → Stage 2 DPO in the compute worker, live metrics, runs and checkpoints. */
export function TrainPage() {
  const loaded = useStudio((s) => s.train.loaded);
  const metrics = useStudio((s) => s.train.metrics);
  const selected = useStudio((s) => s.train.selectedRunId);
  const active = useStudio((s) => s.train.active);
  useEffect(() => {
    void refreshTraining();
  }, []);
  useEffect(() => {
    // P pauses the running training (not while typing in a field).
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key !== 'p' || e.ctrlKey || e.metaKey || e.altKey || (t && ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
      if (useStudio.getState().train.active) pauseTraining();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  return (
    <section aria-labelledby="train-title">
      <h1 id="train-title">Train</h1>
      <TrainFormPanel />
      <section className="card" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <ActiveRun />
        {loaded ? <Runs /> : <p className="muted">Loading…</p>}
        {selected ? (
          <div className="charts" data-testid="train-charts">
            <p className="muted">
              {selected}
              {active?.runId === selected ? ' (live)' : ''}: {metrics.length} steps
            </p>
            <MetricsChart title="Loss" metrics={metrics} keys={['loss', 'nll_loss']} testId="chart-loss" />
            <MetricsChart title="Rewards (β · log-ratio)" metrics={metrics} keys={['rewards/chosen', 'rewards/rejected', 'rewards/margins']} testId="chart-rewards" />
            <MetricsChart title="Accuracy" metrics={metrics} keys={['rewards/accuracies', 'mean_token_accuracy']} testId="chart-accuracy" />
            <MetricsChart title="Gradient norm" metrics={metrics} keys={['grad_norm']} testId="chart-grad" />
            <MetricsChart title="Learning rate" metrics={metrics} keys={['learning_rate']} testId="chart-lr" />
            <MetricsChart title="Speed" metrics={metrics} keys={['tokens_per_s']} testId="chart-speed" />
          </div>
        ) : null}
      </section>
      <Checkpoints />
    </section>
  );
}
