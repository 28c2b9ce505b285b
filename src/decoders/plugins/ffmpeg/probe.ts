// What ffprobe says about a file's first audio stream, turned into an Auris format: the true bit
// depth (bits_per_raw_sample), float kept float, and the raw PCM layout to ask ffmpeg for.

import { execFile } from 'node:child_process';
import { floatFormat, pcmFormat, type AudioFormat } from '../../../audio/format.ts';
import { AurisError } from '../../../util/errors.ts';

/** The install hint for a missing ffmpeg, per platform. */
export function ffmpegInstallHint(): string {
  return process.platform === 'win32'
    ? 'install FFmpeg (winget install Gyan.FFmpeg) and make sure ffmpeg.exe and ffprobe.exe are on PATH'
    : process.platform === 'darwin' ? 'install FFmpeg (brew install ffmpeg)' : 'install FFmpeg (apt install ffmpeg)';
}

/** E_TOOL_MISSING naming what to install, for `tool` (ffmpeg or ffprobe). */
export function toolMissing(tool: string, forWhat: string): AurisError {
  return new AurisError('E_TOOL_MISSING', `${forWhat} needs ${tool}, which is not installed or not on PATH: ${ffmpegInstallHint()}`, { tool });
}

/** Codecs whose decode is bit-exact to the encoder's input. */
const LOSSLESS_CODECS = new Set(['alac', 'wavpack', 'ape', 'flac', 'tta', 'tak', 'mlp', 'truehd', 'wmalossless', 'shorten', 'mp4als']);

/** Codecs for which `-ss` before `-i` was verified sample-exact (test/decoders/ffmpeg.test.ts). */
const EXACT_INPUT_SEEK = new Set(['alac', 'wavpack', 'flac']);

const CODEC_NAMES: Record<string, string> = {
  alac: 'ALAC', aac: 'AAC', wavpack: 'WavPack', ape: 'APE', flac: 'FLAC', tta: 'TTA', tak: 'TAK',
  mp3: 'MP3', vorbis: 'Vorbis', opus: 'Opus', wmav2: 'WMA', wmalossless: 'WMA Lossless', mp4als: 'MPEG-4 ALS',
};

const CONTAINER_NAMES: Record<string, string> = {
  'mov,mp4,m4a,3gp,3g2,mj2': 'MP4', wv: 'WavPack', ape: 'APE', matroska: 'Matroska', 'matroska,webm': 'Matroska',
  flac: 'FLAC', tta: 'TTA', asf: 'ASF', ogg: 'Ogg',
};

/** The raw sample layout read from ffmpeg's stdout. */
export type RawLayout = 's16le' | 's32le' | 'f32le' | 'f64le';

export interface FfprobeResult {
  readonly format: AudioFormat;
  readonly layout: RawLayout;
  /** Right shift that turns ffmpeg's left-justified s16/s32 into right-justified `validBits` samples. */
  readonly shift: number;
  readonly codecId: string;
  readonly codec: string;
  readonly container: string;
  readonly lossless: boolean;
  /** Total frames when the stream's duration is given in samples (time base 1/rate); else null. */
  readonly totalFrames: number | null;
  /** Frames implied by the duration in seconds, rounded; a less exact fallback for display. */
  readonly approxFrames: number | null;
  readonly bitrate: number | null;
  readonly exactInputSeek: boolean;
}

interface FfprobeStream {
  codec_name?: string;
  sample_fmt?: string;
  sample_rate?: string;
  channels?: number;
  bits_per_raw_sample?: string;
  time_base?: string;
  duration_ts?: number;
  duration?: string;
  bit_rate?: string;
}

/** Runs ffprobe on `path`; E_TOOL_MISSING without it, E_UNSUPPORTED_FORMAT when it finds no audio. */
export async function ffprobe(path: string): Promise<FfprobeResult> {
  const json = await new Promise<string>((resolve, reject) => {
    execFile('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_streams', '-show_format', '-of', 'json', '--', path],
      { maxBuffer: 16 << 20, timeout: 30_000 }, (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(toolMissing('ffprobe', `decoding ${path}`));
        else if (err) reject(new AurisError('E_CORRUPT', `${path}: ffprobe cannot read it: ${String(stderr).trim().split('\n')[0] ?? err.message}`, { path }));
        else resolve(stdout);
      });
  });
  const parsed = JSON.parse(json) as { streams?: FfprobeStream[]; format?: { format_name?: string; bit_rate?: string } };
  const s = parsed.streams?.[0];
  const rate = Number(s?.sample_rate);
  const channels = s?.channels ?? 0;
  if (!s?.codec_name || !Number.isInteger(rate) || rate <= 0 || channels <= 0) {
    throw new AurisError('E_UNSUPPORTED_FORMAT', `${path}: ffprobe finds no audio stream`, { path });
  }
  if (!s.sample_fmt || s.sample_fmt === 'none') {
    throw new AurisError('E_CORRUPT', `${path}: ffprobe cannot tell the sample format of its ${s.codec_name} stream (damaged or cut short?)`, { path });
  }
  const fmt = s.sample_fmt.replace(/p$/, '');
  let format: AudioFormat;
  let layout: RawLayout;
  let shift = 0;
  if (fmt === 'flt' || fmt === 'dbl') {
    format = floatFormat(rate, channels, fmt === 'flt' ? 32 : 64);
    layout = fmt === 'flt' ? 'f32le' : 'f64le';
  } else {
    const width = fmt === 'u8' ? 8 : fmt === 's16' ? 16 : fmt === 's32' ? 32 : 0;
    if (width === 0) throw new AurisError('E_UNSUPPORTED_FEATURE', `${path}: sample format ${s.sample_fmt} of ${s.codec_name} is not handled`, { path });
    const raw = Number(s.bits_per_raw_sample);
    const bits = Number.isInteger(raw) && raw > 0 && raw <= width ? raw : width;
    format = pcmFormat(rate, channels, bits);
    layout = bits <= 16 ? 's16le' : 's32le';
    shift = (layout === 's16le' ? 16 : 32) - bits;
  }
  const inSamples = s.time_base === `1/${rate}` && Number.isInteger(s.duration_ts) && s.duration_ts! > 0;
  const seconds = Number(s.duration);
  const bitrate = Number(s.bit_rate ?? parsed.format?.bit_rate);
  const formatName = parsed.format?.format_name ?? '';
  return {
    format,
    layout,
    shift,
    codecId: s.codec_name,
    codec: CODEC_NAMES[s.codec_name] ?? s.codec_name.toUpperCase(),
    container: CONTAINER_NAMES[formatName] ?? formatName.split(',')[0]!.toUpperCase(),
    lossless: LOSSLESS_CODECS.has(s.codec_name) || s.codec_name.startsWith('pcm_'),
    totalFrames: inSamples ? s.duration_ts! : null,
    approxFrames: Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * rate) : null,
    bitrate: Number.isFinite(bitrate) && bitrate > 0 ? bitrate : null,
    exactInputSeek: EXACT_INPUT_SEEK.has(s.codec_name) || s.codec_name.startsWith('pcm_'),
  };
}
