// Analysis: the DR table of an album (foobar2000's values, with its foo_dr.txt log to download),
// loudness and ReplayGain, true bit depth and the authenticity flags, and each track's spectrogram.

import { useEffect, useState } from 'preact/hooks';
import { api, authUrl } from '../api.ts';
import { clock, db, formatBadge } from '../format.ts';
import { href } from '../router.ts';
import { attempt, libraryVersion, notify, useStore } from '../store.ts';
import type { AlbumDetail, Track } from '../wire.ts';
import { flagLabels } from './album.tsx';

export function AnalysisView({ albumId }: { albumId: number | null }) {
  if (albumId === null) {
    return (
      <div class="scroll pad">
        <h1>Analysis</h1>
        <p>Open an album and choose <em>DR &amp; analysis</em> to see its DR table, loudness, true bit depth and spectrograms.
          Albums analysed so far show their DR badge in the library.</p>
        <p><a class="button" href={href('library', 'albums')}>Go to the library</a></p>
      </div>
    );
  }
  return <AlbumAnalysis id={albumId} />;
}

function AlbumAnalysis({ id }: { id: number }) {
  const version = useStore(libraryVersion);
  const [detail, setDetail] = useState<AlbumDetail | null>(null);
  const [spectrum, setSpectrum] = useState<Track | null>(null);
  useEffect(() => {
    void attempt(async () => setDetail(await api.get<AlbumDetail>(`/api/library/albums/${id}`)));
  }, [id, version]);
  if (!detail) return <div class="muted pad">Loading…</div>;
  const { album, tracks } = detail;
  const pending = tracks.some((t) => t.dr === null);
  const analyse = () => attempt(async () => {
    await api.post('/api/analysis/run', {});
    notify('info', 'Analysis started for every track not analysed yet; the table fills in as tracks finish.');
  });
  return (
    <div class="analysis scroll" data-testid="analysis">
      <div class="row list-head">
        <h1><a href={href('album', album.id)}>{album.title}</a> <span class="muted">— {album.artist}</span></h1>
        <span class="spacer" />
        {album.dr !== null && <span class="badge dr big" data-testid="album-dr">Official DR value: DR{album.dr}</span>}
        <button type="button" onClick={() => void analyse()}>{pending ? 'Analyse' : 'Analyse again'}</button>
        {!pending && <a class="button" href={authUrl(`/api/analysis/album/${id}/foo_dr.txt`)} download="foo_dr.txt">Download foo_dr.txt</a>}
      </div>
      <div class="table-wrap">
        <table class="dr-table" data-testid="dr-table">
          <thead>
            <tr><th>#</th><th>Title</th><th>Format</th><th>DR</th><th>Peak</th><th>Loudness</th><th>LRA</th><th>True peak</th><th>RG 2.0</th><th>True bits</th><th>Flags</th><th>Time</th><th /></tr>
          </thead>
          <tbody>
            {tracks.map((t) => (
              <tr key={t.id} data-track-id={t.id}>
                <td class="muted">{t.trackNumber ?? ''}</td>
                <td>{t.title ?? t.uri.split('/').pop()}</td>
                <td><span class="badge fmt">{formatBadge(t)}</span></td>
                <td class="dr-cell">{t.drRounded !== null ? `DR${t.drRounded}` : '–'}</td>
                <td>{db(t.peakDb, 2)}</td>
                <td>{t.loudnessLufs !== null ? `${t.loudnessLufs.toFixed(1)} LUFS` : '–'}</td>
                <td>{t.lraLu !== null ? `${t.lraLu.toFixed(1)} LU` : '–'}</td>
                <td>{t.truePeakDbtp !== null ? `${t.truePeakDbtp.toFixed(2)} dBTP` : '–'}</td>
                <td>{db(t.rg2TrackGain, 2)}</td>
                <td>{t.trueBits ?? '–'}{t.trueBits !== null && t.bits !== null && t.trueBits < t.bits ? ` of ${t.bits}` : ''}</td>
                <td>{t.verdict === 'clean' ? <span class="badge ok">clean</span> : flagLabels(t.verdict).map((f) => <span key={f} class="badge warn">{f}</span>)}{t.cutoffHz ? <span class="muted"> cutoff {(t.cutoffHz / 1000).toFixed(1)} kHz</span> : ''}</td>
                <td class="muted">{clock((t.duration ?? 0) * 1000)}</td>
                <td><button type="button" class="link" onClick={() => setSpectrum(t)}>Spectrogram</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pending && <p class="muted">Tracks without values have not been analysed yet.</p>}
      {spectrum && (
        <figure class="spectrogram">
          <img src={authUrl(`/api/analysis/track/${spectrum.id}/spectrogram.png`)} alt={`Spectrogram of ${spectrum.title ?? ''}`} />
          <figcaption>{spectrum.title} — time left to right, frequency bottom to top. A hard shelf below the Nyquist frequency suggests a lossy source or an upsampled file.</figcaption>
        </figure>
      )}
    </div>
  );
}
