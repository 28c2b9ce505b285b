// Reading the sound server's mixer rate from `pactl info` (PulseAudio and pipewire-pulse texts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePactlRate } from '../../src/outputs/plugins/alsa/mixer-rate.ts';

test('the mixer rate comes from the Default Sample Specification line', () => {
  const pulse = 'Server String: /run/user/1000/pulse/native\nServer Name: pulseaudio\nServer Version: 16.1\nDefault Sample Specification: s16le 2ch 44100Hz\nDefault Channel Map: front-left,front-right\n';
  const pipewire = 'Server Name: PulseAudio (on PipeWire 0.3.65)\nDefault Sample Specification: float32le 2ch 48000Hz\n';
  assert.equal(parsePactlRate(pulse), 44100);
  assert.equal(parsePactlRate(pipewire), 48000);
  assert.equal(parsePactlRate('Connection failure: Connection refused\n'), 0);
});
