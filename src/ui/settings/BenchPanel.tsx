import { useCallback } from 'react';
import { formatGflops } from '../../core/backendChoice';
import { useStudio } from '../../state/store';
import { computeEngine } from '../../workers/computeClient';
import { ProgressBar } from '../common/ProgressBar';
import { useTask } from '../common/useTask';

/** bench/backends drives this panel; users can run it too. */
export function BenchPanel() {
  const choice = useStudio((s) => s.compute.choice);
  const bench = useTask(
    'Benchmark failed',
    useCallback(
      (signal, onProgress) => computeEngine()['backend.bench']({ backends: 'all', restore: choice?.backend ?? 'cpu' }, { signal, onProgress }),
      [choice?.backend],
    ),
  );
  return (
    <section className="card" aria-labelledby="bench-title">
      <h2 id="bench-title">Benchmark</h2>
      <p className="muted">Matmul (256², 512², 1024²) and conv2d throughput on every backend. Takes up to a minute on a software GPU.</p>
      <button type="button" disabled={!choice || bench.running} onClick={bench.run}>
        Run benchmark
      </button>
      {bench.running ? <ProgressBar progress={bench.progress} label="Benchmark" onCancel={bench.cancel} /> : null}
      {bench.result ? (
        <>
          <table className="data" aria-label="Benchmark results">
            <thead>
              <tr>
                <th>backend</th>
                <th>op</th>
                <th>shape</th>
                <th>GFLOP/s</th>
              </tr>
            </thead>
            <tbody>
              {bench.result.cases.map((c) => (
                <tr key={`${c.backend}-${c.op}-${c.shape}`}>
                  <td>{c.backend}</td>
                  <td>{c.op}</td>
                  <td>{c.shape}</td>
                  <td>{c.gflops === null ? (c.error ?? '—') : formatGflops(c.gflops)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <pre data-testid="bench-json" hidden>
            {JSON.stringify(bench.result)}
          </pre>
        </>
      ) : null}
    </section>
  );
}
