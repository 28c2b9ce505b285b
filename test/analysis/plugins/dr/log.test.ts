// foo_dr.txt rendering: the spec's example log (§1.5.4) character for character, and the formatters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrMeter, drWindowFrames } from '../../../../src/analysis/plugins/dr/meter.ts';
import { drTrackLabel, formatDrDb, formatDrDuration, renderDrLog, type DrLogTrack } from '../../../../src/analysis/plugins/dr/log.ts';
import { floatFormat } from '../../../../src/audio/format.ts';
import { bedWithImpulses, fromDb, interleave, shapedWindows, times } from './signals.ts';

const EXPECTED = `foobar2000 1.3.16 / Dynamic Range Meter 1.1.1
log date: 2024-01-01 12:00:00

--------------------------------------------------------------------------------
Analyzed: Test Artist / Test Album
--------------------------------------------------------------------------------

DR         Peak         RMS     Duration Track
--------------------------------------------------------------------------------
DR17       0.00 dB   -16.99 dB      0:30 01-Bed and impulses
DR3        0.00 dB    -9.83 dB      0:30 02-Two loud windows
DR11       0.00 dB   -16.99 dB      0:30 03-Second peak
--------------------------------------------------------------------------------

Number of tracks:  3
Official DR value: DR10

Samplerate:        44100 Hz
Channels:          2
Bits per sample:   16
Bitrate:           1411 kbps
Codec:             PCM
================================================================================
`;

test('the spec log of T5/T6/T7 is reproduced character for character', () => {
  const W = drWindowFrames(44100);
  const signals = [
    bedWithImpulses(W, times(10, 0.1), times(10, 1.0)),
    bedWithImpulses(W, [0.5, 0.5, ...times(8, 0.05)], times(10, 1.0)),
    bedWithImpulses(W, times(10, 0.1), [null, null, null, 1.0, null, null, null, 0.5, null, null]),
  ];
  const titles = ['Bed and impulses', 'Two loud windows', 'Second peak'];
  const tracks: DrLogTrack[] = signals.map((x, i) => {
    const meter = new DrMeter(floatFormat(44100, 2, 64));
    meter.pushSamples(interleave([x, x]), x.length);
    const r = meter.finish();
    return { ...r, channels: 2, bits: 16, bitrate: 1411200, codec: 'PCM', trackNumber: i + 1, title: titles[i]! };
  });
  const text = renderDrLog([{ artist: 'Test Artist', album: 'Test Album', tracks }], {
    host: 'foobar2000 1.3.16 / Dynamic Range Meter 1.1.1',
    date: new Date(2024, 0, 1, 12, 0, 0),
    lineEnding: '\n',
  });
  assert.equal(text, EXPECTED);
  // By default the log is written as foobar2000 writes foo_dr.txt: CRLF line ends.
  const crlf = renderDrLog([{ artist: 'Test Artist', album: 'Test Album', tracks }], {
    host: 'foobar2000 1.3.16 / Dynamic Range Meter 1.1.1', date: new Date(2024, 0, 1, 12, 0, 0),
  });
  assert.equal(crlf, EXPECTED.replaceAll('\n', '\r\n'));
});

test('1.0.8 variant rows, missing tags and mixed footers', () => {
  const base = { dr: 0, drRounded: 0, peakDb: -Infinity, rmsDb: -Infinity, frames: 48000, rate: 8000, channels: 1, bits: 16, bitrate: 128000, codec: 'PCM', trackNumber: null, title: '203_silent_mono' };
  const other = { ...base, dr: 39.25, drRounded: 39, peakDb: -60, rmsDb: -100.93, frames: 15 * 44100, rate: 44100, channels: 2, bits: 24, codec: 'PCM (floating-point)', trackNumber: 4, title: '401' };
  const text = renderDrLog([{ artist: null, album: null, tracks: [base, other] }], { host: 'h', date: new Date(2024, 0, 1), variant: '1.0.8' });
  const lines = text.split('\r\n');
  assert.equal(lines[4], 'Analyzed: ? / ?');
  assert.equal(lines[7], 'DR         Peak           RMS       Duration Track');
  assert.equal(lines[9], 'DR0        -inf dBFS     -inf dBFS      0:06 ?-203_silent_mono');
  assert.equal(lines[10], 'DR39     -60.00 dBFS  -100.93 dBFS      0:15 04-401');
  assert.ok(lines.includes('Samplerate:        8000, 44100 Hz'));
  assert.ok(lines.includes('Channels:          1, 2'));
  assert.ok(lines.includes('Codec:             PCM, PCM (floating-point)'));
  assert.ok(lines.includes('Official DR value: DR20'));
});

test('number and duration formats', () => {
  assert.equal(formatDrDb(-0.004), '0.00');
  assert.equal(formatDrDb(0.004), '0.00');
  assert.equal(formatDrDb(-Infinity), '-inf');
  assert.equal(formatDrDb(-8.8), '-8.80');
  assert.equal(formatDrDuration(1324800, 44100), '0:30');
  assert.equal(formatDrDuration(1501 * 44100, 44100), '25:01');
  assert.equal(formatDrDuration(44100 * 2.5, 44100), '0:03');
  assert.equal(formatDrDuration(3600 * 48000, 48000), '1:00:00');
  assert.equal(formatDrDuration((86400 + 3661) * 10, 10), '1d 1:01:01');
  assert.equal(formatDrDuration((604800 * 2 + 86400 * 3 + 5) * 10, 10), '2wk 3d 0:00:05');
});

test('1.0.8 variant adds per-channel DR and RMS columns for a 5.1 track (vector 303)', () => {
  const W = drWindowFrames(8000);
  const chans = [6, 9, 12, 30, 15, 18].map((d) => shapedWindows(W, times<[number, number]>(10, [1.0, fromDb(-d)])));
  const meter = new DrMeter(floatFormat(8000, 6, 64));
  meter.pushSamples(interleave(chans), 10 * W);
  const r = meter.finish();
  const track: DrLogTrack = { ...r, channels: 6, bits: 24, bitrate: 1152000, codec: 'PCM', trackNumber: 1, title: 'Surround',
    channelStats: r.channels.map((c) => ({ dr: c.dr, rmsDb: 20 * Math.log10(Math.fround(c.rms)) })) };
  const lines = renderDrLog([{ artist: 'A', album: 'B', tracks: [track] }], { host: 'h', date: new Date(2024, 0, 1), variant: '1.0.8' }).split('\r\n');
  const labels = ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR'];
  assert.equal(lines[7], 'DR         Peak           RMS       Duration ' + 'Track'.padEnd(35) + labels.map((l) => `DR (${l})`.padStart(13)).join('') + labels.map((l) => `RMS (${l})`.padStart(13)).join(''));
  assert.equal(lines[9], 'DR15       0.00 dBFS   -10.89 dBFS      0:30 ' + '01-Surround'.padEnd(35) +
    ['6.00', '9.00', '12.00', '30.00', '15.00', '18.00'].map((d) => `${d} dB`.padStart(13)).join('') +
    ['-6.00', '-9.00', '-12.00', '-30.00', '-15.00', '-18.00'].map((d) => `${d} dBFS`.padStart(13)).join(''));
  assert.equal(lines[8], '-'.repeat(80));
});

test('track labels: tagged text kept and zero-padded, long 1.0.8 labels cut to 32 characters + "(...)"', () => {
  assert.equal(drTrackLabel({ trackNumber: 7, title: 'Seven' }), '07-Seven');
  assert.equal(drTrackLabel({ trackNumber: 'A', title: 'Berlin' }), '0A-Berlin'); // as in a real log: "0A-A-Berlin"
  assert.equal(drTrackLabel({ trackNumber: 'B2', title: 'Side two' }), 'B2-Side two');
  assert.equal(drTrackLabel({ trackNumber: null, title: 'untagged' }), '?-untagged');
  const long = 'A title that is far too long for the column';
  assert.equal(drTrackLabel({ trackNumber: 1, title: long }), `01-${long}`, 'the classic layout keeps the whole name');
  assert.equal(drTrackLabel({ trackNumber: 1, title: long }, '1.0.8'), `01-${long}`.slice(0, 32) + '(...)');
  assert.equal(drTrackLabel({ trackNumber: 12, title: 'x'.repeat(29) }, '1.0.8'), `12-${'x'.repeat(29)}`, '32 characters stay whole');
  // A cut counts characters, not UTF-16 units: an emoji at the boundary is kept whole or dropped whole.
  const emoji = drTrackLabel({ trackNumber: 1, title: 'x'.repeat(28) + '🎵🎵' }, '1.0.8');
  assert.equal(emoji, `01-${'x'.repeat(28)}🎵(...)`);
  const base = { dr: 8, drRounded: 8, peakDb: -0.08, rmsDb: -8.8, frames: 225 * 44100, rate: 44100, channels: 2, bits: 16, bitrate: 1411200, codec: 'FLAC' };
  const lines = renderDrLog([{ artist: 'A', album: 'B', tracks: [{ ...base, trackNumber: 'A1', title: long }] }], { host: 'h', date: new Date(2024, 0, 1), variant: '1.0.8' }).split('\r\n');
  assert.equal(lines[9], `DR8       -0.08 dBFS    -8.80 dBFS      3:45 ${`A1-${long}`.slice(0, 32)}(...)`);
});
