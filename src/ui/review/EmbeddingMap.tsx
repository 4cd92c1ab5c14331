import { useMemo, useRef, useState } from 'react';
import { UMAP_DEFAULT_SEED, UMAP_PCA_DIMS } from '../../core/review/mapDefaults';
import { keyClipIds, statusOf, type QueueItem } from '../../core/review/queue';
import { cancelMap, computeMap, selectKeyClips } from '../../state/reviewService';
import { useStudio } from '../../state/store';
import type { ClipMap } from '../../workers/reviewHandlers';
import { ProgressBar } from '../common/ProgressBar';
import { clipThumbnail } from './thumbnails';

const W = 520;
const H = 340;
const PAD = 12;
type ColourBy = 'video' | 'role' | 'status';

const ROLE_COLOURS = { anchor: '#1d7a3a', distractor: '#e67700', unused: '#999' } as const;
const STATUS_COLOURS: Record<string, string> = { unreviewed: '#999', accepted: '#1d7a3a', edited: '#2f9e44', rejected: '#b3261e', flagged: '#e67700' };

function hue(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
  return `hsl(${h} 65% 45%)`;
}

/** Ray casting: is (x, y) inside the polygon? */
function inside(x: number, y: number, poly: readonly [number, number][]): boolean {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

function Map2d({ map, serial, items, colourBy }: { map: ClipMap; serial: number; items: readonly QueueItem[]; colourBy: ColourBy }) {
  const selection = useStudio((s) => s.review.filter.keyClips);
  const [lasso, setLasso] = useState<[number, number][] | null>(null);
  const [tip, setTip] = useState<{ x: number; y: number; id: string; url: string | null } | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const screen = useMemo(() => {
    const n = map.clipIds.length;
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      const x = map.points[2 * i]!;
      const y = map.points[2 * i + 1]!;
      [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    }
    const sx = (W - 2 * PAD) / (x1 - x0 || 1);
    const sy = (H - 2 * PAD) / (y1 - y0 || 1);
    return Array.from({ length: n }, (_, i) => [PAD + (map.points[2 * i]! - x0) * sx, H - PAD - (map.points[2 * i + 1]! - y0) * sy] as [number, number]);
  }, [map]);
  const roles = useMemo(() => {
    const role = new Map<string, { role: keyof typeof ROLE_COLOURS; status: string }>();
    for (const item of items) {
      for (const id of keyClipIds(item.triple)) role.set(id, { role: 'anchor', status: statusOf(item.review) });
      for (const c of item.triple.clips) if (c.role === 'distractor' && !role.has(c.id)) role.set(c.id, { role: 'distractor', status: 'unreviewed' });
    }
    return role;
  }, [items]);
  const colour = (i: number) => {
    const id = map.clipIds[i]!;
    if (colourBy === 'video') return hue(map.videoIds[i]!);
    const r = roles.get(id);
    return colourBy === 'role' ? ROLE_COLOURS[r?.role ?? 'unused'] : STATUS_COLOURS[r?.role === 'anchor' ? r.status : 'unreviewed']!;
  };
  const local = (e: React.PointerEvent): [number, number] => {
    const box = svg.current!.getBoundingClientRect();
    return [((e.clientX - box.left) / box.width) * W, ((e.clientY - box.top) / box.height) * H];
  };
  return (
    <div style={{ position: 'relative' }}>
      <svg
        ref={svg}
        width={W}
        height={H}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Embedding map of ${map.clipIds.length} clips (${map.method.toUpperCase()}); drag a lasso to filter the queue`}
        data-method={map.method}
        data-serial={serial}
        data-testid="embedding-map"
        onPointerDown={(e) => {
          if ((e.target as Element).tagName === 'circle') return;
          (e.currentTarget as Element).setPointerCapture(e.pointerId);
          setLasso([local(e)]);
        }}
        onPointerMove={(e) => {
          if (lasso) setLasso([...lasso, local(e)]);
        }}
        onPointerUp={() => {
          if (lasso && lasso.length > 2) selectKeyClips(new Set(map.clipIds.filter((_, i) => inside(screen[i]![0], screen[i]![1], lasso))));
          setLasso(null);
        }}
      >
        {screen.map(([x, y], i) => {
          const id = map.clipIds[i]!;
          const selected = selection?.has(id) ?? false;
          return (
            <circle
              key={id}
              cx={x}
              cy={y}
              r={selected ? 5 : 3.5}
              fill={colour(i)}
              stroke={selected ? 'black' : 'none'}
              data-clip-id={id}
              data-selected={selected ? 'true' : 'false'}
              onPointerEnter={() => {
                setTip({ x, y, id, url: null });
                void clipThumbnail(id, map.videoIds[i]!).then((url) => setTip((t) => (t?.id === id ? { ...t, url } : t)));
              }}
              onPointerLeave={() => setTip(null)}
              onClick={() => selectKeyClips(new Set([id]))}
            >
              <title>{id}</title>
            </circle>
          );
        })}
        {lasso ? <polygon points={lasso.map((p) => p.join(',')).join(' ')} fill="rgb(0 100 255 / 10%)" stroke="#1c7ed6" /> : null}
      </svg>
      {tip ? (
        <div className="map-tip" style={{ left: tip.x + 10, top: tip.y + 10 }}>
          {tip.url ? <img src={tip.url} alt="" width={72} height={72} /> : null}
          <div>{tip.id}</div>
        </div>
      ) : null}
    </div>
  );
}

type Method = 'pca' | 'umap';

function summary(map: ClipMap): string {
  const head = `${map.clipIds.length} clips of ${map.modelId}`;
  const tail = `computed in ${map.ms.toFixed(0)} ms. Drag a lasso around clips (or click one) to show only the triples anchored on them.`;
  if (map.umap) {
    const u = map.umap;
    const input = u.pcaExplained !== null ? `their top ${u.inputDims} principal components (${(100 * u.pcaExplained).toFixed(1)}% of the variance)` : `the raw ${u.inputDims}-d embeddings`;
    return `${head}; UMAP (seed ${u.seed}, ${u.nNeighbors} neighbours, ${u.epochs} epochs) of ${input}; ${tail}`;
  }
  const [a, b] = map.explained ?? [0, 0];
  return `${head}; PCA axes explain ${(100 * a).toFixed(1)}% and ${(100 * b).toFixed(1)}% of the variance; ${tail}`;
}

/** The embedding map: PCA (default) or seeded UMAP of every stored clip, coloured by video, role or review status; a lasso filters the queue. */
export function EmbeddingMap({ items }: { items: readonly QueueItem[] }) {
  const { map, mapProgress, mapNote, mapSerial, filter } = useStudio((s) => s.review);
  const computeReady = useStudio((s) => s.compute.status === 'ready');
  const [colourBy, setColourBy] = useState<ColourBy>('role');
  const [method, setMethod] = useState<Method>('pca');
  const [seed, setSeed] = useState(UMAP_DEFAULT_SEED);
  const [reduce, setReduce] = useState(true);
  const label = method === 'pca' ? 'PCA' : 'UMAP';
  return (
    <section className="card review-map" aria-labelledby="map-title">
      <h2 id="map-title">Embedding map</h2>
      <p className="row">
        <label className="field">
          <span>Projection</span>
          <select value={method} onChange={(e) => setMethod(e.target.value as Method)}>
            <option value="pca">PCA (exact, fast)</option>
            <option value="umap">UMAP (neighbourhoods; seeded)</option>
          </select>
        </label>
        {method === 'umap' ? (
          <label className="field">
            <span>Seed</span>
            <input type="number" step={1} min={0} value={seed} onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} style={{ width: '6em' }} />
          </label>
        ) : null}
        {method === 'umap' ? (
          <label className="field" title="UMAP's neighbour search on 50 dimensions instead of the embedder's own (1792 for the default) is ~2× faster at 10,000 clips (docs/review.md)">
            <input type="checkbox" checked={reduce} onChange={(e) => setReduce(e.target.checked)} />
            <span>first reduce to {UMAP_PCA_DIMS} principal components</span>
          </label>
        ) : null}
        <button
          type="button"
          disabled={mapProgress !== null || !computeReady}
          title={computeReady ? undefined : 'Waiting for the compute backend'}
          onClick={() => void computeMap(method === 'pca' ? { method } : { method, seed, pcaDims: reduce ? UMAP_PCA_DIMS : 0 })}
        >
          {map?.method === method ? `Recompute map (${label})` : `Compute map (${label})`}
        </button>
        <label className="field">
          <span>Colour by</span>
          <select value={colourBy} onChange={(e) => setColourBy(e.target.value as ColourBy)}>
            <option value="role">role (anchor / distractor / unused)</option>
            <option value="status">review status of its triples</option>
            <option value="video">video</option>
          </select>
        </label>
        {filter.keyClips ? (
          <button type="button" onClick={() => selectKeyClips(null)}>
            Clear map selection ({filter.keyClips.size} clips)
          </button>
        ) : null}
      </p>
      {mapProgress ? <ProgressBar progress={mapProgress} label="Computing the map" onCancel={cancelMap} /> : null}
      {mapNote ? (
        <p role="status" data-testid="map-note">
          {mapNote}
        </p>
      ) : null}
      {map ? (
        <>
          <p className="muted" data-testid="map-summary">
            {summary(map)}
          </p>
          <Map2d map={map} serial={mapSerial} items={items} colourBy={colourBy} />
        </>
      ) : null}
    </section>
  );
}
