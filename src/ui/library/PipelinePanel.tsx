import { useState, type FormEvent } from 'react';
import { DEFAULT_PIPELINE, embedderLabel, LIMITS, pipelineProblems, type BuiltinFeatures, type EmbedderChoice, type PipelineSettings } from '../../core/pipeline';
import { OBJECT_TOKEN_DIM, OBJECT_TOKENS } from '../../core/objectTokens';
import { setPipeline } from '../../state/libraryService';
import { useStudio } from '../../state/store';
import { Problems } from '../common/Problems';

type UrlChoice = Extract<EmbedderChoice, { kind: 'url' }>;
const BLANK_URL: UrlChoice = { kind: 'url', url: '', outputNode: '', inputSize: 224, pixelRange: '0..1' };

const BUILTIN_LABELS: Record<BuiltinFeatures, string> = {
  'mobilenet+colour': 'Default + colour histogram (1856-d: keeps object colours the pooled CNN features lose)',
  regions: 'Region tokens: 5 visual tokens per clip, the frame and its four quadrants, each CNN features + colour histogram (9280-d; embedding and training take about 3× longer)',
  objects: `Object tokens: ${OBJECT_TOKENS} visual tokens per clip found by segmenting the pixels — the background and the five largest objects, each its colours, shape, place and texture (${OBJECT_TOKENS * OBJECT_TOKEN_DIM}-d; no network: fast). Made for scenes of flat-coloured objects such as the demo world`,
};

function NumberField({ id, label, value, step, range, unit, onChange }: { id: string; label: string; value: number; step: number; range: readonly [number, number]; unit: string; onChange: (v: number) => void }) {
  return (
    <label htmlFor={id} className="field">
      <span>{label}</span>
      <input id={id} type="number" inputMode="decimal" value={Number.isFinite(value) ? value : ''} step={step} min={range[0]} max={range[1]} onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))} />
      <span className="muted">{unit}</span>
    </label>
  );
}

/** Sampling rate, clip length, scene detection and embedder used by the next imports. */
export function PipelinePanel() {
  const saved = useStudio((s) => s.library.pipeline);
  const [draft, setDraft] = useState<PipelineSettings>(saved);
  const [customUrl, setCustomUrl] = useState<UrlChoice>(saved.embedder.kind === 'url' ? saved.embedder : BLANK_URL);
  const problems = pipelineProblems(draft);
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  const patch = (p: Partial<PipelineSettings>) => setDraft((d) => ({ ...d, ...p }));
  const patchUrl = (p: Partial<UrlChoice>) => {
    const next = { ...customUrl, ...p };
    setCustomUrl(next);
    patch({ embedder: next });
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void setPipeline(draft);
  };

  return (
    <details className="card" data-testid="pipeline-settings">
      <summary>
        Import settings: {saved.fps} fps · {saved.clipS} s clips · scene cut at {saved.sceneThreshold} · {embedderLabel(saved.embedder)}
      </summary>
      <form onSubmit={onSubmit} aria-label="Import settings" noValidate>
        <div className="fields">
          <NumberField id="pipe-fps" label="Sampling rate" value={draft.fps} step={0.1} range={LIMITS.fps} unit="frames per second (paper: 1)" onChange={(fps) => patch({ fps })} />
          <NumberField id="pipe-clip" label="Clip length" value={draft.clipS} step={1} range={LIMITS.clipS} unit="s (anchors: up to 64 frames)" onChange={(clipS) => patch({ clipS })} />
          <NumberField id="pipe-cut" label="Scene threshold" value={draft.sceneThreshold} step={0.01} range={LIMITS.sceneThreshold} unit="cosine distance between consecutive frames" onChange={(sceneThreshold) => patch({ sceneThreshold })} />
          <NumberField id="pipe-min" label="Minimum scene length" value={draft.minSceneS} step={1} range={LIMITS.minSceneS} unit="s" onChange={(minSceneS) => patch({ minSceneS })} />
        </div>
        <fieldset>
          <legend>Embedder</legend>
          <label>
            <input type="radio" name="embedder" checked={draft.embedder.kind === 'default'} onChange={() => patch({ embedder: { kind: 'default' } })} /> Default: MobileNetV2 ×1.4 (1792-d, 224 px, ships with the app, offline)
          </label>
          {(Object.keys(BUILTIN_LABELS) as BuiltinFeatures[]).map((features) => (
            <label key={features}>
              <input type="radio" name="embedder" value={features} checked={draft.embedder.kind === 'features' && draft.embedder.features === features} onChange={() => patch({ embedder: { kind: 'features', features } })} /> {BUILTIN_LABELS[features]}
            </label>
          ))}
          <label>
            <input type="radio" name="embedder" checked={draft.embedder.kind === 'url'} onChange={() => patch({ embedder: customUrl })} /> A TF.js graph model by URL
          </label>
          {draft.embedder.kind === 'url' ? (
            <div className="fields">
              <label htmlFor="pipe-url" className="field wide">
                <span>model.json URL</span>
                <input id="pipe-url" type="text" inputMode="url" spellCheck={false} placeholder="https://… or /models/…/model.json" value={customUrl.url} onChange={(e) => patchUrl({ url: e.target.value })} />
              </label>
              <label htmlFor="pipe-node" className="field wide">
                <span>Output node</span>
                <input id="pipe-node" type="text" placeholder="e.g. …/global_average_pooling2d/Mean" value={customUrl.outputNode} onChange={(e) => patchUrl({ outputNode: e.target.value })} />
              </label>
              <NumberField id="pipe-size" label="Input size" value={customUrl.inputSize} step={1} range={LIMITS.inputSize} unit="px (square)" onChange={(inputSize) => patchUrl({ inputSize })} />
              <label htmlFor="pipe-range" className="field">
                <span>Pixel range</span>
                <select id="pipe-range" value={customUrl.pixelRange} onChange={(e) => patchUrl({ pixelRange: e.target.value === '-1..1' ? '-1..1' : '0..1' })}>
                  <option value="0..1">0 … 1</option>
                  <option value="-1..1">−1 … 1</option>
                </select>
              </label>
            </div>
          ) : null}
        </fieldset>
        <Problems items={problems} testId="pipeline-problems" />
        <p className="muted">
          New imports use these settings. Videos imported with other settings show <em>Update</em>: clip and scene changes are recomputed in seconds;
          a new rate or model decodes again (embeddings already computed for a setting are reused, never computed twice). Training uses the clips
          of one embedder, and a run evaluates on a held-out world embedded with the embedder chosen here: keep it the one the run trained on.
          The scene threshold was calibrated on the default embedder; a custom model needs its own: see docs/results.md, “Scene threshold”.
        </p>
        <p className="actions">
          <button type="submit" disabled={!dirty || problems.length > 0}>
            Save import settings
          </button>
          <button type="button" disabled={!dirty} onClick={() => setDraft(saved)}>
            Discard changes
          </button>
          <button type="button" onClick={() => setDraft(DEFAULT_PIPELINE)}>
            Defaults
          </button>
        </p>
      </form>
    </details>
  );
}
