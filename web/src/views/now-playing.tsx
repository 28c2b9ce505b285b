// Now playing: art, the entry and its tags, seekable progress, transport, and the signal-path
// panel (verdict, stages, negotiated output, proof of the last track heard to its end).

import { FormatChips, ItemArt, itemTitle, Progress, Transport, useCurrentItem, Volume } from '../components/player-bits.tsx';
import { SignalPathPanel } from '../components/signal-path.tsx';
import { count } from '../format.ts';
import { lastTrackEnd, playerState, useStore } from '../store.ts';

export function NowPlayingView() {
  const st = useStore(playerState);
  const ended = useStore(lastTrackEnd);
  const item = useCurrentItem();
  // The proof of the last track heard to its end: from the state, or from the latest track-end event.
  const proof = ended && (!st?.lastProof || st.lastProof.id === ended.id) ? { proof: ended.proof, path: ended.path } : st?.lastProof ?? null;
  return (
    <div class="now-playing scroll" data-testid="now-playing">
      <div class="np-main">
        <ItemArt item={item} large />
        <div class="np-info">
          {item ? (
            <>
              <h1 data-testid="np-title">{itemTitle(item)}</h1>
              <p>{item.tags.artist}</p>
              <p class="muted">{item.tags.album}{item.tags.date ? ` (${item.tags.date})` : ''}</p>
            </>
          ) : (
            <h1 class="muted">Nothing playing</h1>
          )}
          <p class="status-line">
            <span class="tag" data-testid="status">{st?.status ?? '…'}</span> <FormatChips />
          </p>
          {st?.message && <p class="warn-text">{st.message}</p>}
          <Progress />
          <div class="row np-controls"><Transport /><Volume /></div>
          {st && st.underruns > 0 && <p class="warn-text">{count(st.underruns, 'underrun')}: the device ran dry. A larger buffer (Settings) helps.</p>}
        </div>
      </div>
      {/* While nothing plays, the path of the last track heard (from its track-end event) stays in view. */}
      <SignalPathPanel
        path={st?.signalPath ?? ended?.signalPath ?? null}
        title={!st?.signalPath && ended ? `Signal path of the last track (${ended.path.split(/[\\/]/).pop()})` : undefined}
        output={st?.output ?? null}
        proof={proof}
      />
    </div>
  );
}
