// Doctor: what stands between this system and bit-perfect playback, how to fix each, and the guide
// to checking bit-perfect playback by hand.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { attempt } from '../store.ts';
import type { DoctorFinding } from '../wire.ts';

export function DoctorView() {
  const [findings, setFindings] = useState<DoctorFinding[] | null>(null);
  const run = () => attempt(async () => {
    setFindings(null);
    const r = await api.get<DoctorFinding[] | { findings: DoctorFinding[] }>('/api/doctor');
    setFindings(Array.isArray(r) ? r : r.findings);
  });
  useEffect(() => void run(), []);
  return (
    <div class="doctor scroll" data-testid="doctor">
      <div class="row list-head"><h1>Doctor</h1><button type="button" onClick={() => void run()}>Check again</button></div>
      {!findings && <p class="muted">Checking this system…</p>}
      <ul class="plain findings">
        {findings?.map((f) => (
          <li key={f.id} class={`finding card ${f.level}`} data-finding={f.id}>
            <strong>{f.level === 'ok' ? '✓' : f.level === 'warning' ? '!' : '✕'} {f.title}</strong>
            <p>{f.detail}</p>
            {f.fix && <p><em>Fix:</em> {f.fix}</p>}
          </li>
        ))}
      </ul>
      <section class="card guide">
        <h2>How to verify bit-perfect playback</h2>
        <ol>
          <li>In <a href="#/settings">Settings</a>, choose your DAC (not “default”) and <strong>Exclusive</strong>. Set the volume to 0 dB, or use the DAC's hardware volume, and turn the EQ off.</li>
          <li>Press <strong>Verify</strong>: Auris plays a test signal and shows the format the driver negotiated, read back from the driver, and the verdict.</li>
          <li>Play a FLAC album. <a href="#/now">Now playing</a> should show the badge <strong>Bit-perfect</strong>, and after each track: <em>verified: MD5 of delivered samples = STREAMINFO</em>. The MD5 is computed from the samples handed to the device, padding removed, and compared with the MD5 the encoder stored in the file.</li>
          <li>Cross-check the device side. On Linux, while playing: <code>cat /proc/asound/card*/pcm*p/sub*/hw_params</code> shows the rate and format the card runs at; they should match the file (a 16-bit file may run as S24/S32: zero padding is exact). On Windows, exclusive mode shows the file's rate in the DAC's display, if it has one.</li>
          <li>If your DAC shows its input rate, it should follow each album's rate. A fixed 48 kHz means a mixer is in the way.</li>
        </ol>
      </section>
    </div>
  );
}
