import { useCallback } from 'react';
import { BACKEND_NAMES, formatGflops, isBackendName } from '../../core/backendChoice';
import { remeasureBackends, setBackendOverride } from '../../state/computeService';
import { useStudio } from '../../state/store';
import { computeEngine } from '../../workers/computeClient';
import { ProgressBar } from '../common/ProgressBar';
import { ResultTable } from '../common/ResultTable';
import { useTask } from '../common/useTask';

export function BackendPanel() {
  const { status, choice, override, progress } = useStudio((s) => s.compute);
  const busy = status === 'probing' || status === 'starting';

  const selfTest = useTask(
    'Backend self-test failed',
    useCallback(
      (signal, onProgress) => computeEngine()['backend.selfTest']({ backends: 'all', restore: choice?.backend ?? 'cpu' }, { signal, onProgress }),
      [choice?.backend],
    ),
  );

  return (
    <section className="card" aria-labelledby="backend-title">
      <h2 id="backend-title">Compute backend</h2>
      <p data-testid="backend-reason">{choice ? choice.reason : busy ? 'Measuring…' : 'No backend is running.'}</p>
      {choice ? (
        <p className="muted" data-testid="backend-measured">
          {choice.remembered ? 'Remembered from ' : 'Measured '}
          {choice.measuredAt ? new Date(choice.measuredAt).toLocaleString() : ''}
          {choice.probeMs ? `; all probes took ${(choice.probeMs / 1000).toFixed(2)} s` : ''}
          {choice.loadMs ? ` (+${(choice.loadMs / 1000).toFixed(2)} s loading the backends)` : ''}.
        </p>
      ) : null}
      {busy ? <ProgressBar progress={progress} label="Measuring backends" /> : null}
      <div className="row">
        <label htmlFor="backend-override">Backend</label>
        <select
          id="backend-override"
          value={override ?? 'auto'}
          disabled={busy}
          onChange={(e) => void setBackendOverride(isBackendName(e.target.value) ? e.target.value : null)}
        >
          <option value="auto">Automatic (fastest measured)</option>
          {BACKEND_NAMES.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
        <button type="button" disabled={busy} onClick={() => void remeasureBackends()}>
          Re-measure
        </button>
      </div>
      {choice ? (
        <ResultTable
          label="Backend probes"
          columns={['backend', 'probe matmul 256²', 'probe time', 'status']}
          rows={choice.probes}
          rowKey={(p) => p.backend}
          rowAttributes={(p) => ({ 'data-testid': `probe-${p.backend}` })}
          cells={(p) => [
            `${p.backend}${p.adapter ? ` (${p.adapter.isFallbackAdapter ? 'software' : 'hardware'} adapter)` : ''}`,
            p.gflops === null ? '—' : `${p.gflopsIsUpperBound ? '< ' : ''}${formatGflops(p.gflops)} GFLOP/s${p.gflopsIsUpperBound ? ' (first run unfinished at the deadline)' : ''}`,
            `${p.elapsedMs.toFixed(0)} ms${p.initMs !== undefined ? ` (start ${p.initMs.toFixed(0)} ms, first run ${(p.warmupMs ?? 0).toFixed(0)} ms)` : ''}`,
            p.ok ? (p.backend === choice.backend ? 'chosen' : 'available') : p.error,
          ]}
        />
      ) : null}

      <h3>Self-test</h3>
      <p className="muted">Runs matmul, softmax and one gradient step, and the policy&apos;s log-probs, a gradient and three training steps, on every backend and compares with a plain-JS reference.</p>
      <div className="row">
        <button type="button" disabled={busy || selfTest.running} onClick={selfTest.run}>
          Run self-test on all backends
        </button>
      </div>
      {selfTest.running ? <ProgressBar progress={selfTest.progress} label="Self-test" onCancel={selfTest.cancel} /> : null}
      {selfTest.result ? (
        <ResultTable
          label="Self-test results"
          columns={['backend', 'result', 'max error', 'policy train losses', 'time']}
          rows={selfTest.result}
          rowKey={(r) => r.backend}
          rowAttributes={(r) => ({ 'data-testid': `selftest-${r.backend}`, 'data-ok': String(r.ok) })}
          cells={(r) => [
            r.backend,
            r.ok ? 'matches reference' : `failed: ${r.error ?? ''}`,
            r.errors ? Math.max(...Object.values(r.errors)).toExponential(1) : '—',
            <span key="losses" data-testid="train-losses" data-losses={JSON.stringify(r.trainLosses ?? [])}>
              {r.trainLosses?.map((l) => l.toFixed(4)).join(', ') ?? '—'}
            </span>,
            `${r.elapsedMs.toFixed(0)} ms`,
          ]}
        />
      ) : null}
    </section>
  );
}
