import { useCallback, useEffect } from 'react';
import { formatBytes } from '../../core/format';
import { webCodecsSupport } from '../../media/codecSupport';
import { studioDb } from '../../storage/db';
import { requestPersistence, storageReport } from '../../storage/quota';
import { DB_NAME, DB_VERSION } from '../../storage/schema';
import { computeEngine } from '../../workers/computeClient';
import { useTask } from '../common/useTask';

async function gatherDiagnostics() {
  const [env, codecs, storage, idb] = await Promise.all([
    computeEngine()['env.describe'](null),
    webCodecsSupport(),
    storageReport(),
    studioDb()
      .then((db) => ({ ok: true, stores: [...db.objectStoreNames].length, error: '' }))
      .catch((e: unknown) => ({ ok: false, stores: 0, error: e instanceof Error ? e.message : String(e) })),
  ]);
  return { env, codecs, storage, idb };
}

export function DiagnosticsPanel() {
  const diag = useTask('Diagnostics failed', useCallback(() => gatherDiagnostics(), []));
  const { run } = diag;
  useEffect(run, [run]);
  const d = diag.result;

  return (
    <section className="card" aria-labelledby="diag-title">
      <h2 id="diag-title">Diagnostics</h2>
      <button type="button" onClick={diag.run} disabled={diag.running}>
        Refresh
      </button>
      {d ? (
        <dl className="facts" data-testid="diagnostics">
          <dt>Cross-origin isolated</dt>
          <dd data-testid="diag-coi">
            {String(crossOriginIsolated)}
            {crossOriginIsolated ? ' (SharedArrayBuffer available)' : ' (serve with COOP/COEP headers to enable SharedArrayBuffer)'}
          </dd>
          <dt>CPU threads</dt>
          <dd>{d.env.hardwareConcurrency}</dd>
          <dt>WebGPU adapter</dt>
          <dd data-testid="diag-webgpu">
            {d.env.webgpu.adapter
              ? `${d.env.webgpu.adapter.isFallbackAdapter ? 'software' : 'hardware'} — vendor ${d.env.webgpu.adapter.vendor || '?'}, architecture ${d.env.webgpu.adapter.architecture || '?'}${d.env.webgpu.adapter.description ? `, ${d.env.webgpu.adapter.description}` : ''}`
              : `none (${d.env.webgpu.error ?? 'unavailable'})`}
          </dd>
          {d.env.webgpu.adapter ? (
            <>
              <dt>WebGPU limits</dt>
              <dd>
                <details>
                  <summary>{Object.keys(d.env.webgpu.limits).length} limits, {d.env.webgpu.features.length} features</summary>
                  <pre>{JSON.stringify({ limits: d.env.webgpu.limits, features: d.env.webgpu.features }, null, 1)}</pre>
                </details>
              </dd>
            </>
          ) : null}
          <dt>WebCodecs decode</dt>
          <dd data-testid="diag-webcodecs">
            {d.codecs ? d.codecs.map((c) => `${c.label} ${c.decode ? '✓' : '✗'}`).join(' · ') : 'WebCodecs unavailable (ffmpeg.wasm will decode)'}
          </dd>
          <dt>Storage</dt>
          <dd data-testid="diag-storage">
            {formatBytes(d.storage.usageBytes ?? NaN)} used of {formatBytes(d.storage.quotaBytes ?? NaN)} ·{' '}
            {d.storage.persisted ? 'persistent' : 'best-effort (may be evicted)'}{' '}
            {!d.storage.persisted ? (
              <button type="button" onClick={() => void requestPersistence().then(diag.run)}>
                Ask to persist
              </button>
            ) : null}
          </dd>
          <dt>IndexedDB</dt>
          <dd data-testid="diag-idb">{d.idb.ok ? `${DB_NAME} v${DB_VERSION}, ${d.idb.stores} stores` : `unavailable: ${d.idb.error}`}</dd>
        </dl>
      ) : (
        <p role="status">Gathering…</p>
      )}
    </section>
  );
}
