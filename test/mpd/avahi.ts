// A real mDNS stack for the Zeroconf test: the machine's avahi-daemon when one runs, else a private
// one started here on a private D-Bus bus (CI machines and containers run neither). avahi-publish
// and avahi-daemon talk over the D-Bus *system* bus, whose address libdbus takes from
// DBUS_SYSTEM_BUS_ADDRESS, so a bus of our own with an open policy stands in for it; the daemon
// then answers mDNS on the real network interfaces like any other.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/tmp.ts';

export interface Avahi {
  /** The D-Bus system bus address avahi-publish must use (null: the machine's own). */
  readonly busAddress: string | null;
  close(): Promise<void>;
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Waits until `check` holds, polling; false when `ms` passed first. */
async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** The machine's running avahi-daemon, else a private one with its own bus. Throws with the daemon's words when it cannot start. */
export async function startAvahi(): Promise<Avahi> {
  if (spawnSync('avahi-daemon', ['--check']).status === 0) return { busAddress: null, close: async () => undefined };
  const dir = tempDir('auris-avahi-');
  const socket = path.join(dir, 'bus');
  const busConf = path.join(dir, 'bus.conf');
  writeFileSync(busConf, [
    '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">',
    '<busconfig>',
    '  <type>system</type>',
    `  <listen>unix:path=${socket}</listen>`,
    '  <auth>EXTERNAL</auth>',
    '  <policy context="default">',
    '    <allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/>',
    '  </policy>',
    '</busconfig>',
    '',
  ].join('\n'));
  const avahiConf = path.join(dir, 'avahi-daemon.conf');
  writeFileSync(avahiConf, [
    '[server]', 'use-ipv4=yes', 'use-ipv6=no', 'enable-dbus=yes',
    '[wide-area]', 'enable-wide-area=no',
    '[publish]', 'publish-hinfo=no', 'publish-workstation=no',
    '',
  ].join('\n'));
  const bus = spawn('dbus-daemon', ['--nofork', `--config-file=${busConf}`], { stdio: 'ignore' });
  const busAddress = `unix:path=${socket}`;
  if (!(await waitFor(() => existsSync(socket) || bus.exitCode !== null, 5000)) || bus.exitCode !== null) {
    await stopped(bus);
    throw new Error('dbus-daemon did not start a private bus');
  }
  let log = '';
  const daemon = spawn('avahi-daemon', ['--no-drop-root', '--no-chroot', '--no-rlimits', '-f', avahiConf], {
    env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  daemon.stdout!.setEncoding('utf8').on('data', (s: string) => (log += s));
  daemon.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
  const close = async () => {
    await stopped(daemon);
    await stopped(bus);
  };
  if (!(await waitFor(() => /Server startup complete/.test(log) || daemon.exitCode !== null, 10000)) || daemon.exitCode !== null) {
    await close();
    throw new Error(`avahi-daemon did not start: ${log.trim()}`);
  }
  return { busAddress, close };
}
