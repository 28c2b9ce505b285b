// Zeroconf: beyond loopback the frontend needs a password and announces `_mpd._tcp` with Avahi's
// avahi-publish, under its name and the port it listens on. Without a running avahi-daemon (as on
// CI machines) the test checks the command it started and that the problem is reported, not thrown.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCore } from '../../src/core/index.ts';
import { startMpdFrontend } from '../../src/mpd/index.ts';
import { publishCommand, serviceName } from '../../src/mpd/zeroconf.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { tempDir } from '../helpers/tmp.ts';
import { needTools } from '../helpers/tools.ts';
import { sleep } from './harness.ts';

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
