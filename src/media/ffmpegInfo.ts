// Reads what `ffmpeg -i FILE` prints about an input (ffmpeg 5.1, the version of @ffmpeg/core
// 0.12): the fallback probe for containers mediabunny cannot open (AVI, MPEG-PS, …). Pure text
// parsing, tested in Node against real ffmpeg output.

export interface FfmpegInfo {
  /** Demuxer names, e.g. `avi` or `matroska,webm`. */
  container: string;
  durationS: number | null;
  video: { codec: string; width: number; height: number; fps: number; rotation: number } | null;
  hasAudio: boolean;
}

/** Why ffmpeg could not open the input, in words for users; null when it could. */
export function ffmpegOpenError(log: string): string | null {
  if (/moov atom not found/.test(log) && !/detected only with low score/.test(log)) return 'the file is incomplete: its index (the mp4 "moov" box) is missing, as in a truncated download or an interrupted recording';
  if (/Invalid data found when processing input/.test(log)) return 'not a video container the studio can read (is it really a video?)';
  if (!/^Input #0, /m.test(log)) return 'ffmpeg could not open it';
  return null;
}

const seconds = (h: string, m: string, s: string) => Number(h) * 3600 + Number(m) * 60 + Number(s);

export function parseFfmpegInfo(log: string): FfmpegInfo {
  const container = /^Input #0, (.+?), from /m.exec(log)?.[1] ?? 'unknown';
  const d = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/m.exec(log);
  const durationS = d ? seconds(d[1] ?? '0', d[2] ?? '0', d[3] ?? '0') : null;
  // The first video stream, and its side data up to the next stream line.
  const videoLine = /^\s*Stream #\d+:\d+.*?: Video: (.*)$/m.exec(log);
  let video: FfmpegInfo['video'] = null;
  if (videoLine) {
    const text = videoLine[1] ?? '';
    const codec = /^([\w-]+)/.exec(text)?.[1] ?? 'unknown';
    const size = /(?:^|[ ,])(\d{2,5})x(\d{2,5})(?=[ ,[]|$)/.exec(text);
    const fps = /([\d.]+) fps/.exec(text) ?? /([\d.]+) tbr/.exec(text);
    const after = log.slice((videoLine.index ?? 0) + videoLine[0].length);
    const nextStream = after.search(/^\s*Stream #/m);
    const side = nextStream >= 0 ? after.slice(0, nextStream) : after;
    const rot = /rotation of (-?[\d.]+) degrees/.exec(side);
    const rotation = rot ? ((Math.round(Number(rot[1])) % 360) + 360) % 360 : 0;
    const w = Number(size?.[1] ?? 0);
    const h = Number(size?.[2] ?? 0);
    const quarter = rotation === 90 || rotation === 270;
    video = { codec, width: quarter ? h : w, height: quarter ? w : h, fps: Number(fps?.[1] ?? 0), rotation };
  }
  return { container, durationS, video, hasAudio: /^\s*Stream #\d+:\d+.*?: Audio: /m.test(log) };
}
