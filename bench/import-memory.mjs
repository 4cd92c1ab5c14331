// bench/import-memory: peak memory of the whole browser (every Chromium process, PSS from
// /proc/*/smaps_rollup, so shared pages count once; on-disk profile) while the studio imports a 2-hour video:
// decode at 1 fps, embed, store. Goal (issue #3): under 1 GB. Linux only.
// Run: npm run bench:import-memory (takes ~5–10 min here).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withStudio } from './browser.mjs';

const OUT = resolve('bench/out');
mkdirSync(OUT, { recursive: true });
// MEM_BENCH_SECONDS shortens the video to look at the trend quickly (default: 2 hours).
const DURATION_S = Number(process.env.MEM_BENCH_SECONDS ?? 7200);
const VIDEO = join(OUT, `${DURATION_S}s-160x120.mp4`);
if (!existsSync(VIDEO)) {
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=160x120:rate=2:duration=${DURATION_S}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '4', VIDEO]);
}

/** PIDs of `root` and all its descendants. */
function tree(root) {
  const children = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(pid)]);
    } catch {
      // process ended
    }
  }
  const out = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** PSS of the Chromium processes below `root` (not vite preview, not this script), in bytes,
 * total and per process type (`browser`, `renderer`, `gpu-process`, `utility`, …). */
function pssByType(root) {
  const byType = {};
  let total = 0;
  for (const pid of tree(root)) {
    try {
      if (!/chrom/i.test(readFileSync(`/proc/${pid}/comm`, 'utf8'))) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      const bytes = Number(m?.[1] ?? 0) * 1024;
      byType[type] = (byType[type] ?? 0) + bytes;
      total += bytes;
    } catch {
      // process ended
    }
  }
  return { total, byType };
}

const pssBytes = (root) => pssByType(root).total;

// MEM_BENCH_MODE=decode: decode only (Settings → decode benchmark, WebCodecs then ffmpeg.wasm),
// nothing embedded or stored, to tell decoder memory from embedding/storage memory.
const MODE = process.env.MEM_BENCH_MODE ?? 'import';

const report = await withStudio(async (page, base) => {
  // Playwright starts Chromium as a child of this process.
  const pid = process.pid;
  await page.goto(`${base}/#/${MODE === 'decode' ? 'settings' : 'library'}`);
  await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
  const baseline = pssBytes(pid);
  const samples = [];
  const typed = [];
  const timer = setInterval(() => {
    const s = pssByType(pid);
    samples.push(s.total);
    typed.push(s.byType);
  }, 1000);
  // JS/wasm heaps per realm (page vs workers): cross-origin isolated pages may ask the engine.
  const heaps = [];
  let measuring = true;
  const heapLoop = (async () => {
    while (measuring) {
      const m = await page
        .evaluate(async () => {
          const r = await performance.measureUserAgentSpecificMemory();
          const out = {};
          for (const b of r.breakdown) {
            const scope = b.attribution[0]?.scope ?? 'none';
            out[scope] = (out[scope] ?? 0) + b.bytes;
          }
          return out;
        })
        .catch((e) => ({ error: String(e).slice(0, 80) }));
      heaps.push(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v / 2 ** 20) : v])));
      await new Promise((r) => setTimeout(r, 10_000));
    }
  })();
  const start = Date.now();
  if (MODE === 'decode') {
    await page.getByLabel('Video to benchmark').setInputFiles(VIDEO);
    await page.getByRole('button', { name: 'Run decode benchmark' }).click();
    await page.getByTestId('decode-bench-json').waitFor({ state: 'attached', timeout: 30 * 60_000 });
  } else {
    await page.getByLabel('Import videos').setInputFiles(VIDEO);
    await page
      .locator('[data-testid=video-row] [data-testid=video-frames]')
      .filter({ hasText: `${DURATION_S} · webcodecs` })
      .waitFor({ timeout: 30 * 60_000 });
  }
  clearInterval(timer);
  measuring = false;
  await heapLoop;
  const seconds = (Date.now() - start) / 1000;
  const alerts = await page.getByRole('alert').allInnerTexts();
  // Every 10th sample (MiB), to tell a leak (growth with frames) from a plateau.
  const trendMiB = samples.filter((_, i) => i % 10 === 0).map((b) => Math.round(b / 2 ** 20));
  // Per process type, every 10th sample (MiB): which process grows.
  const trendByTypeMiB = {};
  typed.forEach((t, i) => {
    if (i % 10 !== 0) return;
    for (const [k, v] of Object.entries(t)) (trendByTypeMiB[k] ??= []).push(Math.round(v / 2 ** 20));
  });
  // When the peak happened (seconds after the import started) and which process held it.
  const peakIndex = samples.indexOf(Math.max(...samples));
  const peakByTypeMiB = Object.fromEntries(Object.entries(typed[peakIndex] ?? {}).map(([k, v]) => [k, Math.round(v / 2 ** 20)]));
  return { baselineBytes: baseline, peakBytes: Math.max(...samples), peakAtS: peakIndex + 1, peakByTypeMiB, trendMiB, trendByTypeMiB, jsHeapsMiB: heaps, samples: samples.length, importSeconds: seconds, framesPerS: DURATION_S / seconds, alerts };
}, { persistent: true });

const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const result = { bench: 'import-memory', mode: MODE, video: `${DURATION_S} s, 160×120, 2 fps H.264`, frames: DURATION_S, ...report, goalBytes: 2 ** 30, withinGoal: report.peakBytes < 2 ** 30 };
writeFileSync(join(OUT, 'import-memory.json'), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result));
console.log();
console.log(`browser PSS before import ${mb(report.baselineBytes)}, peak during import ${mb(report.peakBytes)} (goal < 1024 MiB)`);
console.log(`peak at ${report.peakAtS} s of ${report.importSeconds.toFixed(0)} s: ${JSON.stringify(report.peakByTypeMiB)} MiB by process type`);
console.log(`${DURATION_S} frames in ${report.importSeconds.toFixed(0)} s (${report.framesPerS.toFixed(1)} frames/s)`);
