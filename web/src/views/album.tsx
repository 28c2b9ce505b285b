// Album page: art, the album's facts, and its tracks with format badges, DR, loudness and the
// authenticity flags (fake hi-res, transcode) from the analysis.

import { useEffect, useState } from 'preact/hooks';
import { enqueue } from '../actions.ts';
import { api } from '../api.ts';
import { clock, count, formatBadge } from '../format.ts';
import { href } from '../router.ts';
import { attempt, libraryVersion, useStore } from '../store.ts';
import type { AlbumDetail, Track } from '../wire.ts';
import { AlbumArt } from './library.tsx';

/** Authenticity findings (src/analysis authenticity: padded, upscaled, upsampled, lossy-like) in words. */
export function flagLabels(verdict: string | null): string[] {
  if (!verdict || verdict === 'clean') return [];
  return verdict.split('+').map((f) => ({
    upsampled: 'fake hi-res (upsampled)',
    'lossy-like': 'lossy transcode',
    padded: 'padded bits',
    upscaled: 'fake bit depth (upscaled)',
  }[f] ?? f));
}

export function AlbumView({ id }: { id: number }) {
  const version = useStore(libraryVersion);
  const [detail, setDetail] = useState<AlbumDetail | null>(null);
  useEffect(() => {
    void attempt(async () => setDetail(await api.get<AlbumDetail>(`/api/library/albums/${id}`)));
  }, [id, version]);
  if (!detail) return <div class="muted pad">Loading…</div>;
  const { album, tracks } = detail;
  const formats = [...new Set(tracks.map((t) => formatBadge(t)))];
  const discs = new Set(tracks.map((t) => t.discNumber ?? 1)).size > 1;
  return (
    <div class="album-page scroll" data-testid="album-page">
      <header class="album-head">
        <AlbumArt id={album.artId === null ? null : album.id} size="large" alt={`Cover of ${album.title}`} />
        <div>
          <h1>{album.title}</h1>
          <p><a href={`#/library/albums?artist=${encodeURIComponent(album.artist)}`}>{album.artist}</a></p>
          <p class="muted">
            {[album.year, album.genre, count(album.trackCount, 'track'), clock(album.duration * 1000)].filter(Boolean).join(' · ')}
          </p>
          <p class="badges">
            {formats.map((f) => <span key={f} class="badge fmt">{f}</span>)}
            {album.dr !== null && <span class="badge dr" title="Album dynamic range (foobar2000 DR meter)">DR{album.dr}</span>}
          </p>
          <div class="row actions">
            <button type="button" class="primary" onClick={() => void enqueue({ albumId: album.id }, 'play')}>▶ Play</button>
            <button type="button" onClick={() => void enqueue({ albumId: album.id }, 'next')}>Play next</button>
            <button type="button" onClick={() => void enqueue({ albumId: album.id }, 'add')}>Add to queue</button>
            <a class="button" href={href('analysis', 'album', album.id)}>DR &amp; analysis</a>
          </div>
        </div>
      </header>
      <table class="tracks">
        <thead>
          <tr><th>#</th><th>Title</th><th>Format</th><th title="Dynamic range">DR</th><th title="Integrated loudness">LUFS</th><th>Flags</th><th>Time</th></tr>
        </thead>
        <tbody>
          {tracks.map((t) => <AlbumTrack key={t.id} track={t} discs={discs} albumTracks={tracks} />)}
        </tbody>
      </table>
    </div>
  );
}

function AlbumTrack({ track: t, discs, albumTracks }: { track: Track; discs: boolean; albumTracks: readonly Track[] }) {
  const flags = flagLabels(t.verdict);
  const fromHere = () => enqueue({ trackIds: albumTracks.slice(albumTracks.indexOf(t)).map((x) => x.id) }, 'play');
  return (
    <tr data-track-id={t.id} onDblClick={() => void fromHere()}>
      <td class="muted">{discs && t.discNumber ? `${t.discNumber}.` : ''}{t.trackNumber ?? ''}</td>
      <td>
        <button type="button" class="link" onClick={() => void fromHere()} title="Play from this track">{t.title ?? t.uri.split('/').pop()}</button>
        {t.artist && <span class="muted"> {t.artist}</span>}
      </td>
      <td><span class="badge fmt">{formatBadge(t)}</span>{t.trueBits !== null && t.bits !== null && t.trueBits < t.bits && <span class="badge warn" title="True bit depth">{t.trueBits}-bit real</span>}</td>
      <td>{t.drRounded !== null ? `DR${t.drRounded}` : '–'}</td>
      <td>{t.loudnessLufs !== null ? t.loudnessLufs.toFixed(1) : '–'}</td>
      <td>{flags.map((f) => <span key={f} class="badge warn">{f}</span>)}</td>
      <td class="muted">{clock((t.duration ?? 0) * 1000)}</td>
    </tr>
  );
}
