// Which codecs this browser's WebCodecs can decode (Diagnostics; the decode path uses the same
// check per stream before choosing WebCodecs over ffmpeg.wasm).

export const PROBED_CODECS = [
  { label: 'H.264', codec: 'avc1.64001F' },
  { label: 'VP8', codec: 'vp8' },
  { label: 'VP9', codec: 'vp09.00.10.08' },
  { label: 'AV1', codec: 'av01.0.04M.08' },
  { label: 'HEVC', codec: 'hvc1.1.6.L93.B0' },
] as const;

export interface CodecSupport {
  label: string;
  codec: string;
  decode: boolean;
}

export async function webCodecsSupport(width = 1280, height = 720): Promise<CodecSupport[] | null> {
  if (typeof VideoDecoder === 'undefined') return null;
  return Promise.all(
    PROBED_CODECS.map(async ({ label, codec }) => {
      try {
        const { supported } = await VideoDecoder.isConfigSupported({ codec, codedWidth: width, codedHeight: height });
        return { label, codec, decode: Boolean(supported) };
      } catch {
        return { label, codec, decode: false };
      }
    }),
  );
}
