// The mpc script the differential test runs against Auris and against Debian's real MPD 0.23 on
// the same library. Each step records mpc's exit code, stdout and stderr; play times are reduced to
// a placeholder where they depend on timing, and checked exactly only while paused.

import { execFile, spawn } from 'node:child_process';

export type Step =
  | readonly string[]
  /** Waits until `mpc status %state%` prints this. */
  | { readonly waitState: string }
  /** Starts `mpc idle`, runs the step, and records what idle printed. */
  | { readonly idleAround: readonly string[] };

export const URI_GAMMA = 'Compilations/Mix/01 - Gamma Tune.flac';

export const MPC_SCRIPT: readonly Step[] = [
  ['-q', 'clear'],
  ['add', 'Alpha Band'],
  ['add', URI_GAMMA],
  ['playlist'],
  ['-f', '%position% %file%', 'playlist'],
  ['-q', 'play', '2'],
  { waitState: 'playing' },
  ['current'],
  ['-f', '%artist% / %album% / %title% / %time%', 'current'],
  ['-q', 'pause'],
  { waitState: 'paused' },
  ['status', '%state%'],
  ['-q', 'seek', '0:05'],
  ['status', '%state% %currenttime% %totaltime%'],
  ['-q', 'volume', '40'],
  ['volume'],
  ['-q', 'volume', '-10'],
  ['volume'],
  ['-q', 'repeat', 'on'],
  ['-q', 'single', 'once'],
  [],
  ['-q', 'single', 'off'],
  ['-q', 'random', 'on'],
  ['-q', 'random', 'off'],
  ['queued'],
  ['search', 'artist', 'beta'],
  ['find', 'album', 'Quiet Record'],
  ['search', "(Artist == 'Gamma')"],
  ['search', 'any', 'tune'],
  ['find', 'artist', 'beta'],
  ['list', 'album'],
  ['list', 'album', 'group', 'albumartist'],
  ['list', 'genre', 'date', '1999'],
  ['list', 'title', "(genre != 'Rock')"],
  ['ls'],
  ['ls', 'Alpha Band'],
  ['listall', 'Beta Singer'],
  ['save', 'p1'],
  ['lsplaylists'],
  ['playlist', 'p1'],
  ['save', 'p1'],
  ['-q', 'clear'],
  ['load', 'p1'],
  ['playlist'],
  ['rm', 'p1'],
  ['lsplaylists'],
  ['del', '1'],
  ['playlist'],
  ['move', '1', '2'],
  ['playlist'],
  ['-q', 'findadd', 'genre', 'Jazz'],
  ['-f', '%file%', 'playlist'],
  ['sticker', URI_GAMMA, 'set', 'rating', '5'],
  ['sticker', URI_GAMMA, 'get', 'rating'],
  ['sticker', URI_GAMMA, 'list'],
  ['sticker', '', 'find', 'rating'],
  ['sticker', URI_GAMMA, 'delete', 'rating'],
  ['sticker', URI_GAMMA, 'get', 'rating'],
  { idleAround: ['-q', 'volume', '100'] },
  { idleAround: ['-q', 'consume', 'on'] },
  { idleAround: ['-q', 'del', '1'] },
  ['-q', 'consume', 'off'],
  ['-q', 'repeat', 'off'],
  ['-q', 'stop'],
  [],
  ['add', 'no/such/file.flac'],
  ['-q', 'play', '99'],
  ['-q', 'clear'],
];

/** Times that move while playing: "0:01/0:08 (12%)" -> "T". */
function normalize(s: string): string {
  return s.replace(/\d+:\d\d\/\d+:\d\d \(\d+%\)/g, 'T');
}

/** Runs mpc without blocking this thread (the Auris under test may run in it). */
function mpc(port: number, args: readonly string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('mpc', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 10000 }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : String(err.code ?? err.signal)) : 0;
      resolve(normalize(`[${status}] ${stdout}${stderr ? `stderr: ${stderr}` : ''}`));
    });
  });
}

function stepName(step: Step): string {
  if (Array.isArray(step)) return `mpc ${step.join(' ')}`;
  return JSON.stringify(step);
}

/** Runs the script on the server at `port`; one record per step. */
export async function runMpcScript(port: number): Promise<{ step: string; out: string }[]> {
  const out: { step: string; out: string }[] = [];
  for (const step of MPC_SCRIPT) {
    if (Array.isArray(step)) {
      out.push({ step: stepName(step), out: await mpc(port, step as string[]) });
    } else if ('waitState' in step) {
      const end = Date.now() + 5000;
      let state = '';
      while (Date.now() < end && (state = (await mpc(port, ['status', '%state%'])).trim()) !== `[0] ${step.waitState}`) await new Promise((r) => setTimeout(r, 50));
      out.push({ step: stepName(step), out: state });
    } else {
      const idle = spawn('mpc', ['-p', String(port), 'idle'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let printed = '';
      idle.stdout.setEncoding('utf8').on('data', (s: string) => (printed += s));
      const exited = new Promise<void>((r) => idle.once('exit', () => r()));
      await new Promise((r) => setTimeout(r, 300));
      const ran = await mpc(port, (step as { idleAround: string[] }).idleAround);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      idle.kill();
      out.push({ step: stepName(step), out: `${ran} idle: ${printed}` });
    }
  }
  return out;
}
