// Settings. Audio output first (the heart of the app): every device with what it accepts, the
// exclusive/shared choice explained, volume, DSD, missing-rate policy, buffer and the verify button.
// Then the music folders and the theme.

import { useEffect, useState } from 'preact/hooks';
import { patchSettings } from '../actions.ts';
import { api } from '../api.ts';
import { SignalPathPanel } from '../components/signal-path.tsx';
import { describeFormat, khz } from '../format.ts';
import { attempt, libraryVersion, outputs, playerState, refresh, settings, useRoots, useStore } from '../store.ts';
import { setTheme, theme, type ThemeChoice } from '../theme.ts';
import type { OutputListingWire, OutputModeName, OutputVerifyResult, Settings } from '../wire.ts';

export function SettingsView() {
  const cfg = useStore(settings);
  const list = useStore(outputs);
  useEffect(() => {
    void refresh.outputs();
  }, []);
  if (!cfg) return <div class="muted pad">Loading…</div>;
  return (
    <div class="settings scroll" data-testid="settings">
      <h1>Audio output</h1>
      <OutputPicker cfg={cfg} list={list} />
      <ModeChoice cfg={cfg} list={list} />
      <OutputOptions cfg={cfg} list={list} />
      <VerifyOutput cfg={cfg} list={list} />
      <h1>Music folders</h1>
      <Roots cfg={cfg} />
      <h1>Appearance</h1>
      <ThemePicker />
    </div>
  );
}

/** Every device and what its driver says it accepts. */
function capsSummary(o: OutputListingWire): string {
  const c = o.capabilities;
  if (!c) return o.error ? '' : 'not probed';
  if (c.formats === 'any') return 'any format and rate';
  const containers = [...new Set(c.formats.map((f) => f.container))].join(', ');
  const rates = [...new Set(c.formats.flatMap((f) => f.rates))].sort((a, b) => a - b);
  const chMin = Math.min(...c.formats.map((f) => f.channelsMin));
  const chMax = Math.max(...c.formats.map((f) => f.channelsMax));
  // Plugins without a channel limit report absurd maxima (2^29); past 64 the number means "any".
  const ch = !c.formats.length ? '' : chMax > 64 ? `${chMin}+ ch` : chMin === chMax ? `${chMax} ch` : `${chMin}–${chMax} ch`;
  return `${containers}; ${rates.length ? rates.map(khz).join(', ') + ' kHz' : c.rateRange ? `${khz(c.rateRange[0])}–${khz(c.rateRange[1])} kHz` : ''}; ${ch}`;
}

function isDevice(name: string): boolean {
  return !name.startsWith('file:') && !name.startsWith('null');
}

function OutputPicker({ cfg, list }: { cfg: Settings; list: OutputListingWire[] | null }) {
  const [custom, setCustom] = useState('');
  const select = (name: string, mode?: OutputModeName) => attempt(async () => {
    await api.post('/api/outputs/select', mode ? { name, mode } : { name });
    await Promise.all([refresh.settings(), refresh.outputs()]);
  });
  if (!list) return <p class="muted">Looking for devices…</p>;
  const devices = list.filter((o) => isDevice(o.name));
  return (
    <section class="card">
      {devices.length === 0 && (
        <div class="no-device" data-testid="no-device">
          <strong>No sound device found.</strong> That is fine: Auris still plays into a WAV file (in the capture folder, listed
          below) or the null output, and analysis, the library and the signal path work as usual. Connect a DAC or enable a sound card and
          it appears here.
        </div>
      )}
      <ul class="outputs plain" aria-label="Outputs">
        {list.map((o) => (
          <li key={o.name} class={`output${o.selected ? ' selected' : ''}`} data-output={o.name}>
            <label>
              <input type="radio" name="output" checked={o.selected} onChange={() => void select(o.name)} />
              <span class="o-name">{o.description || o.name}</span>
              {o.isDefault && <span class="tag">system default</span>}
              {o.selected && <span class="tag on">in use</span>}
            </label>
            <div class="muted o-detail"><code>{o.name}</code> · modes: {o.modes.join(', ')}{o.capabilities?.hardwareVolume ? ' · hardware volume' : ''}</div>
            <div class="o-caps">{capsSummary(o)}</div>
            {o.error && <div class="warn-text">{o.error.message}</div>}
          </li>
        ))}
      </ul>
      <form class="row" onSubmit={(e) => { e.preventDefault(); if (custom.trim()) void select(custom.trim()); }}>
        <input type="text" value={custom} placeholder="Other output: alsa:hw:1,0, null, or a .wav in the capture folder" aria-label="Output name" onInput={(e) => setCustom((e.currentTarget as HTMLInputElement).value)} style={{ flex: 1 }} />
        <button type="submit">Use</button>
      </form>
      <p class="muted">In use: <code data-testid="output-in-use">{cfg.output.name || '(system default)'}</code></p>
    </section>
  );
}

function ModeChoice({ cfg, list }: { cfg: Settings; list: OutputListingWire[] | null }) {
  const selected = list?.find((o) => o.selected);
  const modes = selected?.modes ?? ['exclusive', 'shared'];
  const set = (mode: OutputModeName) => attempt(async () => {
    await api.post('/api/outputs/select', { name: cfg.output.name, mode });
    await refresh.settings();
  });
  return (
    <section class="card mode-choice" aria-label="Output mode">
      <div class="segmented" role="radiogroup" aria-label="Exclusive or shared">
        {(['exclusive', 'shared'] as const).map((m) => (
          <button key={m} type="button" role="radio" aria-checked={cfg.output.mode === m} class={cfg.output.mode === m ? 'on' : ''} disabled={!modes.includes(m)} onClick={() => void set(m)} data-mode={m}>
            {m === 'exclusive' ? 'Exclusive' : 'Shared'}
          </button>
        ))}
      </div>
      <div class="explain">
        <p><strong>Exclusive</strong> gives Auris the device alone. It bypasses the system mixer and keeps each file's own rate
          and bit depth, so playback can be bit-perfect. System sounds on that device are muted while Auris holds it, and the
          system volume no longer applies: use Auris's volume or the DAC's.</p>
        <p><strong>Shared</strong> plays through the system mixer with every other program. The mixer may resample to its own
          rate and scales by the system volume, so the signal path says “degraded” whenever it changes the samples.</p>
      </div>
    </section>
  );
}

const DSD_LABEL = { auto: 'Automatic (native, else DoP, else PCM)', native: 'Native DSD', dop: 'DoP (DSD over PCM)', pcm: 'Convert to PCM' } as const;
const MISSING_LABEL = { resample: 'Resample to the nearest rate of the same family (and say so)', skip: 'Skip the track' } as const;
const DOWNMIX_LABEL = { refuse: 'Refuse the track (nothing mixed)', stereo: 'Mix down to stereo (ITU-R BS.775, not bit-perfect)' } as const;

function OutputOptions({ cfg, list }: { cfg: Settings; list: OutputListingWire[] | null }) {
  const o = cfg.output;
  const selected = list?.find((x) => x.selected);
  const hwAvailable = selected?.capabilities?.hardwareVolume ?? false;
  const st = useStore(playerState);
  return (
    <section class="card options">
      <div class="field">
        <span>Volume</span>
        <div>
          {hwAvailable
            ? <span>Hardware volume{o.volumeControl ? <> (mixer <code>{o.volumeControl}</code>)</> : ''}: the DAC's own control, samples stay bit-perfect.</span>
            : <span>Software volume: any level below 0 dB changes the samples (the path says “enhanced”). At 0 dB there is no volume stage.</span>}
          {st && <span class="muted"> Now {st.volumeDb.toFixed(1)} dB.</span>}
          <label class="sub">ALSA mixer control{' '}
            <input type="text" value={o.volumeControl} placeholder="automatic" size={14} onChange={(e) => void patchSettings({ output: { volumeControl: (e.currentTarget as HTMLInputElement).value } })} />
          </label>
        </div>
      </div>
      <label class="field"><span>DSD</span>
        <select value={o.dsd} onChange={(e) => void patchSettings({ output: { dsd: (e.currentTarget as HTMLSelectElement).value as Settings['output']['dsd'] } })}>
          {(Object.keys(DSD_LABEL) as (keyof typeof DSD_LABEL)[]).map((k) => <option key={k} value={k}>{DSD_LABEL[k]}</option>)}
        </select>
      </label>
      <label class="field"><span>When the device lacks a rate</span>
        <select value={o.missingRate} onChange={(e) => void patchSettings({ output: { missingRate: (e.currentTarget as HTMLSelectElement).value as Settings['output']['missingRate'] } })}>
          {(Object.keys(MISSING_LABEL) as (keyof typeof MISSING_LABEL)[]).map((k) => <option key={k} value={k}>{MISSING_LABEL[k]}</option>)}
        </select>
      </label>
      <label class="field"><span>More channels than the device has</span>
        <select aria-label="Downmix" value={o.downmix} onChange={(e) => void patchSettings({ output: { downmix: (e.currentTarget as HTMLSelectElement).value as Settings['output']['downmix'] } })}>
          {(Object.keys(DOWNMIX_LABEL) as (keyof typeof DOWNMIX_LABEL)[]).map((k) => <option key={k} value={k}>{DOWNMIX_LABEL[k]}</option>)}
        </select>
      </label>
      <label class="field"><span>Buffer</span>
        <span><input type="number" min={20} max={10000} step={10} value={o.bufferMs} onChange={(e) => void patchSettings({ output: { bufferMs: Number((e.currentTarget as HTMLInputElement).value) } })} /> ms
          <span class="muted"> (larger survives a busy system; smaller reacts faster)</span></span>
      </label>
    </section>
  );
}

const TEST_SIGNALS = [
  { label: '16-bit / 44.1 kHz', bits: 16, rate: 44100 },
  { label: '24-bit / 48 kHz', bits: 24, rate: 48000 },
  { label: '24-bit / 96 kHz', bits: 24, rate: 96000 },
  { label: '24-bit / 192 kHz', bits: 24, rate: 192000 },
] as const;

/**
 * Plays a one-second test signal into the chosen output (POST /api/outputs/verify) and shows the
 * finding: the verdict, the format the driver negotiated, the proof and, for a file output, the
 * bytes compared with the signal.
 */
function VerifyOutput({ cfg, list }: { cfg: Settings; list: OutputListingWire[] | null }) {
  const [busy, setBusy] = useState(false);
  const [signal, setSignal] = useState(0);
  // '' verifies the output in use; another choice verifies that device without selecting it.
  const [target, setTarget] = useState('');
  const others = (list ?? []).filter((o) => !o.selected && !o.error);
  const chosen = others.find((o) => o.name === target);
  const mode = chosen && !chosen.modes.includes(cfg.output.mode) ? chosen.modes[0] ?? cfg.output.mode : cfg.output.mode;
  const [answer, setAnswer] = useState<OutputVerifyResult | null>(null);
  const run = async () => {
    setBusy(true);
    setAnswer(null);
    const { bits, rate } = TEST_SIGNALS[signal]!;
    const r = await attempt(() => api.post<OutputVerifyResult>('/api/outputs/verify', chosen ? { name: chosen.name, mode, bits, rate } : { mode, bits, rate }));
    setBusy(false);
    if (r) setAnswer(r);
  };
  return (
    <section class="card verify">
      <div class="row">
        <button type="button" class="primary" onClick={() => void run()} disabled={busy} data-testid="verify">{busy ? 'Verifying…' : 'Verify'}</button>
        <select value={target} aria-label="Output to verify" onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">the output in use</option>
          {others.map((o) => <option key={o.name} value={o.name}>{o.description || o.name}</option>)}
        </select>
        <select value={signal} aria-label="Test signal" onChange={(e) => setSignal(Number((e.currentTarget as HTMLSelectElement).value))}>
          {TEST_SIGNALS.map((t, i) => <option key={t.label} value={i}>{t.label}</option>)}
        </select>
        <span class="muted">Plays a one-second, quiet test signal into <code>{chosen?.name ?? (cfg.output.name || 'the default device')}</code> ({mode}) and reports the format the driver negotiated and whether the samples arrived unchanged.</span>
      </div>
      {answer && (
        <div data-testid="verify-result" data-bit-perfect={String(answer.bitPerfect)}>
          <p class={answer.bitPerfect ? 'ok-text' : 'warn-text'} data-testid="verify-summary"><strong>{answer.bitPerfect ? 'Verified bit-perfect' : 'Not bit-perfect'}:</strong> {answer.summary}.</p>
          {answer.capture && (
            <p class="muted" data-testid="verify-capture">File <code>{answer.capture.file}</code>: {answer.capture.bytesCompared} bytes compared with the test signal,{' '}
              {answer.capture.equal ? 'all equal.' : `first difference at byte ${answer.capture.firstDifference}.`}</p>
          )}
          <SignalPathPanel path={answer.signalPath} output={answer.output} proof={{ proof: answer.proof, path: `test signal ${describeFormat(answer.signal.format)}` }} />
        </div>
      )}
    </section>
  );
}

function Roots({ cfg }: { cfg: Settings }) {
  const roots = useRoots();
  const [path, setPath] = useState('');
  const changed = () => libraryVersion.set(libraryVersion.get() + 1);
  return (
    <section class="card">
      <ul class="plain roots">
        {roots.map((r) => (
          <li key={r.id} class="row"><code style={{ flex: 1 }}>{r.path}</code>
            {!r.available && <span class="warn-text">missing (its tracks are kept)</span>}
            <button type="button" onClick={() => void attempt(async () => { await api.del('/api/library/roots', { path: r.path }); changed(); })}>Remove</button>
          </li>
        ))}
        {roots.length === 0 && <li class="muted">No music folder yet.</li>}
      </ul>
      <form class="row" onSubmit={(e) => { e.preventDefault(); const p = path.trim(); if (p) void attempt(async () => { await api.post('/api/library/roots', { path: p }); setPath(''); changed(); }); }}>
        <input type="text" value={path} placeholder="/path/to/music" aria-label="Add a music folder" onInput={(e) => setPath((e.currentTarget as HTMLInputElement).value)} style={{ flex: 1 }} />
        <button type="submit">Add folder</button>
        <button type="button" onClick={() => void attempt(() => api.post('/api/library/scan', {}))}>Rescan</button>
      </form>
      <label class="row"><input type="checkbox" checked={cfg.library.watch} onChange={(e) => void patchSettings({ library: { watch: (e.currentTarget as HTMLInputElement).checked } })} /> Watch the folders for changes</label>
    </section>
  );
}

function ThemePicker() {
  const t = useStore(theme);
  return (
    <section class="card">
      <div class="segmented" role="radiogroup" aria-label="Theme">
        {(['auto', 'dark', 'light'] as ThemeChoice[]).map((c) => (
          <button key={c} type="button" role="radio" aria-checked={t === c} class={t === c ? 'on' : ''} onClick={() => setTheme(c)}>{c === 'auto' ? 'System' : c === 'dark' ? 'Dark' : 'Light'}</button>
        ))}
      </div>
    </section>
  );
}
