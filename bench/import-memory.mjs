// bench/import-memory: peak memory of the whole browser (every Chromium process, PSS from
// /proc/*/smaps_rollup, so shared pages count once) while the studio imports a 2-hour video:
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

/** PSS of the Chromium processes below `root` (not vite preview, not this script). */
function pssBytes(root) {
  let kb = 0;
  for (const pid of tree(root)) {
    try {
      if (!/chrom/i.test(readFileSync(`/proc/${pid}/comm`, 'utf8'))) continue;
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // process ended
    }
  }
  return kb * 1024;
}

const report = await withStudio(async (page, base) => {
  // Playwright starts Chromium as a child of this process.
  const pid = process.pid;
  await page.goto(`${base}/#/library`);
  await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
  const baseline = pssBytes(pid);
  const samples = [];
  const timer = setInterval(() => samples.push(pssBytes(pid)), 1000);
  const start = Date.now();
  await page.getByLabel('Import videos').setInputFiles(VIDEO);
  await page
    .locator('[data-testid=video-row] [data-testid=video-frames]')
    .filter({ hasText: `${DURATION_S} · webcodecs` })
    .waitFor({ timeout: 30 * 60_000 });
  clearInterval(timer);
  const seconds = (Date.now() - start) / 1000;
  const alerts = await page.getByRole('alert').allInnerTexts();
  // Every 10th sample (MiB), to tell a leak (growth with frames) from a plateau.
  const trendMiB = samples.filter((_, i) => i % 10 === 0).map((b) => Math.round(b / 2 ** 20));
  return { baselineBytes: baseline, peakBytes: Math.max(...samples), trendMiB, samples: samples.length, importSeconds: seconds, framesPerS: DURATION_S / seconds, alerts };
});

const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const result = { bench: 'import-memory', video: `${DURATION_S} s, 160×120, 2 fps H.264`, frames: DURATION_S, ...report, goalBytes: 2 ** 30, withinGoal: report.peakBytes < 2 ** 30 };
writeFileSync(join(OUT, 'import-memory.json'), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result));
console.log();
console.log(`browser PSS before import ${mb(report.baselineBytes)}, peak during import ${mb(report.peakBytes)} (goal < 1024 MiB)`);
console.log(`${DURATION_S} frames in ${report.importSeconds.toFixed(0)} s (${report.framesPerS.toFixed(1)} frames/s)`);
