// The web app's format badges and times (web/src/format.ts), as the album page and player bar show them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clock, count, describeFormat, formatBadge, indexLetter, khz, wireFormatBadge } from '../../web/src/format.ts';

test('format badges: depth/kHz for PCM, DSD by its multiple of 44.1 kHz, the codec for lossy files', () => {
  assert.equal(formatBadge({ rate: 44100, bits: 16, codec: 'flac', lossless: true }), '16/44.1');
  assert.equal(formatBadge({ rate: 96000, bits: 24, codec: 'flac', lossless: true }), '24/96');
  assert.equal(formatBadge({ rate: 352800, bits: 24, codec: 'wav', lossless: true }), '24/352.8');
  assert.equal(formatBadge({ rate: 2822400, bits: 1, codec: 'dsf', lossless: true }), 'DSD64');
  assert.equal(formatBadge({ rate: 11289600, bits: 1, codec: 'dsdiff', lossless: true }), 'DSD256');
  assert.equal(formatBadge({ rate: 44100, bits: null, codec: 'mp3', lossless: false }), 'MP3');
  assert.equal(formatBadge({ rate: null, bits: null, codec: 'flac', lossless: true }), '?');
  assert.equal(wireFormatBadge({ rate: 2822400, channels: 2, sample: 'dsd', validBits: 1 }), 'DSD64');
  assert.equal(wireFormatBadge({ rate: 48000, channels: 2, sample: 's32', validBits: 24 }), '24/48');
  assert.equal(wireFormatBadge({ rate: 192000, channels: 2, sample: 'f32', validBits: 32 }), '32f/192');
  assert.equal(khz(88200), '88.2');
});

test('formats in words and times', () => {
  assert.equal(describeFormat({ rate: 96000, channels: 2, sample: 's24', validBits: 24 }), '24-bit, 96 kHz, 2 ch');
  assert.equal(describeFormat(null), '');
  assert.equal(clock(0), '0:00');
  assert.equal(clock(83_999), '1:23');
  assert.equal(clock(3_723_000), '1:02:03');
  assert.equal(clock(null), '–:––');
  assert.equal(clock(Number.NaN), '–:––');
});

test('the A-Z scrubber files names under their first letter, everything else under #', () => {
  assert.equal(indexLetter('abba'), 'A');
  assert.equal(indexLetter('  Zappa'), 'Z');
  assert.equal(indexLetter('10cc'), '#');
  assert.equal(indexLetter('Ömer'), '#');
  assert.equal(indexLetter(''), '#');
});

test('counts: singular for exactly one, plural otherwise', () => {
  assert.equal(count(1, 'album'), '1 album');
  assert.equal(count(0, 'album'), '0 albums');
  assert.equal(count(2, 'track'), '2 tracks');
  assert.equal(count(1, 'entry', 'entries'), '1 entry');
  assert.equal(count(3, 'entry', 'entries'), '3 entries');
});
