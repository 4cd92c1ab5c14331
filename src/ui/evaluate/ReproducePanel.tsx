import { useState } from 'react';
import type { DemoSize } from '../../core/demo';
import { cancelReproduce, reproduce, REPRODUCE_STEPS, STEP_LABELS } from '../../state/reproduceService';
import { useStudio } from '../../state/store';

const MARK = { waiting: '○', running: '◐', done: '●', kept: '●', failed: '✗' } as const;

/** One click: demo → triples → SFT → Stage 1 → Stage 2 → evaluation of each, resumable after a reload. */
export function ReproducePanel() {
  const state = useStudio((s) => s.reproduce);
  const [size, setSize] = useState<DemoSize>('small');
  return (
    <section className="card" aria-labelledby="reproduce-title">
      <h2 id="reproduce-title">Reproduce LongVPO</h2>
      <p className="muted">
        The whole study on the demo world, offline: import the demo, synthesize Stage 1 and Stage 2 triples, train SFT → Stage 1 DPO → Stage 2 DPO, and evaluate every checkpoint on a held-out world (demo seed + 1000). Finished steps are kept: after a reload, click again to continue. Small: a few minutes; full: about 20 minutes on two cores.
      </p>
      <div className="row">
        <label htmlFor="r-size">World</label>
        <select id="r-size" value={size} disabled={state.running} onChange={(e) => setSize(e.target.value as DemoSize)}>
          <option value="small">small</option>
          <option value="full">full</option>
        </select>
        <button type="button" disabled={state.running} onClick={() => void reproduce(size)}>
          Reproduce LongVPO
        </button>
        {state.running ? (
          <button type="button" onClick={cancelReproduce}>
            Cancel
          </button>
        ) : null}
      </div>
      {Object.keys(state.steps).length > 0 ? (
        <ol className="timeline-steps" aria-label="Reproduce steps" data-testid="reproduce-steps">
          {REPRODUCE_STEPS.map((s) => {
            const st = state.steps[s] ?? 'waiting';
            return (
              <li key={s} data-state={st} data-testid={`reproduce-${s}`}>
                <span aria-hidden="true">{MARK[st]}</span> {STEP_LABELS[s]} <span className="muted">{st === 'kept' ? 'kept from before' : st}</span>
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}
