import { useState, type FormEvent } from 'react';
import { MAX_FRAMES_PER_CLIP } from '../../core/synthesis/stage1';
import { useStudio } from '../../state/store';
import { cancelSynthesis, FRAME_BUDGETS, runStage1, stage1FormProblems } from '../../state/synthService';
import type { Stage1Form } from '../../state/synthSlice';
import { ProgressBar } from '../common/ProgressBar';
import { Problems } from '../common/Problems';

const GENERATOR_NAMES = { oracle: 'the demo-world oracle', imported: 'imported annotations', endpoint: 'the OpenAI-compatible endpoint' } as const;

function NumberField({ id, label, value, step, min, max, note, onChange }: { id: string; label: string; value: number; step: number; min: number; max: number; note: string; onChange: (v: number) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" value={Number.isFinite(value) ? value : ''} step={step} min={min} max={max} onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))} />
      <span className="muted">{note}</span>
    </div>
  );
}

/** Stage 1 parameters, Run / Cancel and progress (docs/stage1.md explains each parameter). */
export function Stage1Panel() {
  const saved = useStudio((s) => s.synth.form);
  const run = useStudio((s) => s.synth.run);
  const generator = useStudio((s) => s.generators.active);
  const [form, setForm] = useState<Stage1Form>(saved);
  const [attempted, setAttempted] = useState(false);
  const problems = attempted ? stage1FormProblems(form) : [];
  const patch = (p: Partial<Stage1Form>) => setForm((f) => ({ ...f, ...p }));
  const slots = Math.floor(form.frameBudget / form.framesPerClip);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    if (stage1FormProblems(form).length > 0) return;
    setAttempted(false);
    void runStage1(form);
  };

  return (
    <section className="card" aria-labelledby="stage1-title" data-testid="stage1-panel">
      <h2 id="stage1-title">Stage 1: anchored short-to-long triples</h2>
      <p className="muted">
        Each triple hides an anchor clip among distractor clips from other videos up to the frame budget. The question is answerable only from the
        anchor; <em>chosen</em> is its answer, <em>rejected</em> the answer from the distractors. Questions and answers come from{' '}
        {GENERATOR_NAMES[generator]} (Settings → Generators).
      </p>
      <form onSubmit={onSubmit} aria-label="Stage 1 parameters" noValidate>
        <fieldset disabled={run !== null} className="fields">
          <NumberField id="s1-count" label="Triples" value={form.count} step={1} min={1} max={100000} note="wanted" onChange={(count) => patch({ count })} />
          <div className="field">
            <label htmlFor="s1-budget">Frame budget</label>
            <select id="s1-budget" value={form.frameBudget} onChange={(e) => patch({ frameBudget: Number(e.target.value) })}>
              {FRAME_BUDGETS.map((b) => (
                <option key={b} value={b}>
                  {b} frames
                </option>
              ))}
            </select>
            <span className="muted">{Number.isFinite(slots) && slots >= 2 ? `${slots} clips if each gives ${form.framesPerClip} frames; more if shorter` : ''}</span>
          </div>
          <NumberField id="s1-fpc" label="Frames per clip" value={form.framesPerClip} step={1} min={1} max={MAX_FRAMES_PER_CLIP} note={`at most ${MAX_FRAMES_PER_CLIP}; shorter clips give all theirs`} onChange={(framesPerClip) => patch({ framesPerClip })} />
          <NumberField id="s1-threshold" label="Similarity threshold" value={form.similarityThreshold} step={0.01} min={0} max={1} note="cosine; above it a distractor is replaced" onChange={(similarityThreshold) => patch({ similarityThreshold })} />
          <NumberField id="s1-seed" label="Seed" value={form.seed} step={1} min={0} max={4294967295} note="same seed, same triples" onChange={(seed) => patch({ seed })} />
          <div className="field">
            <label>
              <input type="checkbox" checked={form.specificityFilter} onChange={(e) => patch({ specificityFilter: e.target.checked })} /> Question-specificity filter
            </label>
            <span className="muted">drop questions other clips can answer</span>
          </div>
        </fieldset>
        <Problems items={problems} testId="stage1-problems" />
        <p className="actions">
          <button type="submit" disabled={run !== null}>
            Synthesize Stage 1
          </button>
        </p>
      </form>
      {run ? <ProgressBar progress={run.progress} label="Synthesizing Stage 1 triples" onCancel={cancelSynthesis} /> : null}
    </section>
  );
}
