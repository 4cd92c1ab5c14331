import { useCallback } from 'react';
import { formatGflops } from '../../core/backendChoice';
import { useStudio } from '../../state/store';
import { computeEngine } from '../../workers/computeClient';
import { ProgressBar } from '../common/ProgressBar';
import { ResultTable } from '../common/ResultTable';
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
  const embed = useTask(
    'Embedder benchmark failed',
    useCallback((signal) => computeEngine()['embed.bench']({ backends: 'all', restore: choice?.backend ?? 'cpu' }, { signal }), [choice?.backend]),
  );
  const train = useTask(
    'Training benchmark failed',
    useCallback((signal, onProgress) => computeEngine()['train.bench']({ backends: 'all', restore: choice?.backend ?? 'cpu' }, { signal, onProgress }), [choice?.backend]),
  );
  const trainRows = (train.result ?? []).flatMap((r) => (r.report ? r.report.cases.map((c) => ({ backend: r.backend, ...c, error: '' })) : [{ backend: r.backend, case: '—', stepS: Number.NaN, tokensPerS: Number.NaN, gflops: Number.NaN, mfu: Number.NaN, error: r.error ?? '' }]));
  return (
    <section className="card" aria-labelledby="bench-title">
      <h2 id="bench-title">Benchmark</h2>
      <p className="muted">Matmul (256², 512², 1024²) and conv2d throughput on every backend. Takes up to a minute on a software GPU.</p>
      <button type="button" disabled={!choice || bench.running} onClick={bench.run}>
        Run benchmark
      </button>
      {bench.running ? <ProgressBar progress={bench.progress} label="Benchmark" onCancel={bench.cancel} /> : null}
      {bench.result ? (
        <ResultTable
          label="Benchmark results"
          columns={['backend', 'op', 'shape', 'GFLOP/s']}
          rows={bench.result.cases}
          rowKey={(c) => `${c.backend}-${c.op}-${c.shape}`}
          cells={(c) => [c.backend, c.op, c.shape, c.gflops === null ? (c.error ?? '—') : formatGflops(c.gflops)]}
          jsonTestId="bench-json"
          json={bench.result}
        />
      ) : null}
      <h3>Embedder</h3>
      <p className="muted">Frames per second of the default embedder (MobileNetV2, 224 px, batches of 4) on every backend. Up to a minute per backend.</p>
      <button type="button" disabled={!choice || embed.running} onClick={embed.run}>
        Run embedder benchmark
      </button>
      {embed.running ? <ProgressBar progress={null} label="Embedder benchmark" onCancel={embed.cancel} /> : null}
      {embed.result ? (
        <ResultTable
          label="Embedder benchmark results"
          columns={['backend', 'frames/s', 'first batch']}
          rows={embed.result}
          rowKey={(r) => r.backend}
          cells={(r) => [r.backend, r.framesPerS === null ? (r.error ?? '—') : r.framesPerS.toFixed(1), r.warmupMs === null ? '—' : `${(r.warmupMs / 1000).toFixed(1)} s`]}
          jsonTestId="embed-bench-json"
        />
      ) : null}
      <h3>Training steps</h3>
      <p className="muted">The policy&apos;s SFT and Stage 1 DPO steps (16-clip composites, batch 8 pairs) on every backend: the reference run every step with the full context or the anchor alone, or cached. Minutes on a software GPU.</p>
      <button type="button" disabled={!choice || train.running} onClick={train.run}>
        Run training benchmark
      </button>
      {train.running ? <ProgressBar progress={train.progress} label="Training benchmark" onCancel={train.cancel} /> : null}
      {train.result ? (
        <ResultTable
          label="Training benchmark results"
          columns={['backend', 'case', 'ms/step', 'tokens/s', 'MFU']}
          rows={trainRows}
          rowKey={(r) => `${r.backend}-${r.case}`}
          cells={(r) => [r.backend, r.error ? `failed: ${r.error}` : r.case, Number.isFinite(r.stepS) ? (r.stepS * 1000).toFixed(0) : '—', Number.isFinite(r.tokensPerS) ? r.tokensPerS.toFixed(0) : '—', Number.isFinite(r.mfu) ? `${(100 * r.mfu).toFixed(1)}%` : '—']}
          jsonTestId="train-bench-json"
          json={train.result}
        />
      ) : null}
    </section>
  );
}
