// bench/decode: sampling 1 fps at 224 px from 60 s 720p H.264 and VP9 files — native ffmpeg vs
// the studio's WebCodecs path vs its ffmpeg.wasm path, measured in one run, as ratios to native.
// Prints JSON and a table; writes bench/out/decode.json. Run: npm run bench:decode
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { printTable, withStudio } from './browser.mjs';

const OUT = resolve('bench/out');
mkdirSync(OUT, { recursive: true });
const FILTER = 'fps=1:round=up,scale=224:224:force_original_aspect_ratio=decrease,pad=224:224:(ow-iw)/2:(oh-ih)/2';
const FILES = {
  'h264-720p-60s.mp4': ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '60'],
  'vp9-720p-60s.webm': ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '2M', '-g', '60'],
};

for (const [name, codec] of Object.entries(FILES)) {
  const path = join(OUT, name);
  if (!existsSync(path)) execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=60', ...codec, path]);
}

function nativeMs(path) {
  const t = performance.now();
  execFileSync('ffmpeg', ['-loglevel', 'error', '-i', path, '-an', '-vf', FILTER, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', '/dev/null']);
  return performance.now() - t;
}

const results = await withStudio(async (page, base) => {
  await page.goto(`${base}/#/settings`);
  await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
  const out = [];
  for (const name of Object.keys(FILES)) {
    const path = join(OUT, name);
    const native = nativeMs(path);
    await page.getByLabel('Video to benchmark').setInputFiles(path);
    await page.getByRole('button', { name: 'Run decode benchmark' }).click();
    const json = page.getByTestId('decode-bench-json');
    await json.waitFor({ state: 'attached', timeout: 600_000 });
    const timings = JSON.parse(await json.textContent());
    out.push({ file: name, nativeMs: Math.round(native), timings });
    // Clear the result before the next file: the panel keeps the last one until re-run.
    await page.reload();
    await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
  }
  return out;
});

const report = { bench: 'decode', sampling: '1 fps, 224 px letterboxed', nativeThreads: 'ffmpeg default (all cores)', results };
writeFileSync(join(OUT, 'decode.json'), JSON.stringify(report, null, 2));
console.log(JSON.stringify(report));
console.log();
printTable(
  results.flatMap((r) => [
    { file: r.file, path: 'native ffmpeg', frames: 60, seconds: (r.nativeMs / 1000).toFixed(2), 'vs native': '1.00×' },
    ...r.timings.map((t) => ({
      file: r.file,
      path: t.path,
      frames: t.error ? `failed: ${t.error}` : t.frames,
      seconds: (t.elapsedMs / 1000).toFixed(2),
      'vs native': `${(t.elapsedMs / r.nativeMs).toFixed(2)}×`,
    })),
  ]),
);
