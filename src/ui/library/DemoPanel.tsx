import { useState } from 'react';
import { cancelDemo, DEMO_SIZES, isDemoVideoName, removeDemoWorlds, runDemo, type DemoSize } from '../../state/demoService';
import { useStudio } from '../../state/store';
import { ProgressBar } from '../common/ProgressBar';

/** "Run demo": the demo world rendered, encoded to real WebM files and imported like any video. */
export function DemoPanel() {
  const demo = useStudio((s) => s.library.demo);
  const [size, setSize] = useState<DemoSize>('small');
  const busy = demo !== null && demo.stage !== 'done';
  const [removing, setRemoving] = useState(false);
  // Not while a study, a synthesis or a training run reads the demo's videos and triples.
  const working = useStudio((s) => s.reproduce.running || s.synth.run !== null || s.train.active !== null);
  const [removed, setRemoved] = useState<string | null>(null);
  // Demo videos in the library (named world-s<seed>-…): what "Remove demo worlds" deletes.
  const demoVideos = useStudio((s) => s.library.videos.filter((v) => isDemoVideoName(v.name)).length);
  return (
    <section className="card" aria-labelledby="demo-title" data-testid="demo-panel">
      <h2 id="demo-title">Demo world</h2>
      <p className="muted">
        A seeded world of moving shapes with exact ground truth (captions, questions, answers), made into real video files in this browser and
        imported through the same decoder as your videos. Works offline.
      </p>
      <p className="actions">
        <label htmlFor="demo-size">Size</label>{' '}
        <select id="demo-size" value={size} disabled={busy} onChange={(e) => setSize(e.target.value === 'full' ? 'full' : 'small')}>
          {Object.entries(DEMO_SIZES).map(([id, s]) => (
            <option key={id} value={id}>
              {s.label}
            </option>
          ))}
        </select>{' '}
        <button type="button" disabled={busy} onClick={() => void runDemo(size)}>
          Run demo
        </button>{' '}
        <button
          type="button"
          disabled={busy || working || removing || demoVideos === 0}
          title="Deletes the demo worlds' videos (with their frames and clips) and the triples citing them; reviews and the audit trail stay. Needed before a demo world of another size: its videos would carry the same names."
          onClick={() => {
            if (!window.confirm(`Remove the demo worlds: ${demoVideos} video${demoVideos === 1 ? '' : 's'} and the triples citing them? Reviews, the audit trail and trained runs are kept.`)) return;
            setRemoving(true);
            void removeDemoWorlds()
              .then((r) => setRemoved(`Removed ${r.videos} demo videos and ${r.triples} triples.`))
              .catch((e: unknown) => useStudio.getState().reportError('Could not remove the demo worlds', e))
              .finally(() => setRemoving(false));
          }}
        >
          Remove demo worlds
        </button>
      </p>
      {removed ? (
        <p className="muted" data-testid="demo-removed">
          {removed}
        </p>
      ) : null}
      {demo?.stage === 'generating' ? <ProgressBar progress={demo.progress} label="Generating demo videos" onCancel={cancelDemo} /> : null}
      {demo?.summary ? (
        <p data-testid="demo-summary" data-stage={demo.stage}>
          {demo.stage === 'importing' ? 'Importing: ' : 'Done: '}
          {demo.summary}
        </p>
      ) : null}
    </section>
  );
}
