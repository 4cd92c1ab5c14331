import { useCallback, useEffect, useState } from 'react';
import { studioDb } from '../../storage/db';
import type { ClipRecord } from '../../storage/schema';
import type { VideoSummary } from '../../state/librarySlice';
import { computeEngine } from '../../workers/computeClient';
import { ProgressBar } from '../common/ProgressBar';
import { ResultTable } from '../common/ResultTable';
import { fpsOfSamplingKey } from '../../core/pipeline';
import { ClipPlayer } from './ClipPlayer';
import { useTask } from '../common/useTask';

const K = 5;

function span(c: { startS: number; endS: number }): string {
  return `${c.startS.toFixed(0)}–${c.endS.toFixed(0)} s`;
}

/** Scenes as a timeline, fixed clips as a list; a selected clip shows its nearest clips. */
export function ClipsPanel({ video, videos }: { video: VideoSummary; videos: VideoSummary[] }) {
  const [clips, setClips] = useState<ClipRecord[]>([]);
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void studioDb()
      .then((db) => db.getAllFromIndex('clips', 'byVideo', video.id))
      .then((all) => live && setClips(all.sort((a, b) => a.frameStart - b.frameStart)));
    return () => {
      live = false;
    };
  }, [video.id, video.frameCount, video.segmentsKey, video.samplingKey, video.embeddingModel]);

  const neighbours = useTask(
    'Could not find similar clips',
    useCallback((signal) => (selected ? computeEngine()['clips.neighbours']({ clipId: selected, k: K }, { signal }) : Promise.resolve([])), [selected]),
  );
  const { run } = neighbours;
  useEffect(() => {
    if (selected) run();
  }, [selected, run]);

  const scenes = clips.filter((c) => c.kind === 'scene');
  const fixed = clips.filter((c) => c.kind === 'clip');
  const duration = video.durationS ?? 1;
  const selectedClip = fixed.find((c) => c.id === selected) ?? null;
  const nameOf = (id: string) => videos.find((v) => v.id === id)?.name ?? id;

  return (
    <section className="card" aria-labelledby="clips-title">
      <h2 id="clips-title">Scenes and clips</h2>
      <p className="muted" data-testid="scene-count">
        {scenes.length} {scenes.length === 1 ? 'scene' : 'scenes'} (cut where consecutive frames' embeddings differ by more than the scene threshold) · {fixed.length}{' '}
        {fixed.length === 1 ? 'clip' : 'clips'} (see Import settings)
      </p>
      <div className="timeline" role="list" aria-label="Scenes">
        {scenes.map((s, i) => (
          <div key={s.id} role="listitem" className={`scene scene-${i % 4}`} style={{ width: `${(100 * (s.endS - s.startS)) / duration}%` }} title={`Scene ${i + 1}: ${span(s)}`}>
            {i + 1}
          </div>
        ))}
      </div>
      <div className="clip-list" role="listbox" aria-label="Clips">
        {fixed.map((c) => (
          <button key={c.id} type="button" role="option" aria-selected={c.id === selected} className="clip" onClick={() => setSelected(c.id)}>
            {span(c)}
          </button>
        ))}
      </div>
      {selectedClip ? <ClipPlayer key={selectedClip.id} video={video} clip={selectedClip} fps={fpsOfSamplingKey(video.samplingKey)} /> : null}
      {neighbours.running ? <ProgressBar progress={null} label="Finding similar clips" /> : null}
      {selected && neighbours.result ? (
        <ResultTable
          label="Most similar clips"
          columns={['video', 'clip', 'cosine similarity']}
          rows={neighbours.result}
          rowKey={(n) => n.clipId}
          rowAttributes={() => ({ 'data-testid': 'neighbour' })}
          cells={(n) => [nameOf(n.videoId), span(n), n.score.toFixed(3)]}
        />
      ) : null}
    </section>
  );
}
