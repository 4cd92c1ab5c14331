import { useCallback, useState } from 'react';
import { DEFAULT_PIPELINE } from '../../core/pipeline';
import { samplingOf } from '../../state/libraryService';
import { computeEngine } from '../../workers/computeClient';
import { ProgressBar } from '../common/ProgressBar';
import { ResultTable } from '../common/ResultTable';
import { useTask } from '../common/useTask';

/** Decode one file with both paths (bench/decode drives this panel; users can run it too). */
export function DecodeBenchPanel() {
  const [file, setFile] = useState<File | null>(null);
  const bench = useTask(
    'Decode benchmark failed',
    useCallback(
      (signal) => (file ? computeEngine()['video.decodeBench']({ file, name: file.name, settings: samplingOf(DEFAULT_PIPELINE) }, { signal }) : Promise.resolve([])),
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
        <ResultTable
          label="Decode benchmark results"
          columns={['path', 'frames', 'time', 'frames/s']}
          rows={bench.result}
          rowKey={(r) => r.path}
          cells={(r) => [r.path, r.error ? `failed: ${r.error}` : r.frames, `${(r.elapsedMs / 1000).toFixed(2)} s`, r.error ? '—' : ((1000 * r.frames) / r.elapsedMs).toFixed(1)]}
          jsonTestId="decode-bench-json"
        />
      ) : null}
    </section>
  );
}
