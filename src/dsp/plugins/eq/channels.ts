// Channel selection as Equalizer APO names it (dsp.md section 1.6): ALL, 1-based numbers, or
// speaker identifiers L R C LFE RL RR RC SL SR (SUB = LFE; SL/SR fall back to RL/RR and back).

/** 'all', or a list of identifiers/1-based numbers as text ("L", "2", "LFE"). */
export type ChannelSelection = 'all' | readonly string[];

/** Speaker order per channel count, following the default WAVE channel masks. */
const LAYOUTS: Record<number, readonly string[]> = {
  1: ['C'],
  2: ['L', 'R'],
  3: ['L', 'R', 'C'],
  4: ['L', 'R', 'RL', 'RR'],
  5: ['L', 'R', 'C', 'RL', 'RR'],
  6: ['L', 'R', 'C', 'LFE', 'RL', 'RR'],
  7: ['L', 'R', 'C', 'LFE', 'RL', 'RR', 'RC'],
  8: ['L', 'R', 'C', 'LFE', 'RL', 'RR', 'SL', 'SR'],
};

const FALLBACK: Record<string, string> = { SL: 'RL', SR: 'RR', RL: 'SL', RR: 'SR', SUB: 'LFE' };

/** Speaker names of a stream with `channels` channels (numbers beyond the known layouts). */
export function channelNames(channels: number): string[] {
  return Array.from({ length: channels }, (_, i) => LAYOUTS[channels]?.[i] ?? String(i + 1));
}

/** 0-based indices a selection picks in a stream of `channels` channels (unknown names pick nothing). */
export function resolveChannels(sel: ChannelSelection, channels: number): number[] {
  if (sel === 'all') return Array.from({ length: channels }, (_, i) => i);
  const names = channelNames(channels);
  const picked = new Set<number>();
  for (const raw of sel) {
    const id = raw.toUpperCase();
    if (id === 'ALL') return Array.from({ length: channels }, (_, i) => i);
    if (/^\d+$/.test(id)) {
      const n = Number(id);
      if (n >= 1 && n <= channels) picked.add(n - 1);
      continue;
    }
    let at = names.indexOf(id);
    if (at < 0 && FALLBACK[id]) at = names.indexOf(FALLBACK[id]);
    if (at >= 0) picked.add(at);
  }
  return [...picked].sort((a, b) => a - b);
}
