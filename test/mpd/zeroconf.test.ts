// Zeroconf: beyond loopback the frontend needs a password and announces `_mpd._tcp` with Avahi's
// avahi-publish, under its name and the port it listens on. Without a running avahi-daemon (as on
// CI machines) the test checks the command it started and that the problem is reported, not thrown.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { startCore } from '../../src/core/index.ts';
import { startMpdFrontend } from '../../src/mpd/index.ts';
import { MPD_SERVICE_TYPE, publishCommand, serviceName } from '../../src/mpd/zeroconf.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { tempDir } from '../helpers/tmp.ts';
import { DEBIAN_PYTHON, needPythonModule, needTools } from '../helpers/tools.ts';
import { startAvahi } from './avahi.ts';
import { sleep } from './harness.ts';

const exec = promisify(execFile);

test('the publish command names the service type, name and port', () => {
  assert.deepEqual(publishCommand('Auris @ box', 6600), { cmd: 'avahi-publish', args: ['-s', 'Auris @ box', '_mpd._tcp', '6600'] });
  assert.match(serviceName(), /^Auris @ .+/);
});

test('beyond loopback: a password is required, and the service is announced on the bound port', async (t) => {
  if (!needTools(t, 'avahi-publish')) return;
  const dir = tempDir('auris-zc-');
  const core = await startCore({ dataDir: dir, settings: { output: { name: 'null' } }, engine: 'in-process' });
  try {
    await assert.rejects(startMpdFrontend(core, { host: '0.0.0.0', port: 0 }), (e: unknown) => isAurisError(e, 'E_INVALID_ARGUMENT'));
    const fe = await startMpdFrontend(core, { host: '0.0.0.0', port: 0, password: 'pw' });
    try {
      const a = fe.announcement!;
      assert.ok(a, 'announced');
      assert.equal(a.port, fe.port);
      assert.deepEqual(a.process!.spawnargs, ['avahi-publish', '-s', serviceName(), '_mpd._tcp', String(fe.port)]);
      // With avahi-daemon running, avahi-publish stays up; without it, it exits and says why.
      await sleep(500);
      if (a.process!.exitCode === null) assert.equal(a.problem, '');
      else assert.notEqual(a.problem, '', 'a failed announcement is reported');
    } finally {
      await fe.close();
    }
    const local = await startMpdFrontend(core, { port: 0 });
    assert.equal(local.announcement, null, 'loopback is not announced');
    await local.close();
  } finally {
    await core.close();
  }
});

// python-zeroconf (Debian's python3-zeroconf): browses _mpd._tcp.local. on the network for a few
// seconds and resolves what it finds; prints [{name, port, server, addresses}].
const BROWSE_SCRIPT = `
import json, sys, time
from zeroconf import Zeroconf, ServiceBrowser
zc = Zeroconf()
found = []
class Listener:
    def add_service(self, z, kind, name): found.append(name)
    def update_service(self, z, kind, name): pass
    def remove_service(self, z, kind, name): pass
browser = ServiceBrowser(zc, '_mpd._tcp.local.', Listener())
time.sleep(float(sys.argv[1]))
out = []
for name in found:
    info = zc.get_service_info('_mpd._tcp.local.', name, 3000)
    out.append({'name': name, 'port': info.port if info else None, 'server': info.server if info else None, 'addresses': info.parsed_addresses() if info else []})
browser.cancel()
zc.close()
print(json.dumps(out))
`;

interface Found {
  readonly name: string;
  readonly port: number | null;
  readonly server: string | null;
  readonly addresses: string[];
}

async function browse(seconds: number): Promise<Found[]> {
  const { stdout } = await exec(DEBIAN_PYTHON, ['-c', BROWSE_SCRIPT, String(seconds)], { timeout: 30000 });
  return JSON.parse(stdout) as Found[];
}

test('an mDNS client on the network finds _mpd._tcp with Auris\'s name and port, and loses it when the frontend closes', async (t) => {
  if (!needTools(t, 'avahi-publish', 'avahi-daemon', 'dbus-daemon') || !needPythonModule(t, 'zeroconf', 'python3-zeroconf')) return;
  const avahi = await startAvahi();
  const busBefore = process.env.DBUS_SYSTEM_BUS_ADDRESS;
  if (avahi.busAddress) process.env.DBUS_SYSTEM_BUS_ADDRESS = avahi.busAddress;
  const dir = tempDir('auris-zc-real-');
  const core = await startCore({ dataDir: dir, settings: { output: { name: 'null' } }, engine: 'in-process' });
  try {
    const fe = await startMpdFrontend(core, { host: '0.0.0.0', port: 0, password: 'pw' });
    let closed = false;
    try {
      const want = `${serviceName()}.${MPD_SERVICE_TYPE}.local.`;
      let mine: Found | undefined;
      // Avahi probes the name for about a second before it answers for it.
      for (let i = 0; i < 5 && !mine; i++) mine = (await browse(2)).find((f) => f.name === want);
      assert.ok(mine, `${want} is announced`);
      assert.equal(mine.port, fe.port, 'with the port the frontend listens on');
      assert.ok(mine.server?.endsWith('.local.'), `on this host: ${mine.server}`);
      assert.ok(mine.addresses.length > 0, 'which resolves to an address');
      assert.equal(fe.announcement!.problem, '');
      await fe.close();
      closed = true;
      // Withdrawn with the frontend (avahi sends a goodbye, so browsers drop it at once).
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await browse(2)).find((f) => f.name === want), undefined, 'no longer announced');
    } finally {
      if (!closed) await fe.close();
    }
  } finally {
    await core.close();
    if (avahi.busAddress) {
      if (busBefore === undefined) delete process.env.DBUS_SYSTEM_BUS_ADDRESS;
      else process.env.DBUS_SYSTEM_BUS_ADDRESS = busBefore;
    }
    await avahi.close();
  }
});
