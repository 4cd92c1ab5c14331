import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { formatMs } from '../../core/format';
import { studioDb } from '../../storage/db';
import { getFrames } from '../../storage/framesRepo';
import type { FrameRecord } from '../../storage/schema';
import type { VideoSummary } from '../../state/librarySlice';

const THUMB_PX = 112;
const ITEM_PX = THUMB_PX + 8;

/** One thumbnail; its object URL lives only until the picture has loaded (or it scrolls away). */
function Thumb({ frame }: { frame: FrameRecord }) {
  const attach = useCallback(
    (img: HTMLImageElement | null) => {
      if (!img) return;
      const url = URL.createObjectURL(frame.thumbnail);
      const release = () => URL.revokeObjectURL(url);
      img.addEventListener('load', release, { once: true });
      img.addEventListener('error', release, { once: true });
      img.src = url;
      return release;
    },
    [frame.thumbnail],
  );
  return (
    <>
      <img ref={attach} alt={`Frame ${frame.index} at ${formatMs(frame.timeS * 1000)}`} width={THUMB_PX} height={THUMB_PX} />
      <figcaption>{frame.timeS.toFixed(0)} s</figcaption>
    </>
  );
}

/**
 * Every sampled frame of a video in one horizontally virtualised strip: only the frames in view
 * (plus a few) are in the DOM, so a 2-hour video (7,200 frames) scrolls like a 10-second one.
 * Arrow keys, Home and End move through it.
 */
export function Filmstrip({ video }: { video: VideoSummary }) {
  const [frames, setFrames] = useState<FrameRecord[]>([]);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    void (async () => {
      const all = await getFrames(await studioDb(), video.id, video.samplingKey ?? '');
      if (live) setFrames(all);
    })();
    return () => {
      live = false;
    };
  }, [video.id, video.samplingKey, video.frameCount]);

  // TanStack Virtual returns functions React Compiler cannot memoise; this component opts out.
  // eslint-disable-next-line react-hooks/incompatible-library
  const strip = useVirtualizer({ count: frames.length, horizontal: true, getScrollElement: () => scroller.current, estimateSize: () => ITEM_PX, overscan: 6 });

  const onKeyDown = (e: KeyboardEvent) => {
    const el = scroller.current;
    if (!el) return;
    const page = Math.max(1, Math.floor(el.clientWidth / ITEM_PX));
    const first = Math.round(el.scrollLeft / ITEM_PX);
    const to = { ArrowRight: first + 1, ArrowLeft: first - 1, PageDown: first + page, PageUp: first - page, Home: 0, End: frames.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    strip.scrollToIndex(Math.max(0, Math.min(frames.length - 1, to)), { align: 'start' });
  };

  return (
    <section className="card" aria-labelledby="filmstrip-title">
      <h2 id="filmstrip-title">{video.name}</h2>
      <p className="muted" data-testid="filmstrip-count">
        {frames.length} sampled frames
      </p>
      <div ref={scroller} className="filmstrip" tabIndex={0} onKeyDown={onKeyDown} aria-label={`Frames of ${video.name} (arrow keys scroll)`}>
        <div role="list" aria-label={`Frames of ${video.name}`} style={{ width: strip.getTotalSize(), height: THUMB_PX + 24, position: 'relative' }}>
          {strip.getVirtualItems().map((item) => {
            const frame = frames[item.index];
            return frame ? (
              <figure key={frame.key} role="listitem" className="frame" style={{ position: 'absolute', top: 0, left: item.start, width: THUMB_PX }}>
                <Thumb frame={frame} />
              </figure>
            ) : null;
          })}
        </div>
      </div>
    </section>
  );
}
