import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { embedderId, samplingKeyOf } from '../../core/pipeline';
import { sceneListFailure } from '../../core/sceneList';
import { MAX_FRAMES_PER_SCENE, STAGE2_DISCARD_REASONS, type Stage2DiscardReason } from '../../core/synthesis/stage2';
import type { Triple } from '../../core/triples/types';
import type { DegradedAnswers } from '../../core/world';
import { studioDb } from '../../storage/db';
import { sceneVideos, type StoredSceneVideo } from '../../storage/scenesRepo';
import { getTriple } from '../../storage/triplesRepo';
import { DEFAULT_STAGE2_FORM, getSetting, setSetting, type Stage2Form } from '../../storage/settingsRepo';
import { useStudio } from '../../state/store';
import { refreshTriples } from '../../state/synthService';
import { computeEngine } from '../../workers/computeClient';
import type { Progress } from '../../workers/rpc';
import type { Stage2Response } from '../../workers/stage2Handlers';
import { FileButton } from '../common/FileButton';
import { Problems } from '../common/Problems';
import { ProgressBar } from '../common/ProgressBar';
import { ResultTable } from '../common/ResultTable';
import { Stage2Preview } from './Stage2Preview';
import { Stage2Scenes } from './Stage2Scenes';


const REASONS: Record<Stage2DiscardReason, string> = {
  duplicate: 'duplicate of a kept query',
  no_citation: 'reasoning cites no scene',
  unknown_scene: 'reasoning cites a scene the video does not have',
  too_few_citations: 'reasoning cites fewer than two scenes',
  unparseable: 'generator reply could not be read',
  rejected_equals_chosen: 'rejected answer equals chosen',
  generator_unavailable: 'generator could not answer',
};

export function stage2FormProblems(f: Stage2Form): string[] {
  const out: string[] = [];
  if (!Number.isInteger(f.seed) || f.seed < 0 || f.seed > 2 ** 32 - 1) out.push('Seed must be a whole number from 0 to 4294967295.');
  if (!Number.isInteger(f.count) || f.count < 1 || f.count > 100_000) out.push('Triples must be a whole number from 1 to 100000.');
  if (!(f.partialEvidenceShare >= 0 && f.partialEvidenceShare <= 1)) out.push('Partial-evidence share must be a number from 0 to 1.');
  if (!Number.isInteger(f.framesPerScene) || f.framesPerScene < 1 || f.framesPerScene > MAX_FRAMES_PER_SCENE) out.push(`Frames per scene must be a whole number from 1 to ${MAX_FRAMES_PER_SCENE}.`);
  if (!(f.minVideoS >= 0)) out.push('Shortest video must be a number of seconds ≥ 0.');
  return out;
}

function NumberField({ id, label, value, step, note, onChange }: { id: string; label: string; value: number; step: number; note: string; onChange: (v: number) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" value={Number.isFinite(value) ? value : ''} step={step} onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))} />
      <span className="muted">{note}</span>
    </div>
  );
}

type Job = { kind: 'caption' | 'synth' | 'import'; progress: Progress | null };

/** Stage 2 (issue #10): scenes of the long videos, recursive captions, cross-scene triples, report and preview. */
export function Stage2Panel() {
  const pipeline = useStudio((s) => s.library.pipeline);
  const reportError = useStudio((s) => s.reportError);
  const modelId = embedderId(pipeline.embedder);
  const [form, setForm] = useState<Stage2Form>(DEFAULT_STAGE2_FORM);
  // The form as last used (kept in settings when a run starts), unless the user already typed.
  const typed = useRef(false);
  useEffect(() => {
    let live = true;
    studioDb()
      .then((db) => getSetting(db, 'stage2Form'))
      .then((f) => live && !typed.current && setForm({ ...DEFAULT_STAGE2_FORM, ...f }))
      .catch((e: unknown) => reportError('Could not read the Stage 2 settings', e));
    return () => {
      live = false;
    };
  }, [reportError]);
  const [attempted, setAttempted] = useState(false);
  const [videos, setVideos] = useState<StoredSceneVideo[] | null>(null);
  // Videos cut again since their Stage 2 triples were made (those triples were removed).
  const [recut, setRecut] = useState<string[]>([]);
  const [job, setJob] = useState<Job | null>(null);
  const [imported, setImported] = useState<string | null>(null);
  const [last, setLast] = useState<(Stage2Response & { seconds: number; preview: Triple[] }) | null>(null);
  const controller = useRef<AbortController | null>(null);
  const patch = (p: Partial<Stage2Form>) => {
    typed.current = true;
    setForm((f) => ({ ...f, ...p }));
  };
  const problems = attempted ? stage2FormProblems(form) : [];

  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let live = true;
    studioDb()
      .then(async (db) => {
        const [all, names] = await Promise.all([sceneVideos(db, modelId), getSetting(db, 'stage2Recut')]);
        if (!live) return;
        setVideos(all.filter((v) => v.scenes.length >= 2));
        setRecut(names);
      })
      .catch((e: unknown) => reportError('Could not read the scenes', e));
    return () => {
      live = false;
    };
  }, [modelId, reportError, generation]);

  const start = async <T,>(kind: Job['kind'], title: string, work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<T>): Promise<T | null> => {
    if (controller.current) return null;
    const c = new AbortController();
    controller.current = c;
    setJob({ kind, progress: null });
    try {
      return await work(c.signal, (progress) => setJob({ kind, progress }));
    } catch (e) {
      if (!c.signal.aborted) reportError(title, e);
      return null;
    } finally {
      controller.current = null;
      setJob(null);
      reload();
    }
  };

  const caption = (videoId: string, from?: number) =>
    void start('caption', 'Scene captioning failed', (signal, onProgress) => computeEngine()['stage2.caption']({ modelId, videoId, ...(from !== undefined && { from }) }, { signal, onProgress }));

  // A scene list replaces the named videos' detected scenes (all or nothing; docs/stage2.md).
  const importSceneList = (file: File) =>
    void start('import', 'Scene list not imported', async (signal, onProgress) => {
      const res = await computeEngine()['stage2.importScenes']({ file, name: file.name, modelId, samplingKey: samplingKeyOf(pipeline), fps: pipeline.fps }, { signal, onProgress });
      if (!res.ok) throw sceneListFailure(file.name, res.errors, res.moreErrors);
      setImported(
        `${file.name}: ${res.scenes} scenes of ${res.videos} video${res.videos === 1 ? '' : 's'} imported${res.captions ? `, ${res.captions} with captions` : ''}.` +
          (res.stage2Removed > 0 ? ` The scenes changed, so ${res.stage2Removed} Stage 2 triple${res.stage2Removed === 1 ? '' : 's'} citing the old ones ${res.stage2Removed === 1 ? 'was' : 'were'} removed: synthesize Stage 2 again.` : ''),
      );
      if (res.stage2Removed > 0) await refreshTriples();
      return res;
    });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    if (stage2FormProblems(form).length > 0) return;
    setAttempted(false);
    const t0 = Date.now();
    void start('synth', 'Stage 2 synthesis failed', async (signal, onProgress) => {
      await setSetting(await studioDb(), 'stage2Form', form);
      const res = await computeEngine()['synth.stage2']({ ...form, modelId }, { signal, onProgress });
      const db = await studioDb();
      const preview = (await Promise.all(res.ids.slice(0, 8).map((id) => getTriple(db, id)))).filter((t): t is Triple => t !== undefined);
      setLast({ ...res, seconds: (Date.now() - t0) / 1000, preview });
      await refreshTriples();
      return res;
    });
  };

  const long = (videos ?? []).filter((v) => (v.video.durationS ?? 0) >= form.minVideoS);
  const report = last?.report;
  return (
    <section className="card" aria-labelledby="stage2-title" data-testid="stage2-panel">
      <h2 id="stage2-title">Stage 2: cross-scene reasoning on long videos</h2>
      <p className="muted">
        Each long video is split into its detected scenes. Scenes are captioned in order, each caption written with the captions of the scenes before it. The generator then writes a
        question that needs several scenes, with reasoning citing them as “Scene #N”; <em>chosen</em> is the answer from the cited scenes, <em>rejected</em> the answer from a degraded
        context: part of the cited scenes (partial evidence) or only scenes it does not cite (irrelevance).
      </p>
      {recut.length > 0 ? (
        <p className="notice notice-warning" role="status" data-testid="stage2-recut">
          The scenes of {recut.length <= 3 ? recut.join(', ') : `${recut.slice(0, 3).join(', ')} and ${recut.length - 3} more`} were cut again after Stage 2 triples were made of them, so those
          triples were removed. Synthesize Stage 2 again to write triples for the new scenes.
        </p>
      ) : null}
      <form onSubmit={onSubmit} aria-label="Stage 2 parameters" noValidate>
        <fieldset disabled={job !== null} className="fields">
          <NumberField id="s2-count" label="Stage 2 triples" value={form.count} step={1} note="wanted" onChange={(count) => patch({ count })} />
          <NumberField id="s2-share" label="Partial-evidence share" value={form.partialEvidenceShare} step={0.1} note="of rejected answers; the rest by irrelevance" onChange={(partialEvidenceShare) => patch({ partialEvidenceShare })} />
          <NumberField id="s2-fps" label="Frames per scene" value={form.framesPerScene} step={1} note={`in the long input, at most ${MAX_FRAMES_PER_SCENE}`} onChange={(framesPerScene) => patch({ framesPerScene })} />
          <NumberField id="s2-min" label="Shortest video (s)" value={form.minVideoS} step={10} note="shorter videos are not Stage 2 material" onChange={(minVideoS) => patch({ minVideoS })} />
          <NumberField id="s2-seed" label="Stage 2 seed" value={form.seed} step={1} note="same seed, same triples" onChange={(seed) => patch({ seed })} />
          <div className="field">
            <label htmlFor="s2-rejected">Rejected answers</label>
            <select id="s2-rejected" value={form.rejected ?? 'honest'} onChange={(e) => patch({ rejected: e.target.value as DegradedAnswers })}>
              <option value="honest">honest: says what the context does not show</option>
              <option value="guess">guessed: an answer of the full form, as a model answering anyway</option>
            </select>
            <span className="muted">demo-world oracle only; guessed rejected answers share the chosen answer’s form, so a policy cannot tell them apart without the video</span>
          </div>
        </fieldset>
        <Problems items={problems} testId="stage2-problems" />
        <p className="actions">
          <button type="submit" disabled={job !== null}>
            Synthesize Stage 2
          </button>
        </p>
      </form>
      {job ? <ProgressBar progress={job.progress} label={job.kind === 'caption' ? 'Captioning scenes' : job.kind === 'import' ? 'Importing the scene list' : 'Synthesizing Stage 2 triples'} onCancel={() => controller.current?.abort()} /> : null}
      {report && last ? (
        <div data-testid="stage2-report">
          <p data-testid="stage2-summary">
            {report.produced} of {report.requested} Stage 2 triples from {report.videos.filter((v) => v.skipped === null).length} videos in {last.seconds.toFixed(1)} s ({last.added} new, {last.kept} already stored) ·{' '}
            {report.attempted} queries · {last.generator}
            {report.exhausted ? ' · the videos ran out of new queries before the count was reached' : ''}
          </p>
          {report.firstGeneratorProblem ? <p className="muted">The generator could not serve everything; the first reason: {report.firstGeneratorProblem}</p> : null}
          <ResultTable
            label="Stage 2 counts"
            columns={['what', 'count']}
            rows={[
              ...Object.entries(report.byTaskType).map(([k, n]) => ({ key: `task-${k}`, what: `task type: ${k.replace(/_/g, ' ')}`, n })),
              ...Object.entries(report.byStrategy).map(([k, n]) => ({ key: `strategy-${k}`, what: `rejected by ${k.replace(/_/g, ' ')}`, n })),
              ...STAGE2_DISCARD_REASONS.map((r) => ({ key: `discard-${r}`, what: `discarded: ${REASONS[r]}`, n: report.discarded[r] })),
            ]}
            rowKey={(r) => r.key}
            rowAttributes={(r) => ({ 'data-testid': `stage2-${r.key}` })}
            cells={(r) => [r.what, r.n]}
            jsonTestId="stage2-report-json"
            json={report}
          />
          <ResultTable
            label="Stage 2 time per video"
            columns={['video', 'scenes', 'triples', 'captioned', 'captions (s)', 'queries (s)']}
            rows={report.videos}
            rowKey={(v) => v.videoId}
            cells={(v) => [v.videoName, v.scenes, v.skipped ?? v.produced, v.captioned, (v.captionMs / 1000).toFixed(1), (v.queryMs / 1000).toFixed(1)]}
          />
          <Stage2Preview triples={last.preview} />
        </div>
      ) : null}
      <h3>Scenes of the long videos</h3>
      <p className="actions">
        <FileButton inputLabel="Import scene list" accept=".jsonl,.json,application/json" multiple={false} disabled={job !== null} onFiles={(files) => files[0] && importSceneList(files[0])}>
          Import scene list…
        </FileButton>
        <span className="muted"> one scene per line: video, start_s, end_s, optional caption; replaces that video&apos;s detected scenes</span>
      </p>
      {imported ? <p data-testid="scene-list-result">{imported}</p> : null}
      {videos === null ? <p className="muted">Reading the scenes…</p> : <Stage2Scenes videos={long} busy={job !== null} onChanged={reload} onCaption={caption} />}
    </section>
  );
}
