import { useCallback, useEffect, useState } from 'react';
import { studioDb } from '../../storage/db';
import { frameKey } from '../../storage/framesRepo';
import { editSceneCaption, type StoredSceneVideo } from '../../storage/scenesRepo';
import type { ClipRecord } from '../../storage/schema';
import { useStudio } from '../../state/store';

const THUMB_PX = 72;

/** The scene's first sampled frame; its object URL lives until the picture has loaded. */
function SceneThumb({ video, scene, label }: { video: StoredSceneVideo['video']; scene: ClipRecord; label: string }) {
  const [blob, setBlob] = useState<Blob | null>(null);
  useEffect(() => {
    let live = true;
    void studioDb()
      .then((db) => db.get('frames', frameKey(video.id, video.samplingKey ?? '', scene.frameStart)))
      .then((f) => live && setBlob(f?.thumbnail ?? null));
    return () => {
      live = false;
    };
  }, [video, scene.frameStart]);
  const attach = useCallback(
    (img: HTMLImageElement | null) => {
      if (!img || !blob) return;
      const url = URL.createObjectURL(blob);
      img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
      img.src = url;
    },
    [blob],
  );
  return blob ? <img ref={attach} alt={label} width={THUMB_PX} height={THUMB_PX} /> : <span className="scene-thumb-empty" aria-hidden="true" />;
}

function CaptionEditor({ video, scenes, index, onChanged, busy, onRecaption }: { video: StoredSceneVideo['video']; scenes: ClipRecord[]; index: number; onChanged: () => void; busy: boolean; onRecaption: (from: number) => void }) {
  const scene = scenes[index] as ClipRecord;
  const caption = scene.sceneCaption;
  const [text, setText] = useState(caption?.text ?? '');
  const reportError = useStudio((s) => s.reportError);
  const label = `Scene #${index + 1}`;
  const save = async () => {
    try {
      await editSceneCaption(await studioDb(), scenes, index, text.trim());
      onChanged();
    } catch (e) {
      reportError(`Could not save the caption of ${label}`, e);
    }
  };
  const dirty = caption !== undefined && text.trim() !== caption.text && text.trim() !== '';
  return (
    <li className="scene-row" data-testid="scene-row" data-stale={caption?.stale ? 'true' : 'false'} data-edited={caption?.edited ? 'true' : 'false'}>
      <SceneThumb video={video} scene={scene} label={`${label} of ${video.name}, first frame`} />
      <div className="scene-caption">
        <label htmlFor={`caption-${scene.id}`}>
          <strong>{label}</strong> · {scene.startS.toFixed(0)}–{scene.endS.toFixed(0)} s
          {caption?.stale ? <span className="badge" data-testid="stale-badge"> stale: an earlier caption changed</span> : null}
          {caption?.edited ? <span className="badge"> edited</span> : null}
          {caption ? <span className="muted"> · {caption.provenance.generator} {caption.provenance.model}, {caption.provenance.promptId}@{caption.provenance.promptVersion}</span> : null}
        </label>
        {caption ? (
          <textarea id={`caption-${scene.id}`} rows={2} value={text} disabled={busy} onChange={(e) => setText(e.target.value)} />
        ) : (
          <p id={`caption-${scene.id}`} className="muted">
            Not captioned yet.
          </p>
        )}
        <p className="actions">
          {caption ? (
            <button type="button" disabled={!dirty || busy} onClick={() => void save()}>
              Save caption
            </button>
          ) : null}
          <button type="button" disabled={busy} onClick={() => onRecaption(index)} aria-label={`Re-caption from ${label}`}>
            Re-caption from here
          </button>
        </p>
      </div>
    </li>
  );
}

/** One long video's scenes with their recursive captions: editable, stale marks, re-caption from a scene. */
export function Stage2Scenes({ videos, busy, onChanged, onCaption }: { videos: StoredSceneVideo[]; busy: boolean; onChanged: () => void; onCaption: (videoId: string, from?: number) => void }) {
  if (videos.length === 0) return <p className="muted">No video with two or more scenes is long enough yet: import one (or run the demo) in the Library.</p>;
  return (
    <>
      {videos.map(({ video, scenes }) => {
        const missing = scenes.filter((s) => !s.sceneCaption || s.sceneCaption.stale).length;
        return (
          <section key={video.id} className="scene-video" aria-label={`Scenes of ${video.name}`} data-testid="stage2-video">
            <h3>
              {video.name} · {Math.round(video.durationS ?? 0)} s · {scenes.length} scenes
            </h3>
            <p className="actions">
              <button type="button" disabled={busy || missing === 0} onClick={() => onCaption(video.id)}>
                {missing === 0 ? 'All scenes captioned' : `Caption ${missing} scene${missing === 1 ? '' : 's'}`}
              </button>
            </p>
            <ol className="scene-list">
              {scenes.map((s, k) => (
                <CaptionEditor key={`${s.id}:${s.sceneCaption?.text ?? ''}`} video={video} scenes={scenes} index={k} busy={busy} onChanged={onChanged} onRecaption={(from) => onCaption(video.id, from)} />
              ))}
            </ol>
          </section>
        );
      })}
    </>
  );
}
