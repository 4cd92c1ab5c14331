import { useEffect, useRef, useState, type DragEvent } from 'react';
import { formatBytes, formatMs } from '../../core/format';
import { staleness } from '../../core/pipeline';
import { ACCEPTED_EXTENSIONS, cancelJob, deleteVideo, importFiles, loadLibrary, resumeVideo, setDecoder, updateVideo } from '../../state/libraryService';
import { useStudio } from '../../state/store';
import { ProgressBar } from '../common/ProgressBar';
import { ClipsPanel } from './ClipsPanel';
import { Filmstrip } from './Filmstrip';
import { DemoPanel } from './DemoPanel';
import { PipelinePanel } from './PipelinePanel';

export function LibraryPage() {
  const { videos, jobs, selectedVideoId, decoder, pipeline } = useStudio((s) => s.library);
  const setLibrary = useStudio((s) => s.setLibrary);
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const selected = videos.find((v) => v.id === selectedVideoId) ?? null;

  useEffect(() => {
    void loadLibrary();
  }, []);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void importFiles([...e.dataTransfer.files]);
  };

  return (
    <section aria-labelledby="library-title">
      <h1 id="library-title">Library</h1>
      <p className="lead">Your videos: import, decode, sampled frames. Files stay on this computer.</p>

      <DemoPanel />

      <div
        className={`card dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>
          Drop videos here, or{' '}
          <button type="button" onClick={() => input.current?.click()}>
            Import videos…
          </button>
        </p>
        <p className="muted">
          {ACCEPTED_EXTENSIONS.join(' ')} · decoded, sampled and embedded in a worker with the import settings below
        </p>
        <p>
          <label htmlFor="decoder">Decoder</label>{' '}
          <select id="decoder" value={decoder} onChange={(e) => void setDecoder(e.target.value === 'ffmpeg' ? 'ffmpeg' : 'auto')}>
            <option value="auto">Automatic: WebCodecs, ffmpeg.wasm for what it cannot decode</option>
            <option value="ffmpeg">ffmpeg.wasm only (slower; any codec)</option>
          </select>
        </p>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          aria-label="Import videos"
          accept={['video/*', ...ACCEPTED_EXTENSIONS].join(',')}
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            void importFiles(files);
          }}
        />
      </div>

      <PipelinePanel key={JSON.stringify(pipeline)} />

      {jobs.map((job) => (
        <div key={job.id} className="card" data-testid="import-job">
          <strong>{job.name}</strong>
          <ProgressBar
            progress={job.progress}
            label={job.stage === 'probing' ? `Reading ${job.name}` : job.stage === 'segmenting' ? `Finding clips and scenes in ${job.name}` : `Sampling ${job.name}`}
            onCancel={job.stage === 'sampling' ? () => cancelJob(job.id) : undefined}
          />
          {job.progress && job.framesPerS ? (
            <p className="muted" role="status">
              {job.framesPerS.toFixed(1)} frames/s · about {formatMs(((job.progress.total - job.progress.done) / job.framesPerS) * 1000)} left
            </p>
          ) : null}
        </div>
      ))}

      {videos.length === 0 ? (
        <p className="muted">No videos yet.</p>
      ) : (
        <table className="data" aria-label="Videos">
          <thead>
            <tr>
              <th>name</th>
              <th>duration</th>
              <th>video</th>
              <th>fps</th>
              <th>audio</th>
              <th>size</th>
              <th>frames</th>
              <th>embeddings</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {videos.map((v) => {
              const job = jobs.find((j) => j.videoId === v.id);
              return (
              <tr key={v.id} data-testid="video-row" data-name={v.name} aria-selected={v.id === selectedVideoId}>
                <td>
                  <button type="button" className="link" onClick={() => setLibrary({ selectedVideoId: v.id, selectionByUser: true })}>
                    {v.name}
                  </button>
                </td>
                <td>{formatMs((v.durationS ?? 0) * 1000)}</td>
                <td>
                  {v.container} · {v.codec} · {v.width}×{v.height}
                  {v.rotation ? ` · rotated ${v.rotation}°` : ''}
                </td>
                <td>{v.fps?.toFixed(2)}</td>
                <td>{v.hasAudio ? 'yes' : 'no'}</td>
                <td>{formatBytes(v.sizeBytes)}</td>
                <td data-testid="video-frames">
                  {job ? `sampling ${job.progress?.done ?? 0}/${job.progress?.total ?? '?'}` : `${v.frameCount ?? 0} · ${v.sampled === 'complete' ? v.decodePath : 'interrupted'}`}
                </td>
                <td data-testid="video-embeddings" title={v.embeddingModel}>
                  {v.embeddingDim && v.sampled === 'complete' ? `${v.frameCount} × ${v.embeddingDim}` : '—'}
                </td>
                <td className="actions">
                  {v.sampled !== 'complete' && !job ? (
                    <>
                      <button type="button" onClick={() => void resumeVideo(v.id)}>
                        Resume
                      </button>
                      <button type="button" onClick={() => void resumeVideo(v.id, true)}>
                        Restart
                      </button>
                    </>
                  ) : null}
                  {v.sampled === 'complete' && !job && staleness(v, pipeline) !== 'current' ? (
                    <button
                      type="button"
                      aria-label={`Update ${v.name} to the current import settings`}
                      title={staleness(v, pipeline) === 'resegment' ? 'Recompute clips and scenes' : 'Sample and embed again with the current rate and model'}
                      onClick={() => void updateVideo(v.id)}
                    >
                      Update
                    </button>
                  ) : null}
                  <button type="button" aria-label={`Delete ${v.name}`} disabled={Boolean(job)} onClick={() => void deleteVideo(v.id)}>
                    Delete
                  </button>
                </td>
              </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {selected ? <Filmstrip video={selected} /> : null}
      {selected?.sampled === 'complete' ? <ClipsPanel video={selected} videos={videos} /> : null}
    </section>
  );
}

