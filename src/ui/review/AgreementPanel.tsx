import { VERDICTS, type Kappa } from '../../core/review/agreement';
import { reviewSummary } from './TripleView';
import { openTriple, settle } from '../../state/reviewService';
import type { ReviewComparison } from '../../state/reviewSlice';

function kappaText(k: Kappa): string {
  return k.kappa === null ? 'undefined' : k.kappa.toFixed(3);
}

/** Cohen's kappa of this browser's reviews against another reviewer's file, and the conflicts to settle. */
export function AgreementPanel({ comparison }: { comparison: ReviewComparison }) {
  const g = comparison.agreement;
  return (
    <section className="card" aria-labelledby="agreement-title" data-testid="agreement">
      <h2 id="agreement-title">
        Agreement: {comparison.mine} (this browser) vs {comparison.theirs} ({comparison.fileName})
      </h2>
      <p data-testid="kappa-overall">
        Cohen&apos;s κ = {kappaText(g.overall)} over {g.overall.n} triples both reviewed ({g.overall.agreements} agree, p<sub>o</sub> {g.overall.observed.toFixed(3)}, p<sub>e</sub> {g.overall.expected.toFixed(3)}); {g.onlyA} reviewed only by {comparison.mine}, {g.onlyB} only by {comparison.theirs}. Edited counts as accepted.
      </p>
      <table>
        <caption className="muted">Per task type</caption>
        <thead>
          <tr>
            <th scope="col">Task type</th>
            <th scope="col">Both reviewed</th>
            <th scope="col">Agree</th>
            <th scope="col">κ</th>
          </tr>
        </thead>
        <tbody>
          {g.byTaskType.map(({ taskType, kappa }) => (
            <tr key={taskType} data-testid="kappa-row">
              <th scope="row">{taskType.replace(/_/g, ' ')}</th>
              <td>{kappa.n}</td>
              <td>{kappa.agreements}</td>
              <td>{kappaText(kappa)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption className="muted">
          Counts: rows {comparison.mine}, columns {comparison.theirs}
        </caption>
        <thead>
          <tr>
            <th />
            {VERDICTS.map((v) => (
              <th key={v} scope="col">
                {v}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {VERDICTS.map((v, i) => (
            <tr key={v}>
              <th scope="row">{v}</th>
              {g.overall.counts[i]!.map((n, j) => (
                <td key={j}>{n}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Conflicts ({g.conflicts.length})</h3>
      {g.conflicts.length === 0 ? (
        <p className="muted">No conflicts left to settle.</p>
      ) : (
        <ul className="conflicts" data-testid="conflicts">
          {g.conflicts.map((c) => (
            <li key={c.tripleId} data-testid="conflict">
              <button type="button" className="link" onClick={() => void openTriple(c.tripleId)}>
                <code>{c.tripleId}</code>
              </button>
              : {reviewSummary(c.a)} · vs · {reviewSummary(c.b)}{' '}
              <button type="button" onClick={() => void settle(c.tripleId, 'mine')}>
                Keep {comparison.mine}&apos;s
              </button>{' '}
              <button type="button" onClick={() => void settle(c.tripleId, 'theirs')}>
                Take {comparison.theirs}&apos;s
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
