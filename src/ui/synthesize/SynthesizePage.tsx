import { useEffect, useState, type KeyboardEvent } from 'react';
import { loadGenerators } from '../../state/generatorsService';
import { useStudio } from '../../state/store';
import { loadSynth } from '../../state/synthService';
import { Stage1Panel } from './Stage1Panel';
import { Stage1Report } from './Stage1Report';
import { Stage2Panel } from './Stage2Panel';
import { TriplesPanel } from './TriplesPanel';

const TABS = [
  { id: 'stage1', label: 'Stage 1' },
  { id: 'stage2', label: 'Stage 2' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** Synthesize (issues #5, #10): Stage 1 and Stage 2 tabs, then the stored triples of both. */
export function SynthesizePage() {
  const loaded = useStudio((s) => s.synth.loaded);
  const [tab, setTab] = useState<Tab>('stage1');
  // Arrow keys move between tabs (WAI-ARIA tabs pattern); the tab that has focus is selected.
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const next = TABS[(TABS.findIndex((t) => t.id === tab) + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!.id;
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  useEffect(() => {
    void loadSynth();
    void loadGenerators();
  }, []);
  return (
    <section aria-labelledby="synthesize-title">
      <h1 id="synthesize-title">Synthesize</h1>
      <div role="tablist" aria-label="Stage" className="tabs" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button key={t.id} id={`tab-${t.id}`} type="button" role="tab" aria-selected={tab === t.id} aria-controls={`panel-${t.id}`} tabIndex={tab === t.id ? 0 : -1} onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'stage1' ? (
          <>
            {loaded ? <Stage1Panel /> : <p className="muted">Reading the stored triples…</p>}
            <Stage1Report />
          </>
        ) : (
          <Stage2Panel />
        )}
      </div>
      <TriplesPanel />
    </section>
  );
}
