import { useEffect } from 'react';
import { loadGenerators } from '../../state/generatorsService';
import { useStudio } from '../../state/store';
import { loadSynth } from '../../state/synthService';
import { Stage1Panel } from './Stage1Panel';
import { Stage1Report } from './Stage1Report';
import { TriplesPanel } from './TriplesPanel';

/** Synthesize (issue #5): Stage 1 triples from the library's clips, their report, the stored set. */
export function SynthesizePage() {
  const loaded = useStudio((s) => s.synth.loaded);
  useEffect(() => {
    void loadSynth();
    void loadGenerators();
  }, []);
  return (
    <section aria-labelledby="synthesize-title">
      <h1 id="synthesize-title">Synthesize</h1>
      {loaded ? <Stage1Panel /> : <p className="muted">Reading the stored triples…</p>}
      <Stage1Report />
      <TriplesPanel />
    </section>
  );
}
