// `auris doctor`: what stands between the user and bit-perfect playback on this system, and how
// to fix each thing. Facts are gathered from the system (gatherFacts); the rules (diagnose) are
// pure, so every rule is tested on facts written down in the test.

import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { OutputListing } from '../outputs/registry.ts';
import { listOutputs } from '../outputs/registry.ts';

export type FindingLevel = 'ok' | 'warning' | 'problem';

export interface Finding {
  readonly level: FindingLevel;
  /** Stable identifier of the rule, for scripts and tests. */
  readonly id: string;
  readonly title: string;
  readonly detail: string;
  /** What to do about it ('' for ok findings). */
  readonly fix: string;
}

/** What doctor looks at. */
export interface SystemFacts {
  readonly platform: NodeJS.Platform;
  readonly outputs: readonly OutputListing[];
  /** Output kinds that are unavailable here, with the reason (no libasound, no addon). */
  readonly unavailable: readonly { kind: string; reason: string }[];
  /** Names of running sound servers (pipewire, pulseaudio, wireplumber, jackd). */
  readonly soundServers: readonly string[];
  /** PipeWire's allowed rates when configured (default.clock.allowed-rates), else null. */
  readonly pipewireAllowedRates: readonly number[] | null;
  /** Whether the user can open /dev/snd nodes (null when there are none). */
  readonly sndAccess: boolean | null;
}

const SOUND_SERVERS = ['pipewire', 'pipewire-pulse', 'wireplumber', 'pulseaudio', 'jackd', 'jackdbus'];

/** Reads the facts from this system. Never throws: what cannot be read is reported as unknown/empty. */
export async function gatherFacts(): Promise<SystemFacts> {
  const { outputs, unavailable } = await listOutputs({ probe: true });
  return {
    platform: process.platform,
    outputs,
    unavailable,
    soundServers: runningSoundServers(),
    pipewireAllowedRates: pipewireRates(),
    sndAccess: sndAccess(),
  };
}

function runningSoundServers(): string[] {
  const found = new Set<string>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  for (const pid of pids) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (SOUND_SERVERS.includes(comm)) found.add(comm);
    } catch {
      // the process ended or is not readable
    }
  }
  return [...found].sort();
}

function pipewireRates(): number[] | null {
  const files = [
    path.join(homedir(), '.config/pipewire/pipewire.conf'),
    ...listConf(path.join(homedir(), '.config/pipewire/pipewire.conf.d')),
    '/etc/pipewire/pipewire.conf',
    ...listConf('/etc/pipewire/pipewire.conf.d'),
  ];
  for (const f of files) {
    try {
      const m = /default\.clock\.allowed-rates\s*=\s*\[([^\]]*)\]/.exec(readFileSync(f, 'utf8'));
      if (m) return m[1]!.split(/[\s,]+/).filter(Boolean).map(Number).filter(Number.isFinite);
    } catch {
      // no such file
    }
  }
  return null;
}

function listConf(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.conf')).map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

function sndAccess(): boolean | null {
  let nodes: string[];
  try {
    nodes = readdirSync('/dev/snd').filter((n) => n.startsWith('pcmC'));
  } catch {
    return null;
  }
  if (nodes.length === 0) return null;
  // Opening a PCM needs read/write access (the audio group or a seat ACL); check, never open.
  return nodes.some((n) => {
    try {
      accessSync(`/dev/snd/${n}`, constants.R_OK | constants.W_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const finding = (level: FindingLevel, id: string, title: string, detail: string, fix = ''): Finding => ({ level, id, title, detail, fix });

/** The rules: from facts to findings, most serious first. */
export function diagnose(f: SystemFacts): Finding[] {
  const out: Finding[] = [];
  for (const u of f.unavailable) {
    if (u.kind === 'alsa' && f.platform === 'linux') {
      out.push(finding('problem', 'alsa-unavailable', 'ALSA output is unavailable', u.reason, 'Install the ALSA library (Debian/Ubuntu: `apt install libasound2`) and reinstall Auris so its native addon builds.'));
    } else if (u.kind === 'wasapi' && f.platform === 'win32') {
      out.push(finding('problem', 'wasapi-unavailable', 'WASAPI output is unavailable', u.reason, 'Reinstall Auris so its Windows addon is present.'));
    }
  }
  // A listed name that cannot be opened because nothing is behind it (ALSA's `default` on a system
  // with no card) is not a device.
  const devices = f.outputs.filter((o) => (o.name.startsWith('alsa:') || o.name.startsWith('wasapi:')) && o.error?.code !== 'E_NOT_FOUND');
  const exclusive = devices.filter((o) => o.modes.includes('exclusive'));
  if (devices.length > 0 && exclusive.length === 0) {
    out.push(finding('problem', 'no-exclusive-device', 'No device can be opened exclusively',
      'Only system mixers were found, so every path goes through a mixer (not bit-perfect).',
      f.platform === 'win32' ? 'Connect a DAC, or allow exclusive mode in Sound settings > device > Properties > Advanced.' : 'Connect a DAC; check `aplay -l` lists it.'));
  } else if (devices.length === 0 && !out.some((x) => x.id.endsWith('-unavailable'))) {
    out.push(finding('problem', 'no-device', 'No sound device found', 'No playback device was listed; the file and null outputs still work.',
      f.platform === 'linux' ? 'Connect a DAC and check `aplay -l`; inside a container or VM, pass /dev/snd through.' : 'Connect a DAC.'));
  }
  if (f.sndAccess === false) {
    out.push(finding('problem', 'snd-permission', 'No permission to open the sound devices', '/dev/snd exists but cannot be opened by this user.', 'Add yourself to the audio group (`sudo usermod -aG audio $USER`) and log in again.'));
  }
  for (const d of exclusive) {
    if (d.error?.code === 'E_DEVICE_BUSY') {
      out.push(finding('problem', 'device-busy', `${d.name} is held by another program`, d.error.message, 'Release it (see above), or pick it in shared mode (not bit-perfect).'));
    } else if (d.error) {
      out.push(finding('warning', 'device-probe-failed', `${d.name} could not be probed`, `${d.error.message} [${d.error.code}]`, 'Check the device is connected and powered.'));
    } else if (d.capabilities?.keepsSamples === false) {
      out.push(finding('warning', 'device-converts', `${d.name} goes through a plugin that may alter samples`,
        `Its ALSA chain (a plug, rate or dmix plugin, or a sound server) can convert what Auris sends, so playing to it is not bit-perfect; ${describeRates(d)}.`,
        'Play to the card itself: pick its hw: device from `auris devices`.'));
    } else if (d.capabilities) {
      out.push(finding('ok', 'device-ok', `${d.name} can play bit-perfect in exclusive mode`, describeRates(d)));
      if (!d.capabilities.hardwareVolume) {
        out.push(finding('warning', 'no-hardware-volume', `${d.name} has no hardware volume control`,
          'Volume changes in Auris will be done in software (64-bit, dithered), which is not bit-perfect.',
          'Leave Auris at 0 dB and set the level on the DAC or amplifier.'));
      }
    }
  }
  const defaults = devices.filter((o) => o.isDefault && o.modes.length === 1 && o.modes[0] === 'shared');
  for (const d of defaults) {
    out.push(finding('warning', 'default-is-mixer', `The system default (${d.name}) is a mixer`,
      'Playing to the default device goes through the system mixer (dmix, PulseAudio or PipeWire), which may resample and mix.',
      `Pick the DAC itself${exclusive[0] ? ` (e.g. --output ${exclusive[0].name} --exclusive)` : ''}.`));
  }
  const servers = f.soundServers.filter((s) => s !== 'wireplumber');
  if (servers.length > 0) {
    out.push(finding('warning', 'sound-server', `A sound server is running (${servers.join(', ')})`,
      'It may hold the DAC (exclusive open then fails as busy) and resamples everything that goes through it.',
      servers.some((s) => s.startsWith('pipewire'))
        ? 'For exclusive playback, set the DAC\'s profile to "off" in pavucontrol or `pactl set-card-profile <card> off` while Auris plays.'
        : 'For exclusive playback, release the DAC: `pactl set-card-profile <card> off`, or suspend the sink.'));
  }
  if (f.pipewireAllowedRates && f.pipewireAllowedRates.length <= 1) {
    out.push(finding('warning', 'rate-locked', 'PipeWire is locked to one rate',
      `default.clock.allowed-rates = [ ${f.pipewireAllowedRates.join(' ')} ]: in shared mode every track is resampled to it.`,
      'Set default.clock.allowed-rates = [ 44100 48000 88200 96000 176400 192000 ] in ~/.config/pipewire/pipewire.conf.d/, or use exclusive mode.'));
  }
  const order: Record<FindingLevel, number> = { problem: 0, warning: 1, ok: 2 };
  return out.sort((a, b) => order[a.level] - order[b.level]);
}

function describeRates(d: OutputListing): string {
  const caps = d.capabilities;
  if (!caps || caps.formats === 'any') return 'accepts any PCM format';
  const rates = [...new Set(caps.formats.flatMap((x) => x.rates))].sort((a, b) => a - b);
  const containers = caps.formats.map((x) => x.container).join(', ');
  return `${containers}; rates ${rates.map((r) => `${r / 1000}k`).join(' ')}`;
}
