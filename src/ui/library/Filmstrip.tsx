import { useEffect, useState } from 'react';
import { formatMs } from '../../core/format';
import { studioDb } from '../../storage/db';
import { getFrames } from '../../storage/framesRepo';
import type { VideoSummary } from '../../state/librarySlice';

/** At most this many thumbnails on screen; longer videos show every n-th frame. */
const MAX_SHOWN = 240;

interface Thumb {
  index: number;
  timeS: number;
  url: string;
}

export function Filmstrip({ video }: { video: VideoSummary }) {
  const [thumbs, setThumbs] = useState<Thumb[]>([]);
  const [total, setTotal] = useState(0);

  useEffect(() => {
    let urls: string[] = [];
    let live = true;
    void (async () => {
      const frames = await getFrames(await studioDb(), video.id, video.samplingKey ?? '');
      if (!live) return;
      const step = Math.max(1, Math.ceil(frames.length / MAX_SHOWN));
      const shown = frames.filter((_, i) => i % step === 0);
      urls = shown.map((f) => URL.createObjectURL(f.thumbnail));
      setTotal(frames.length);
      setThumbs(shown.map((f, i) => ({ index: f.index, timeS: f.timeS, url: urls[i] ?? '' })));
    })();
    return () => {
      live = false;
      urls.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [video.id, video.samplingKey, video.frameCount]);

  const step = Math.max(1, Math.ceil(total / MAX_SHOWN));
  return (
    <section className="card" aria-labelledby="filmstrip-title">
      <h2 id="filmstrip-title">{video.name}</h2>
      <p className="muted" data-testid="filmstrip-count">
        {total} sampled frames{step > 1 ? ` (1 in ${step} shown)` : ''}
      </p>
      <div className="filmstrip" role="list" aria-label={`Frames of ${video.name}`}>
        {thumbs.map((t) => (
          <figure key={t.index} role="listitem" className="frame">
            <img src={t.url} alt={`Frame ${t.index} at ${formatMs(t.timeS * 1000)}`} loading="lazy" width={112} height={112} />
            <figcaption>{t.timeS.toFixed(0)} s</figcaption>
          </figure>
        ))}
      </div>
    </section>
  );
}
