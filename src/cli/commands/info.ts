// `auris info FILE... [--json] [--verify]`: what each file is (format, true bit depth, rate,
// channels, duration, codec, container, lossless or not, MD5 status) and its tags. `--verify`
// decodes the whole file and reports whether the stored MD5 matches. The true bit depth (the bits
// the samples use, which a 24-bit container of 16-bit audio does not) is measured on the first
// 30 s of lossless integer audio, or on the whole file with --verify. The JSON shape is stable:
// an array with one object per file, `error` set instead of the rest when a file cannot be read.

import type { Command } from 'commander';
import { analysisChunk, type AudioFormat, BitDepthAnalyser, formatToString, framesPerSecond, type IntegrityReport, damageFound, type Damage, isIntegerKind, lengthToString, openFile, readTags, sameFormat, type StreamInfo, supportedExtensions, type Tags } from '../../core/files.ts';
import { asAurisError, type ErrorCode } from '../../util/errors.ts';
import { walkFiles } from '../../util/walk.ts';
import { printable } from '../paths.ts';

/** MD5 status: `present`/`absent` from the file; `match`/`mismatch` after --verify decoded it. */
export type Md5Status = 'present' | 'absent' | 'match' | 'mismatch';

/** One file's `auris info --json` entry. */
export interface FileInfo {
  readonly path: string;
  readonly codec: string;
  readonly container: string;
  readonly lossless: boolean;
  readonly sample: AudioFormat['sample'];
  /** Bits per sample as the file declares them (the container's, or FLAC's STREAMINFO). */
  readonly bits: number;
  /**
   * Bits the samples really use (fewer than `bits` for padded or re-scaled audio), measured over
   * `trueBitsOver`; null for lossy, float and DSD sources, or silence.
   */
  readonly trueBits: number | null;
  readonly trueBitsOver: 'file' | 'first 30 s' | null;
  readonly rate: number;
  readonly channels: number;
  readonly frames: number | null;
  readonly durationSeconds: number | null;
  readonly bitrate: number | null;
  readonly md5: { readonly stored: string | null; readonly status: Md5Status };
  /** Frames the decode produced, with --verify (damage as `decode` writes it); null without. */
  readonly decodedFrames: number | null;
  /**
   * Where the audio is damaged (Damage: code, message, offset, frames affected): what the header
   * shows, and with --verify everything the decode met. Any entry makes the exit code 1.
   */
  readonly damage: readonly Damage[];
  /** Oddities the decoder met that lose no audio (with --verify, over the whole file). */
  readonly warnings: readonly string[];
  /** Tags without the cover's bytes (cover: mime and size); null when no tag reader knows the file. */
  readonly tags: (Omit<Tags, 'cover'> & { cover: { mime: string; bytes: number } | null }) | null;
}

export interface FileInfoError {
  readonly path: string;
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

const roundOrNull = (v: number | null) => (v === null ? null : Math.round(v));

/** Seconds of audio `info` decodes for the true bit depth when it does not decode the whole file. */
const TRUE_BITS_SECONDS = 30;

/** Reads one file's info; decodes it fully when `verify` is set. */
export async function fileInfo(path: string, verify: boolean): Promise<FileInfo> {
  const file = await openFile(path, { integrity: 'lenient' });
  let info: StreamInfo;
  let format: AudioFormat;
  let integrity: IntegrityReport | null = null;
  let depth: BitDepthAnalyser | null = null;
  let measured = 0;
  try {
    info = file.decoder.info;
    format = file.decoder.format;
    depth = info.lossless && isIntegerKind(format.sample) ? new BitDepthAnalyser(format) : null;
    // Decode to the end so the MD5 is compared (--verify), else as far as the depth needs.
    const limit = verify ? Infinity : depth ? TRUE_BITS_SECONDS * format.rate : 0;
    while (measured < limit) {
      const block = await file.decoder.read(65536);
      if (!block) break;
      measured += block.frames;
      if (depth && block.kind === 'int' && sameFormat(block.format, format)) depth.push(analysisChunk(block));
    }
    integrity = file.decoder.integrity();
  } finally {
    await file.close();
  }
  let tags: Tags | null = null;
  try {
    tags = await readTags(path);
  } catch {
    tags = null; // a file Auris decodes but music-metadata cannot read simply has no tags to show
  }
  // A length the stream does not state is unknown unless --verify decoded it: a tag reader's guess
  // was 27 hours for a WavPack file of unknown length and 24 s for a 5.4 s MP3 (issue 17).
  const frames = info.totalFrames ?? (verify ? measured : null);
  // With --verify the decode went to the end: a shortfall no entry explains is a truncation.
  const damage = integrity === null ? [] : verify ? damageFound(integrity, measured, info.totalFrames) : integrity.damage;
  const damaged = new Set(damage.map((d) => d.message));
  const status: Md5Status = info.md5 === null ? 'absent'
    : verify && integrity?.md5 === 'match' ? 'match' : verify && integrity?.md5 === 'mismatch' ? 'mismatch' : 'present';
  return {
    path,
    codec: info.codec,
    container: info.container,
    lossless: info.lossless,
    sample: format.sample,
    bits: format.validBits,
    trueBits: depth?.finish().effectiveBits ?? null,
    trueBitsOver: depth === null ? null : verify || (frames !== null && measured >= frames) ? 'file' : 'first 30 s',
    rate: format.rate,
    channels: format.channels,
    frames,
    durationSeconds: frames !== null ? frames / framesPerSecond(format) : null,
    bitrate: roundOrNull(info.bitrate ?? tags?.bitrate ?? null),
    md5: { stored: info.md5, status },
    decodedFrames: verify ? measured : null,
    damage,
    warnings: (integrity?.warnings ?? []).filter((w) => !damaged.has(w)),
    tags: tags && { ...tags, cover: tags.cover && { mime: tags.cover.mime, bytes: tags.cover.bytes.length } },
  };
}

/** "1:02:03.500", "3:07.250". */
export function formatDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = ((ms % 60_000) / 1000).toFixed(3).padStart(6, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function humanInfo(i: FileInfo): string {
  const lines: [string, string][] = [
    ['codec', `${i.codec} in ${i.container}, ${i.lossless ? 'lossless' : 'lossy'}`],
    ['format', `${formatToString({ rate: i.rate, channels: i.channels, sample: i.sample, validBits: i.bits })}${i.trueBits !== null && i.trueBits < i.bits ? `, ${i.trueBits} bits used (in the ${i.trueBitsOver === 'file' ? 'whole file' : i.trueBitsOver})` : ''}`],
    ['duration', i.durationSeconds === null ? 'unknown (not stated by the file; --verify decodes it to measure)' : `${formatDuration(i.durationSeconds)}${i.frames === null ? '' : ` (${lengthToString(i.frames, { rate: i.rate, channels: i.channels, sample: i.sample, validBits: i.bits })})`}`],
  ];
  if (i.bitrate !== null) lines.push(['bitrate', `${Math.round(i.bitrate / 1000)} kbit/s`]);
  lines.push(['md5', i.md5.stored === null ? 'absent' : `${i.md5.status === 'present' ? 'present' : i.md5.status === 'match' ? 'verified, matches' : 'MISMATCH'} (${i.md5.stored})`]);
  if (i.decodedFrames !== null && i.decodedFrames !== i.frames) lines.push(['decoded', lengthToString(i.decodedFrames, { rate: i.rate, channels: i.channels, sample: i.sample, validBits: i.bits })]);
  for (const d of i.damage) lines.push(['DAMAGED', d.message]);
  for (const w of i.warnings) lines.push(['warning', w]);
  const t = i.tags;
  if (t) {
    const text: [string, string | number | null][] = [
      ['title', t.title], ['artist', t.artist], ['album', t.album], ['album artist', t.albumArtist],
      ['track', t.trackNumber === null ? null : `${t.trackNumber}${t.trackTotal !== null ? `/${t.trackTotal}` : ''}`],
      ['disc', t.discNumber === null ? null : `${t.discNumber}${t.discTotal !== null ? `/${t.discTotal}` : ''}`],
      ['date', t.date], ['genre', t.genre], ['composer', t.composer],
    ];
    for (const [k, v] of text) if (v !== null) lines.push([k, String(v)]);
    const rg = t.replayGain;
    if (rg) {
      const part = (g: number | null, p: number | null) => `${g === null ? '-' : `${g.toFixed(2)} dB`}${p === null ? '' : `, peak ${p.toFixed(6)}`}`;
      lines.push(['replaygain', `track ${part(rg.trackGainDb, rg.trackPeak)}; album ${part(rg.albumGainDb, rg.albumPeak)}`]);
    }
    if (t.cover) lines.push(['cover', `${t.cover.mime}, ${t.cover.bytes} bytes`]);
  }
  return `${printable(i.path)}\n${lines.map(([k, v]) => `  ${k.padEnd(13)}${v}`).join('\n')}\n`;
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show format, true bit depth, rate, channels, duration, codec, lossless or not, MD5 status and tags')
    .argument('<files...>', 'audio files (folders: every audio file in them)')
    .option('--json', 'print a JSON array, one object per file')
    .option('--verify', 'decode each file fully and check its stored MD5')
    .action(async (files: string[], opts: { json?: boolean; verify?: boolean }) => {
      const results: (FileInfo | FileInfoError)[] = [];
      // Through the folder lister: a missing path, a FIFO or an unreadable folder is an entry with
      // its error (never opened, so never a hang), and the rest goes on.
      for await (const item of walkFiles(files, { extensions: new Set(supportedExtensions()) })) {
        if (item.kind === 'problem') {
          results.push({ path: item.path, error: { code: item.error.code, message: item.error.message } });
          continue;
        }
        try {
          results.push(await fileInfo(item.path, opts.verify === true));
        } catch (e) {
          const err = asAurisError(e);
          results.push({ path: item.path, error: { code: err.code, message: err.message } });
        }
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else {
        process.stdout.write(results.map((r) => ('error' in r ? `${printable(r.path)}\n  error        ${printable(r.error.message)} [${r.error.code}]\n` : humanInfo(r))).join('\n'));
      }
      // Damage fails the run as in every command: the file is described, and the exit code says it.
      const failed = results.some((r) => 'error' in r || r.md5.status === 'mismatch' || r.damage.length > 0);
      if (failed) process.exitCode = 1;
    });
}
