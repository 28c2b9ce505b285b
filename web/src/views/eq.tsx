// EQ editor: bands of every filter type, the response plot (computed by the server's own EQ code
// at each edit, so the plot is what plays), import of Equalizer APO / AutoEq presets, the preamp
// as given or automatic, the clip counter, and on/off (instant; the signal path shows it).

import { useEffect, useRef, useState } from 'preact/hooks';
import { patchSettings } from '../actions.ts';
import { ApiError, api } from '../api.ts';
import { count, db } from '../format.ts';
import { attempt, notify, settings, useStore } from '../store.ts';
import type { BandType, EqBand, EqResponse, EqSettingsWire, EqShorthand } from '../wire.ts';

const TYPES: { type: BandType; label: string; gain: boolean }[] = [
  { type: 'peaking', label: 'Peak', gain: true },
  { type: 'lowshelf', label: 'Low shelf', gain: true },
  { type: 'highshelf', label: 'High shelf', gain: true },
  { type: 'lowpass', label: 'Low pass', gain: false },
  { type: 'highpass', label: 'High pass', gain: false },
  { type: 'bandpass', label: 'Band pass', gain: false },
  { type: 'bandpass-skirt', label: 'Band pass (skirt)', gain: false },
  { type: 'notch', label: 'Notch', gain: false },
  { type: 'allpass', label: 'All pass', gain: false },
];

interface EqAnswer {
  preset: string | null;
  enabled: boolean;
  /** The automatic preamp setting, also when there is no preset yet. */
  autoPreamp: boolean;
  settings: EqSettingsWire | null;
  /** Samples clipped since playback started (after the EQ, before the device). */
  clips: number;
}

/** The editable form of the core's EQ steps: preamps summed, bands in order; GraphicEQ curves are counted, not edited. */
export function toShorthand(s: EqSettingsWire | null): { eq: EqShorthand; graphic: number } {
  const eq: EqShorthand = { preampDb: 0, bands: [], autoPreamp: s?.autoPreamp ?? false };
  let graphic = 0;
  for (const step of s?.steps ?? []) {
    if (step.kind === 'preamp') eq.preampDb += step.db;
    else if (step.kind === 'band') eq.bands.push({ ...step.band });
    else graphic++;
  }
  return { eq, graphic };
}

export function EqView() {
  const cfg = useStore(settings);
  const [eq, setEq] = useState<EqShorthand | null>(null);
  const [answer, setAnswer] = useState<EqAnswer | null>(null);
  const [graphic, setGraphic] = useState(0);
  const [resp, setResp] = useState<EqResponse | null>(null);
  const [dirty, setDirty] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  const [noEditor, setNoEditor] = useState(false);
  const load = () => attempt(async () => {
    const a = await api.get<EqAnswer>('/api/eq').catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) { setNoEditor(true); return null; }
      throw e;
    });
    if (!a) return;
    setAnswer(a);
    const s = toShorthand(a.settings);
    s.eq.autoPreamp = a.autoPreamp;
    setEq(s.eq);
    setGraphic(s.graphic);
    setDirty(false);
  });
  useEffect(() => {
    void load();
    const t = setInterval(() => void api.get<EqAnswer>('/api/eq').then((a) => setAnswer((p) => (p ? { ...p, clips: a.clips } : a)), () => clearInterval(t)), 2000);
    return () => clearInterval(t);
  }, []);

  // The plot follows every edit (debounced), from the server's EQ code.
  useEffect(() => {
    if (!eq) return;
    const t = setTimeout(() => void api.post<EqResponse>('/api/eq/response', { settings: eq, points: 200 }).then(setResp, () => setResp(null)), 60);
    return () => clearTimeout(t);
  }, [eq]);

  const edit = (next: EqShorthand) => {
    setEq(next);
    setDirty(true);
  };
  const save = (value = eq) => attempt(async () => {
    if (!value) return;
    const a = await api.put<EqAnswer>('/api/eq', value);
    setAnswer(a);
    setDirty(false);
  });
  const importText = (text: string, name: string) => attempt(async () => {
    const r = await api.post<{ settings: EqSettingsWire; warnings: string[] }>('/api/eq/import', { text, name });
    const s = toShorthand(r.settings);
    // An APO/AutoEq file says nothing about the automatic preamp: the switch stays as the user set it
    // (a JSON preset that names it keeps its own choice).
    if (r.settings.autoPreamp === undefined) s.eq.autoPreamp = eq?.autoPreamp ?? true;
    setEq(s.eq);
    setGraphic(s.graphic);
    for (const w of r.warnings) notify('warning', w);
    await save(s.eq);
  });

  if (noEditor && cfg) return <PresetOnly enabled={cfg.dsp.eqEnabled} preset={cfg.dsp.eqPreset} />;
  if (!eq || !cfg) return <div class="muted pad">Loading…</div>;
  const enabled = cfg.dsp.eqEnabled;
  const effectivePreamp = eq.preampDb + (eq.autoPreamp && resp ? resp.autoPreampDb : 0);
  const setBand = (i: number, b: EqBand) => edit({ ...eq, bands: eq.bands.map((x, j) => (j === i ? b : x)) });

  return (
    <div class="eq scroll" data-testid="eq">
      <div class="row list-head">
        <h1>Equalizer</h1>
        <EqSwitch enabled={enabled} />
        <span class="muted">{answer?.preset ? <>preset <code>{answer.preset.split(/[\\/]/).pop()}</code></> : 'no preset'}</span>
        <span class="spacer" />
        <span class={`clips${answer && answer.clips > 0 ? ' hot' : ''}`} data-testid="clips" title="Samples clipped after the EQ since playback started">clips: {answer?.clips ?? 0}</span>
      </div>
      <ResponsePlot resp={resp} />
      <div class="row preamp">
        <label>Preamp <input type="number" step={0.1} max={0} min={-60} value={eq.preampDb} onChange={(e) => edit({ ...eq, preampDb: Number((e.currentTarget as HTMLInputElement).value) })} aria-label="Preamp dB" /> dB</label>
        <label><input type="checkbox" data-testid="eq-auto-preamp" checked={eq.autoPreamp} onChange={(e) => edit({ ...eq, autoPreamp: (e.currentTarget as HTMLInputElement).checked })} /> automatic (keeps the response at or below 0 dB)</label>
        <span data-testid="preamp">effective preamp {db(effectivePreamp)}</span>
        {resp && !eq.autoPreamp && <span class="muted">automatic would be {db(eq.preampDb + resp.autoPreampDb)}</span>}
      </div>
      {graphic > 0 && <p class="muted">This preset also has {count(graphic, 'GraphicEQ curve')}; {graphic === 1 ? 'it plays and shows' : 'they play and show'} in the plot, but {graphic === 1 ? 'is' : 'are'} edited in the preset file.</p>}
      <table class="bands">
        <thead><tr><th>Type</th><th>Frequency (Hz)</th><th>Gain (dB)</th><th>Q</th><th /></tr></thead>
        <tbody>
          {eq.bands.map((b, i) => {
            const t = TYPES.find((x) => x.type === b.type)!;
            return (
              <tr key={i} data-band={i}>
                <td><select value={b.type} aria-label="Filter type" onChange={(e) => setBand(i, { ...b, type: (e.currentTarget as HTMLSelectElement).value as BandType, slope: undefined, corner: undefined })}>
                  {TYPES.map((x) => <option key={x.type} value={x.type}>{x.label}</option>)}
                </select></td>
                <td><input type="number" min={1} max={96000} step={1} value={b.freq} aria-label="Frequency" onChange={(e) => setBand(i, { ...b, freq: Number((e.currentTarget as HTMLInputElement).value) })} /></td>
                <td><input type="number" min={-30} max={30} step={0.1} value={b.gainDb} disabled={!t.gain} aria-label="Gain" onChange={(e) => setBand(i, { ...b, gainDb: Number((e.currentTarget as HTMLInputElement).value) })} /></td>
                <td><input type="number" min={0.01} max={100} step={0.01} value={b.q ?? ''} placeholder={b.slope !== undefined ? `S ${b.slope}` : b.bwOct !== undefined ? `${b.bwOct} oct` : 'default'} aria-label="Q" onChange={(e) => { const v = (e.currentTarget as HTMLInputElement).value; setBand(i, { ...b, q: v === '' ? undefined : Number(v), bwOct: undefined, slope: undefined }); }} /></td>
                <td><button type="button" class="icon" aria-label="Remove band" onClick={() => edit({ ...eq, bands: eq.bands.filter((_, j) => j !== i) })}>✕</button></td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="row">
        <button type="button" onClick={() => edit({ ...eq, bands: [...eq.bands, { type: 'peaking', freq: 1000, gainDb: 0, q: 1 }] })}>Add band</button>
        <button type="button" class="primary" disabled={!dirty} onClick={() => void save()}>Apply</button>
        <button type="button" onClick={() => file.current?.click()}>Import preset…</button>
        <input ref={file} type="file" accept=".txt,.cfg,.json,text/plain" hidden data-testid="eq-import" onChange={(e) => {
          const f = (e.currentTarget as HTMLInputElement).files?.[0];
          if (f) void f.text().then((text) => importText(text, f.name));
          (e.currentTarget as HTMLInputElement).value = '';
        }} />
        <span class="muted">Equalizer APO config or AutoEq “ParametricEQ.txt”.</span>
      </div>
    </div>
  );
}

/** EQ on/off: instant (the core swaps the chain), and the signal path shows it. */
function EqSwitch({ enabled }: { enabled: boolean }) {
  return (
    <label class="switch">
      <input type="checkbox" checked={enabled} onChange={(e) => void patchSettings({ dsp: { eqEnabled: (e.currentTarget as HTMLInputElement).checked } })} data-testid="eq-enabled" />
      {enabled ? 'On' : 'Off'}
    </label>
  );
}

const F_MIN = 20;
const F_MAX = 20000;

/** The magnitude response on a log-frequency axis; the scale grows to fit the curve. */
function ResponsePlot({ resp }: { resp: EqResponse | null }) {
  const W = 800;
  const H = 260;
  const pts = resp?.points.filter((p) => p.hz >= F_MIN && p.hz <= F_MAX) ?? [];
  const peak = Math.max(6, ...pts.map((p) => Math.abs(p.db)));
  const range = Math.ceil(peak / 6) * 6;
  const x = (hz: number) => (Math.log10(hz / F_MIN) / Math.log10(F_MAX / F_MIN)) * W;
  const y = (v: number) => H / 2 - (v / range) * (H / 2 - 8);
  const d = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.hz).toFixed(1)},${y(p.db).toFixed(1)}`).join('');
  const grid = [];
  for (const hz of [50, 100, 200, 500, 1000, 2000, 5000, 10000]) {
    grid.push(<line key={`f${hz}`} x1={x(hz)} x2={x(hz)} y1={0} y2={H} class="grid" />);
    grid.push(<text key={`t${hz}`} x={x(hz) + 3} y={H - 4} class="axis">{hz >= 1000 ? `${hz / 1000}k` : hz}</text>);
  }
  for (let v = -range; v <= range; v += range / 2) {
    grid.push(<line key={`d${v}`} x1={0} x2={W} y1={y(v)} y2={y(v)} class={v === 0 ? 'grid zero' : 'grid'} />);
    grid.push(<text key={`l${v}`} x={3} y={y(v) - 3} class="axis">{v > 0 ? `+${v}` : v} dB</text>);
  }
  return (
    <svg class="response" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label="EQ response" data-testid="eq-plot" data-points={pts.length}>
      {grid}
      {d && <path d={d} class="curve" vector-effect="non-scaling-stroke" />}
    </svg>
  );
}

/**
 * The EQ as the settings hold it, for a server without the editor's routes (/api/eq): a preset
 * file on the server's machine (Equalizer APO, AutoEq ParametricEQ.txt or JSON) and on/off.
 */
function PresetOnly({ enabled, preset }: { enabled: boolean; preset: string | null }) {
  const [file, setFile] = useState(preset ?? '');
  return (
    <div class="eq scroll" data-testid="eq">
      <div class="row list-head">
        <h1>Equalizer</h1>
        <EqSwitch enabled={enabled} />
      </div>
      <p class="muted">This server does not offer the band editor and the response plot yet. The EQ plays from a preset file on the
        server's computer: an Equalizer APO config, an AutoEq “ParametricEQ.txt”, or EQ settings as JSON. On/off is instant and shows in
        the signal path.</p>
      <form class="row" onSubmit={(e) => { e.preventDefault(); void patchSettings({ dsp: { eqPreset: file.trim() || null } }); }}>
        <input type="text" value={file} placeholder="/path/to/ParametricEQ.txt" aria-label="Preset file" style={{ flex: 1 }} onInput={(e) => setFile((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" class="primary">Use preset</button>
        {preset && <button type="button" onClick={() => { setFile(''); void patchSettings({ dsp: { eqPreset: null } }); }}>No preset</button>}
      </form>
      <p class="muted">From a terminal, <code>auris eq PRESET --png plot.png</code> prints the bands and draws the response.</p>
    </div>
  );
}
