// Who holds an ALSA device: the processes with /dev/snd/pcmC<card>D<dev>p open (like `fuser`),
// and a message that says whom to ask.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface DeviceHolder {
  readonly pid: number;
  readonly command: string;
}

/** Card index and device of an ALSA name ("hw:CARD=DAC,DEV=0", "hw:1,0", "plughw:..."); null when it is not a card. */
export function cardDeviceOf(pcm: string): { card: number; device: number } | null {
  const m = /^(?:plug)?hw:(?:CARD=)?([^,]+)(?:,(?:DEV=)?(\d+))?/.exec(pcm);
  if (!m) return null;
  const device = m[2] === undefined ? 0 : Number(m[2]);
  if (/^\d+$/.test(m[1]!)) return { card: Number(m[1]), device };
  try {
    // /proc/asound/<id> is a symlink to card<N>.
    const target = readlinkSync(`/proc/asound/${m[1]}`);
    const n = /card(\d+)/.exec(target);
    return n ? { card: Number(n[1]), device } : null;
  } catch {
    return null;
  }
}

/** Processes holding the playback PCM node of `pcm`, found through /proc/<pid>/fd. */
export function findDeviceHolders(pcm: string): DeviceHolder[] {
  const cd = cardDeviceOf(pcm);
  if (!cd) return [];
  const node = `/dev/snd/pcmC${cd.card}D${cd.device}p`;
  const out: DeviceHolder[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    const holds = fds.some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === node;
      } catch {
        return false;
      }
    });
    if (!holds) continue;
    let command = '?';
    try {
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      // keep '?'
    }
    out.push({ pid: Number(pid), command });
  }
  return out;
}

/** Whom to ask, in words, for a busy device. */
export function busyAdvice(pcm: string, holders: readonly DeviceHolder[]): string {
  if (holders.length === 0) {
    return `${pcm} is busy: another program holds it (no process holding it could be seen; it may be PipeWire, PulseAudio or another player running as another user). ` +
      'Stop that player, or make the sound server release the card (PipeWire/PulseAudio: set the card profile to "off", e.g. `pactl set-card-profile <card> off`), or play in shared mode.';
  }
  const who = holders.map((h) => `${h.command} (pid ${h.pid})`).join(', ');
  const server = holders.find((h) => /pipewire|wireplumber/i.test(h.command))
    ? 'PipeWire: set the card profile to "off" (`pactl set-card-profile <card> off`, or pavucontrol) to release it'
    : holders.find((h) => /pulseaudio/i.test(h.command))
      ? 'PulseAudio: set the card profile to "off" (`pactl set-card-profile <card> off`) or suspend the sink (`pactl suspend-sink <sink> 1`)'
      : 'stop that program or pick another device';
  return `${pcm} is busy: held by ${who}. Ask ${server}; or play in shared mode.`;
}
