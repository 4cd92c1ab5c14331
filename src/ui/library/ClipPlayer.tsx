import { useEffect, useRef, useState } from 'react';
import { studioDb } from '../../storage/db';
import type { ClipRecord, FrameRecord } from '../../storage/schema';
import type { VideoSummary } from '../../state/librarySlice';

type Mode = { kind: 'loading' } | { kind: 'video'; url: string } | { kind: 'flipbook'; frames: FrameRecord[]; reason: string };

/** Sampled frames of the clip, in order (the fallback when the browser cannot play the file). */
async function clipFrames(video: VideoSummary, clip: ClipRecord): Promise<FrameRecord[]> {
  const db = await studioDb();
  const key = (i: number) => `${video.id}|${video.samplingKey ?? ''}|${String(i).padStart(7, '0')}`;
  return db.getAll('frames', IDBKeyRange.bound(key(clip.frameStart), key(clip.frameEnd), false, true));
}

/**
 * Plays a clip from its start time in a `<video>` element where this browser can play the file;
 * otherwise (e.g. HEVC or MPEG-2 in Chromium) as a flip-book of its sampled frames at the
 * sampling rate. Stops at the clip's end.
 */
export function ClipPlayer({ video, clip, fps }: { video: VideoSummary; clip: ClipRecord; fps: number }) {
  const [mode, setMode] = useState<Mode>({ kind: 'loading' });
  const player = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    let live = true;
    let url: string | null = null;
    void (async () => {
      const db = await studioDb();
      const record = await db.get('videos', video.id);
      if (!live || !record) return;
      const probe = document.createElement('video');
      const playable = video.decodePath === 'webcodecs' && probe.canPlayType(record.mimeType || 'video/mp4') !== '';
      if (playable) {
        url = URL.createObjectURL(record.file);
        setMode({ kind: 'video', url });
      } else {
        const frames = await clipFrames(video, clip);
        if (live) setMode({ kind: 'flipbook', frames, reason: `this browser cannot play ${video.codec ?? 'this codec'}` });
      }
    })();
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [video, clip]);

  const toFlipbook = (reason: string) => {
    void clipFrames(video, clip).then((frames) => setMode({ kind: 'flipbook', frames, reason }));
  };

  if (mode.kind === 'loading') return <p className="muted">Loading the clip…</p>;
  if (mode.kind === 'video') {
    return (
      <figure className="player" data-testid="clip-player" data-mode="video">
        <video
          ref={player}
          src={mode.url}
          controls
          muted
          autoPlay
          width={320}
          onLoadedMetadata={(e) => {
            e.currentTarget.currentTime = clip.startS;
          }}
          onTimeUpdate={(e) => {
            if (e.currentTarget.currentTime >= clip.endS) e.currentTarget.pause();
          }}
          onError={() => toFlipbook('the browser could not play the file')}
          aria-label={`Clip ${clip.startS.toFixed(0)}–${clip.endS.toFixed(0)} s of ${video.name}`}
        />
        <figcaption className="muted">
          {clip.startS.toFixed(0)}–{clip.endS.toFixed(0)} s, played from the file
        </figcaption>
      </figure>
    );
  }
  return <Flipbook frames={mode.frames} fps={fps} reason={mode.reason} label={`Clip ${clip.startS.toFixed(0)}–${clip.endS.toFixed(0)} s of ${video.name}`} />;
}

function Flipbook({ frames, fps, reason, label }: { frames: FrameRecord[]; fps: number; reason: string; label: string }) {
  const [index, setIndex] = useState(0);
  const [playing, setPlaying] = useState(true);
  const [url, setUrl] = useState<string | null>(null);
  const frame = frames[Math.min(index, frames.length - 1)];

  useEffect(() => {
    if (!playing || frames.length === 0) return;
    const timer = setInterval(() => setIndex((i) => (i + 1) % frames.length), 1000 / fps);
    return () => clearInterval(timer);
  }, [playing, frames.length, fps]);

  useEffect(() => {
    if (!frame) return;
    const u = URL.createObjectURL(frame.thumbnail);
    queueMicrotask(() => setUrl(u));
    return () => URL.revokeObjectURL(u);
  }, [frame]);

  return (
    <figure className="player" data-testid="clip-player" data-mode="flipbook" aria-label={label}>
      {url ? <img src={url} alt={`${label}: frame at ${frame?.timeS.toFixed(0)} s`} width={224} height={224} /> : null}
      <figcaption className="muted">
        Flip-book of the sampled frames at {fps} fps ({reason}) · {frame ? `${frame.timeS.toFixed(0)} s` : 'no frames'}{' '}
        <button type="button" onClick={() => setPlaying((p) => !p)}>
          {playing ? 'Pause' : 'Play'}
        </button>
      </figcaption>
    </figure>
  );
}
