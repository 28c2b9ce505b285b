// A tiny scenario for valgrind (test/native/valgrind.test.ts): every addon entry point once,
// with the ALSA capture device and the fake DAC. Plain JS so Node starts fast under valgrind.
import { createRequire } from 'node:module';

const addon = createRequire(import.meta.url)(process.env.AURIS_NATIVE_ADDON);
const check = (cond, what) => { if (!cond) { console.error(`scenario failed: ${what}`); process.exit(2); } };

check(addon.backends()[0].available, 'alsa available');
check(addon.listDevices('alsa').some((d) => d.id === 'captest'), 'captest listed');
check(addon.probe('alsa', 'dac32', 'exclusive').formats.length === 2, 'dac32 probed');
check(addon.openVolume('alsa', 'captest', '') === null, 'no mixer on a file PCM');
const volume = addon.openVolume('alsa', 'dacvol', '');
check(volume?.control === 'Master', 'dacvol has hardware volume');
volume.set(-12.5);
check(volume.get() === -12.5, 'volume set and read back');
volume.close();
check(addon.openVolume('alsa', 'mixmute', '').minDb === -63, 'a mute step is out of the range');
try {
  addon.openVolume('alsa', 'mixmany', 'NoSuchControl');
  check(false, 'a missing control refused');
} catch (e) {
  check(e.code === 'NOT_FOUND', `missing control code ${e.code}`);
}
try {
  addon.openStream('alsa', { device: 'dac32', mode: 'exclusive', container: 'S24_3LE', rate: 44100, channels: 2, validBits: 24, bufferUs: 50000, periodUs: 12500, ringMs: 100, strategy: '' }, () => {});
  check(false, 'S24_3LE refused');
} catch (e) {
  check(e.code === 'FORMAT_REFUSED', `refusal code ${e.code}`);
}
try {
  addon.openStream('alsa', { device: 'nosuchpcm', mode: 'exclusive', container: 'S16_LE', rate: 44100, channels: 2, validBits: 16, bufferUs: 50000, periodUs: 12500, ringMs: 100, strategy: '' }, () => {});
  check(false, 'unknown PCM refused');
} catch (e) {
  check(e.code === 'NOT_FOUND', `not-found code ${e.code}`);
}

function play(device, seconds) {
  return new Promise((resolve) => {
    const events = [];
    const s = addon.openStream('alsa', { device, mode: 'exclusive', container: 'S16_LE', rate: 44100, channels: 2, validBits: 16, bufferUs: 40000, periodUs: 10000, ringMs: 100, strategy: '' }, (kind) => {
      events.push(kind);
      if (kind === 'drained' || kind === 'device-lost') {
        s.close();
        resolve({ events, stats: s.stats() });
      }
    });
    const bytes = new Uint8Array(Math.round(44100 * 4 * seconds));
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    let off = 0;
    const pump = () => {
      try {
        off += s.write(bytes.subarray(off)) * 4;
      } catch {
        return; // device lost: the event closes the stream
      }
      if (off < bytes.length) globalThis.setTimeout(pump, 5);
      else { s.delay(); s.queuedFrames(); s.pause(true); s.pause(false); s.drain(); }
    };
    pump();
  });
}

const a = await play('captest', 0.1);
check(a.events.includes('drained'), 'captest drained');
const b = await play('dacxrun', 0.15);
check(b.events.includes('underrun') && b.events.includes('drained'), `xrun then drained: ${b.events}`);
const c = await play('dacgone', 0.5);
check(c.events.includes('device-lost'), `device lost: ${c.events}`);
console.log('scenario ok');
