// How numbers read in the app: format badges (16/44.1, 24/96, DSD64), times, dB.

import type { Verdict, WireAudioFormat } from './wire.ts';

/** "44.1", "96", "352.8": a rate in kHz without trailing zeros. */
export function khz(rate: number): string {
  return String(Math.round(rate / 100) / 10);
}

/**
 * The badge of a stream: "24/96" for PCM (true depth / kHz), "DSD64" for DSD (its rate is bits
 * per second per channel, 64 x 44.1 kHz for DSD64), the codec for lossy files.
 */
export function formatBadge(f: { rate: number | null; bits: number | null; codec?: string; lossless?: boolean; dsd?: boolean }): string {
  if (f.lossless === false) return (f.codec ?? 'lossy').toUpperCase();
  if (f.rate === null) return '?';
  // DSD: 1-bit samples (music-metadata names the codec DSD/DST, the container DSF/DSDIFF).
  if (f.dsd || f.bits === 1 || /^(dsd|dst|dsf|dff)/i.test(f.codec ?? '')) return `DSD${Math.round(f.rate / 44100)}`;
  return `${f.bits ?? '?'}/${khz(f.rate)}`;
}

export function wireFormatBadge(f: WireAudioFormat): string {
  if (f.sample === 'dsd') return `DSD${Math.round(f.rate / 44100)}`;
  const float = f.sample === 'f32' || f.sample === 'f64';
  return `${float ? `${f.sample === 'f32' ? 32 : 64}f` : f.validBits}/${khz(f.rate)}`;
}

/** "PCM 24-bit 96 kHz, 2 ch" with the container when it differs. */
export function describeFormat(f: unknown): string {
  if (!f || typeof f !== 'object') return '';
  const o = f as Partial<WireAudioFormat>;
  if (typeof o.rate !== 'number') return '';
  if (o.sample === 'dsd') return `DSD${Math.round(o.rate / 44100)} (${(o.rate / 1e6).toFixed(4)} MHz), ${o.channels} ch`;
  const depth = o.sample === 'f32' || o.sample === 'f64' ? `${o.sample === 'f32' ? 32 : 64}-bit float` : `${o.validBits}-bit`;
  return `${depth}, ${khz(o.rate)} kHz, ${o.channels} ch`;
}

/** "1 album", "2 albums", "0 tracks": a count with its noun, plural unless it is exactly one (`plural` for irregular nouns). */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** m:ss or h:mm:ss. */
export function clock(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–:––';
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function db(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${v > 0 ? '+' : ''}${v.toFixed(digits)} dB`;
}

export const VERDICT_LABEL: Record<Verdict, string> = {
  'bit-perfect': 'Bit-perfect',
  enhanced: 'Enhanced',
  degraded: 'Degraded',
  'lossy-source': 'Lossy source',
};

/** What each verdict means, in one sentence. */
export const VERDICT_MEANING: Record<Verdict, string> = {
  'bit-perfect': 'Every sample of the file reaches the device unchanged.',
  enhanced: 'Only processing you chose (EQ, volume, crossfeed) changes the samples.',
  degraded: 'Something you did not choose changes the samples (a system mixer, resampling for a device that lacks the rate).',
  'lossy-source': 'The file itself is lossy; nothing after it can restore what the encoder removed.',
};

/** The first letter a list is sorted under: A–Z, or '#' for digits and everything else. */
export function indexLetter(s: string): string {
  const c = s.trim().charAt(0).toUpperCase();
  return c >= 'A' && c <= 'Z' ? c : '#';
}
