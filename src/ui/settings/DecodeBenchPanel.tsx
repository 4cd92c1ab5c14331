import { useCallback, useState } from 'react';
import { DEFAULT_SAMPLING } from '../../state/libraryService';
import { computeEngine } from '../../workers/computeClient';
import { ProgressBar } from '../common/ProgressBar';
import { useTask } from '../common/useTask';

/** Decode one file with both paths (bench/decode drives this panel; users can run it too). */
export function DecodeBenchPanel() {
  const [file, setFile] = useState<File | null>(null);
  const bench = useTask(
    'Decode benchmark failed',
    useCallback(
      (signal) => (file ? computeEngine()['video.decodeBench']({ file, name: file.name, settings: DEFAULT_SAMPLING }, { signal }) : Promise.resolve([])),
      [file],
    ),
  );
  return (
    <section className="card" aria-labelledby="decode-bench-title">
      <h2 id="decode-bench-title">Decode benchmark</h2>
      <p className="muted">Samples one video at 1 fps, 224 px with WebCodecs and with ffmpeg.wasm, without embedding or storing.</p>
      <div className="row">
        <input
          type="file"
          accept="video/*"
          aria-label="Video to benchmark"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <button type="button" disabled={!file || bench.running} onClick={bench.run}>
          Run decode benchmark
        </button>
      </div>
      {bench.running ? <ProgressBar progress={null} label="Decoding" onCancel={bench.cancel} /> : null}
      {bench.result && bench.result.length > 0 ? (
        <>
          <table className="data" aria-label="Decode benchmark results">
            <thead>
              <tr>
                <th>path</th>
                <th>frames</th>
                <th>time</th>
                <th>frames/s</th>
              </tr>
            </thead>
            <tbody>
              {bench.result.map((r) => (
                <tr key={r.path}>
                  <td>{r.path}</td>
                  <td>{r.error ? `failed: ${r.error}` : r.frames}</td>
                  <td>{(r.elapsedMs / 1000).toFixed(2)} s</td>
                  <td>{r.error ? '—' : ((1000 * r.frames) / r.elapsedMs).toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <pre data-testid="decode-bench-json" hidden>
            {JSON.stringify(bench.result)}
          </pre>
        </>
      ) : null}
    </section>
  );
}
