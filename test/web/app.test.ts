// The web app in a real browser against a real server: Debian's Chromium (playwright-core) on the
// built web/dist, served by src/server over a real core with a generated FLAC library. What the
// page shows is checked against what the server and the captured output bytes say.

import '../helpers/alsa.ts'; // ALSA's test devices (captest) before anything opens ALSA
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { CoreEvent } from '../../src/protocol/events.ts';
import type { OutputListingWire } from '../../src/protocol/formats.ts';
import type { QueueSnapshot } from '../../src/protocol/player.ts';
import { needAlsa } from '../helpers/alsa.ts';
import { tempDir } from '../helpers/tmp.ts';
import { hasTool, run } from '../helpers/tools.ts';
import {
  apiCall, launchBrowser, makeLibrary, screenshot, startApp, wavData,
  type Browser, type MadeTrack, type RunningApp,
} from './helpers/app.ts';

const toolsHere = ['chromium', 'flac', 'sox'].every(hasTool);

const ALBUMS = [
  {
    folder: 'Alpha Artist/Alpha Album', artist: 'Alpha Artist', album: 'Alpha Album', date: '2001', rate: 44100, bits: 16 as const,
    tracks: [
      { title: 'First Light', seconds: 3, synth: ['sine', '440', 'sine', '660'] },
      { title: 'Second Wind', seconds: 2, synth: ['pinknoise'] },
      { title: 'Third Rail', seconds: 2.5, synth: ['square', '220', 'sine', '330'] },
    ],
  },
  {
    folder: 'Beta Band/Beta Sessions', artist: 'Beta Band', album: 'Beta Sessions', date: '2012', rate: 96000, bits: 24 as const,
    tracks: [
      { title: 'Hi-Res One', seconds: 0.8, synth: ['sine', '1000', 'sine', '1500'] },
      { title: 'Hi-Res Two', seconds: 0.7, synth: ['whitenoise'] },
    ],
  },
];

describe('web app', { skip: !toolsHere && process.env.AURIS_REQUIRE_TOOLS !== '1' ? 'needs chromium, flac, sox (install: see .ci/run)' : false }, () => {
  let app: RunningApp;
  let browser: Browser;
  let library: Map<string, MadeTrack[]>;
  let libDir: string;
  let capture: string;
  const events: CoreEvent[] = [];

  before(async () => {
    if (!toolsHere) throw new Error('AURIS_REQUIRE_TOOLS=1 and needs chromium, flac, sox (install: see .ci/run)');
    libDir = tempDir('auris-weblib-');
    library = makeLibrary(libDir, ALBUMS);
    app = await startApp({});
    // The capture goes where the server lets its clients write a file output: captures/ in its data folder.
    capture = path.join(app.dataDir, 'captures', 'out.wav');
    await apiCall(app, 'POST', '/api/outputs/select', { name: `file:${capture}`, mode: 'exclusive' });
    app.core.on((e) => events.push(e));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Resolves at the next event matching `match` after `from`. */
  const waitEvent = (match: (e: CoreEvent) => boolean, from: number, ms = 20_000): Promise<CoreEvent> => new Promise((resolve, reject) => {
    const seen = events.slice(from).find(match);
    if (seen) return resolve(seen);
    const timer = setTimeout(() => { off(); reject(new Error('timed out waiting for an event')); }, ms);
    const off = app.core.on((e) => {
      if (match(e)) { clearTimeout(timer); off(); resolve(e); }
    });
  });

  const queueSources = async (tracks: readonly MadeTrack[]): Promise<number[]> => {
    await apiCall(app, 'POST', '/api/queue/clear', {});
    return (await apiCall<{ ids: number[] }>(app, 'POST', '/api/queue/add', { sources: tracks.map((t) => t.path) })).ids;
  };

  /** Queues `tracks`, plays them through the API to the end of the queue, and answers the last track-end event. */
  const playOnce = async (tracks: readonly MadeTrack[]): Promise<Extract<CoreEvent, { type: 'track-end' }>> => {
    await queueSources(tracks);
    const from = events.length;
    await apiCall(app, 'POST', '/api/player/play', {});
    await waitEvent((e) => e.type === 'queue-end' || e.type === 'error', from);
    const end = events.slice(from).filter((e): e is Extract<CoreEvent, { type: 'track-end' }> => e.type === 'track-end').at(-1);
    assert.ok(end, 'the track ended');
    return end;
  };

  const open = async (route: string, viewport?: { width: number; height: number }): Promise<Page> => {
    const page = await browser.open(`${app.url}#/${route}`, viewport);
    // Connected: the connection notice is gone once the event socket is open.
    await page.waitForSelector('.shell');
    await page.waitForFunction(() => !document.querySelector('.connection'));
    return page;
  };

  test('first load: the app shell, connected, in few compressed bytes', async () => {
    const page = await open('settings');
    const bytes = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const res = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => !r.name.includes('/api/'));
      return {
        transferred: [nav, ...res].reduce((s, r) => s + r.encodedBodySize, 0),
        decoded: [nav, ...res].reduce((s, r) => s + r.decodedBodySize, 0),
        files: res.map((r) => r.name.split('/').pop()),
      };
    });
    console.log(`first load: ${bytes.transferred} bytes compressed (${bytes.decoded} decoded) in ${bytes.files.length + 1} files`);
    assert.ok(bytes.files.some((f) => f?.endsWith('.js')) && bytes.files.some((f) => f?.endsWith('.css')), `the app's script and style load: ${bytes.files.join(', ')}`);
    assert.ok(bytes.transferred < bytes.decoded / 2, `served compressed: ${bytes.transferred} of ${bytes.decoded} bytes`);
    assert.ok(bytes.transferred < 60_000, `first load ${bytes.transferred} bytes compressed, budget 60 kB`);
    await page.close();
  });

  test('settings: every output with what it accepts, the one in use, and no sound device as a normal state', async () => {
    const page = await open('settings');
    const listed = await apiCall<OutputListingWire[]>(app, 'GET', '/api/outputs');
    await page.waitForSelector('[data-output]');
    const shown = await page.$$eval('[data-output]', (els) => els.map((e) => e.getAttribute('data-output')));
    assert.deepEqual(shown, listed.map((o) => o.name));
    assert.equal(await page.textContent('[data-testid=output-in-use]'), `file:${capture}`);
    // Exclusive and shared are explained in the words of the issue.
    const explain = await page.textContent('.mode-choice .explain');
    assert.match(explain!, /bypasses the system mixer/);
    assert.match(explain!, /system volume no longer applies/);
    const devices = listed.filter((o) => !o.name.startsWith('file:') && !o.name.startsWith('null'));
    assert.equal(await page.isVisible('[data-testid=no-device]'), devices.length === 0, `devices listed: ${devices.map((d) => d.name).join(', ') || 'none'}`);
    await screenshot(page, 'settings-output');
    await page.close();
  });

  test('first run: the empty library says how to add a folder; adding one shows its albums', async () => {
    const page = await open('library');
    await page.waitForSelector('[data-testid=first-run]');
    assert.match((await page.textContent('[data-testid=first-run]'))!, /Add your music/);
    const suggestion = await apiCall<{ path: string; exists: boolean }>(app, 'GET', '/api/library/suggestion');
    assert.equal(await page.inputValue('[data-testid=first-run] input[aria-label="Music folder"]'), suggestion.exists ? suggestion.path : '');
    await screenshot(page, 'library-first-run');
    await page.fill('[data-testid=first-run] input[aria-label="Music folder"]', libDir);
    await page.click('[data-testid=first-run] button[type=submit]');
    await page.waitForSelector('.album-card[data-album-id]', { timeout: 20_000 });
    await page.waitForFunction(() => document.querySelectorAll('.album-card[data-album-id]').length === 2);
    const titles = await page.$$eval('.album-card[data-album-id] .album-title', (els) => els.map((e) => e.textContent));
    assert.deepEqual(titles, ['Alpha Album', 'Beta Sessions']);
    const artists = await page.$$eval('.album-card[data-album-id] .album-artist', (els) => els.map((e) => e.textContent));
    assert.deepEqual(artists, ['Alpha Artist · 2001', 'Beta Band · 2012']);
    await screenshot(page, 'library-albums');
    // Counts read as English: one album, not "1 albums".
    await page.goto(`${app.url}#/library/artists`);
    await page.waitForSelector('.name-row:has-text("Alpha Artist")');
    assert.equal(await page.textContent('.name-row:has-text("Alpha Artist") .muted'), '1 album · 3 tracks');
    assert.equal(await page.textContent('.name-row:has-text("Beta Band") .muted'), '1 album · 2 tracks');
    await page.close();
  });

  test('search as you type', async () => {
    const page = await open('library');
    await page.waitForSelector('.album-card[data-album-id]');
    await page.click('#search');
    await page.keyboard.type('hi-res', { delay: 30 });
    await page.waitForSelector('[data-testid=search-results] .track-row[data-track-id]');
    const found = await page.$$eval('[data-testid=search-results] .track-row .t-title', (els) => els.map((e) => e.firstChild?.textContent));
    const api = await apiCall<{ items: { title: string }[]; total: number }>(app, 'GET', '/api/library/search?q=hi-res');
    assert.deepEqual(found, api.items.map((t) => t.title));
    assert.deepEqual([...found].sort(), ['Hi-Res One', 'Hi-Res Two']);
    await page.fill('#search', 'second');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=search-results] .track-row .t-title')].map((e) => e.firstChild?.textContent).join() === 'Second Wind');
    await screenshot(page, 'library-search');
    // '/' from another view jumps to the search field.
    await page.goto(`${app.url}#/queue`);
    await page.waitForSelector('[data-testid=queue]');
    await page.keyboard.press('/');
    await page.waitForFunction(() => document.activeElement?.id === 'search');
    await page.close();
  });

  test('album page: format badges; Play sends the album into a file: output byte for byte; bit-perfect and the proof show', async () => {
    const tracks = library.get('Alpha Artist/Alpha Album')!;
    const page = await open('library');
    await page.click('.album-card:has-text("Alpha Album")');
    await page.waitForSelector('[data-testid=album-page]');
    assert.equal(await page.textContent('.album-head h1'), 'Alpha Album');
    assert.deepEqual(await page.$$eval('.album-head .badge.fmt', (els) => els.map((e) => e.textContent)), ['16/44.1']);
    assert.deepEqual(await page.$$eval('.tracks tbody tr td:nth-child(2) button', (els) => els.map((e) => e.textContent)), ['First Light', 'Second Wind', 'Third Rail']);
    await screenshot(page, 'album-page');
    const from = events.length;
    await page.click('.album-head button:has-text("Play")');
    await waitEvent((e) => e.type === 'queue-end' || e.type === 'error' || e.type === 'track-error', from);
    const ends = events.slice(from).filter((e): e is Extract<CoreEvent, { type: 'track-end' }> => e.type === 'track-end');
    assert.deepEqual(ends.map((e) => path.basename(e.path)), tracks.map((t) => path.basename(t.path)), 'every track ended, in order');
    // One gapless stream: the WAV holds the three tracks' samples back to back, byte for byte.
    const wav = wavData(capture);
    assert.equal(wav.bits, 16);
    assert.equal(wav.rate, 44100);
    assert.ok(Buffer.concat(tracks.map((t) => t.raw)).equals(wav.data), 'captured bytes equal the decoded source');

    await page.goto(`${app.url}#/now`);
    await page.waitForSelector('[data-testid=proof][data-verified=true]');
    const lastMd5 = run('metaflac', ['--show-md5sum', tracks[2]!.path]).toString().trim();
    assert.match((await page.textContent('[data-testid=proof]'))!, new RegExp(`MD5 of delivered samples = STREAMINFO.*${lastMd5}`));
    assert.equal(await page.getAttribute('.signal-path .verdict', 'data-verdict'), 'bit-perfect');
    const stageKinds = await page.$$eval('.signal-path .stage', (els) => els.map((e) => e.getAttribute('data-kind')));
    assert.deepEqual(stageKinds, ends.at(-1)!.signalPath.stages.map((s) => s.kind), 'every stage of the path is shown');
    await screenshot(page, 'now-playing-proof');
    await page.close();
  });

  test('analysis: an album\'s DR table fills in after Analyse, with the values the library measured', async () => {
    const page = await open('library');
    await page.click('.album-card:has-text("Alpha Album")');
    await page.click('a:has-text("DR & analysis")');
    await page.waitForSelector('[data-testid=dr-table]');
    await page.click('[data-testid=analysis] button:has-text("Analyse")');
    await page.waitForSelector('[data-testid=album-dr]', { timeout: 60_000 });
    const albumId = Number(new URL(page.url()).hash.split('/').pop());
    const measured = await apiCall<{ album: { dr: number }; tracks: { id: number; drRounded: number; loudnessLufs: number; trueBits: number }[] }>(app, 'GET', `/api/analysis/album/${albumId}`);
    const cells = await page.$$eval('[data-testid=dr-table] tbody .dr-cell', (els) => els.map((e) => e.textContent));
    assert.deepEqual(cells, measured.tracks.map((t) => `DR${t.drRounded}`));
    assert.equal(await page.textContent('[data-testid=album-dr]'), `Official DR value: DR${measured.album.dr}`);
    const trueBits = await page.$$eval('[data-testid=dr-table] tbody tr td:nth-child(10)', (els) => els.map((e) => e.textContent));
    assert.deepEqual(trueBits, measured.tracks.map((t) => String(t.trueBits)));
    // The foo_dr.txt link downloads the server's log of this album; a track's spectrogram shows as an image.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Download foo_dr.txt")')]);
    assert.equal(download.suggestedFilename(), 'foo_dr.txt');
    const saved = path.join(tempDir('auris-webdr-'), 'foo_dr.txt');
    await download.saveAs(saved);
    const log = readFileSync(saved, 'utf8');
    const served = await (await fetch(new URL(`/api/analysis/album/${albumId}/foo_dr.txt`, app.url))).text();
    const undated = (text: string) => text.split('\n').filter((l) => !l.startsWith('log date: ')).join('\n');
    assert.equal(undated(log), undated(served));
    assert.match(log, new RegExp(`Official DR value: DR${measured.album.dr}\r\n`), 'CRLF, as foobar2000 writes foo_dr.txt');
    await page.click('[data-testid=dr-table] tbody tr:nth-child(2) button:has-text("Spectrogram")');
    await page.waitForFunction(() => ((document.querySelector('.spectrogram img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);
    const shown = await page.$eval('.spectrogram img', (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]);
    const png = Buffer.from(await (await fetch(new URL(`/api/analysis/track/${measured.tracks[1]!.id}/spectrogram.png`, app.url))).arrayBuffer());
    assert.deepEqual(shown, [png.readUInt32BE(16), png.readUInt32BE(20)], 'the image shown is the server\'s PNG');
    await screenshot(page, 'analysis-dr-table');
    await page.close();
  });

  test('queue: drag the last entry to the top, then remove one', async () => {
    const tracks = library.get('Alpha Artist/Alpha Album')!;
    const ids = await queueSources(tracks);
    const page = await open('queue');
    await page.waitForSelector(`[data-queue-id="${ids[2]}"]`);
    const handle = page.locator(`[data-queue-id="${ids[2]}"] .handle`);
    const box = (await handle.boundingBox())!;
    const first = (await page.locator(`[data-queue-id="${ids[0]}"]`).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, first.y + 5, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction((id) => document.querySelector('.queue-list li.queue-item')?.getAttribute('data-queue-id') === String(id), ids[2]);
    const after = await apiCall<QueueSnapshot>(app, 'GET', '/api/queue');
    assert.deepEqual(after.items.map((i) => i.id), [ids[2], ids[0], ids[1]]);
    await screenshot(page, 'queue-reordered');
    await page.click(`[data-queue-id="${ids[0]}"] button[aria-label=Remove]`);
    await page.waitForFunction((id) => !document.querySelector(`[data-queue-id="${id}"]`), ids[0]);
    assert.deepEqual((await apiCall<QueueSnapshot>(app, 'GET', '/api/queue')).items.map((i) => i.id), [ids[2], ids[1]]);
    await page.close();
  });

  test('a long queue (1,000 entries) keeps only the rows in view in the page, and scrolls to its end', async () => {
    const one = library.get('Alpha Artist/Alpha Album')![0]!.path;
    await apiCall(app, 'POST', '/api/queue/clear', {});
    const { ids } = await apiCall<{ ids: number[] }>(app, 'POST', '/api/queue/add', { sources: Array.from({ length: 1000 }, () => one) });
    const page = await open('queue');
    await page.waitForSelector(`[data-queue-id="${ids[0]}"]`);
    const rows = () => page.$$eval('.queue-list li.queue-item', (els) => els.length);
    assert.ok((await rows()) < 60, `${await rows()} rows in the page`);
    await page.$eval('.queue-list', (el) => { el.scrollTop = el.scrollHeight; });
    await page.waitForSelector(`[data-queue-id="${ids.at(-1)}"]`);
    assert.ok((await rows()) < 60, `${await rows()} rows in the page after scrolling`);
    await apiCall(app, 'POST', '/api/queue/clear', {});
    await page.close();
  });

  test('playlists: Export M3U8 downloads the server\'s export; Import M3U8 stores a file\'s playlist; a file naming paths outside the library is refused', async () => {
    const tracks = library.get('Beta Band/Beta Sessions')!;
    const albums = await apiCall<{ items: { id: number; title: string }[] }>(app, 'GET', '/api/library/albums');
    const beta = await apiCall<{ tracks: { id: number }[] }>(app, 'GET', `/api/library/albums/${albums.items.find((a) => a.title === 'Beta Sessions')!.id}`);
    await apiCall(app, 'PUT', '/api/playlists/Beta%20reversed', { entries: beta.tracks.map((t) => t.id).reverse() });
    const page = await open('playlists');
    await page.waitForSelector('[data-playlist="Beta reversed"]');
    assert.equal(await page.textContent('[data-playlist="Beta reversed"] .muted'), '2 tracks');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-playlist="Beta reversed"] [data-testid=m3u-export]')]);
    assert.equal(download.suggestedFilename(), 'Beta reversed.m3u8');
    const file = path.join(tempDir('auris-webpl-'), 'Beta again.m3u8');
    await download.saveAs(file);
    const served = await (await fetch(new URL('/api/playlists/Beta%20reversed/m3u8', app.url))).text();
    const text = readFileSync(file, 'utf8');
    assert.equal(text, served, 'the download is the server\'s export');
    assert.deepEqual(text.split('\n').filter((l) => l && !l.startsWith('#')), tracks.map((t) => path.relative(libDir, t.path)).reverse());

    await page.setInputFiles('[data-testid=m3u-import]', file);
    await page.waitForSelector('[data-playlist="Beta again"]');
    assert.equal(await page.textContent('[data-playlist="Beta again"] .muted'), '2 tracks');
    const stored = await apiCall<{ entries: { trackId: number }[] }>(app, 'GET', '/api/playlists/Beta%20again');
    assert.deepEqual(stored.entries.map((e) => e.trackId), beta.tracks.map((t) => t.id).reverse());
    await screenshot(page, 'playlists');

    const sneaky = path.join(tempDir('auris-webpl-'), 'Sneaky.m3u8');
    writeFileSync(sneaky, `#EXTM3U\n${tracks[0]!.path}\n/etc/passwd\n`);
    const errorsBefore = browser.errors.length;
    await page.setInputFiles('[data-testid=m3u-import]', sneaky);
    await page.waitForSelector('.notice.error');
    assert.match((await page.textContent('.notice.error'))!, /outside the library's music folders/);
    assert.equal(await page.isVisible('[data-playlist="Sneaky"]'), false);
    // The refused request (403) is what this test expects, not a fault of the page.
    assert.deepEqual(browser.errors.splice(errorsBefore).map((e) => e.replace(/ http.*/, '')), ['http 403 POST']);
    await page.close();
  });

  test('exclusive/shared: switching the mode in Settings changes the signal path', async (t: TestContext) => {
    if (!needAlsa(t)) return;
    const tracks = library.get('Beta Band/Beta Sessions')!;
    const page = await open('settings');
    await page.fill('input[aria-label="Output name"]', 'alsa:captest');
    await page.click('form:has(input[aria-label="Output name"]) button[type=submit]');
    await page.waitForFunction(() => document.querySelector('[data-testid=output-in-use]')?.textContent === 'alsa:captest');
    await page.click('.mode-choice [data-mode=exclusive]');
    await page.waitForFunction(() => document.querySelector('.mode-choice [data-mode=exclusive]')?.getAttribute('aria-checked') === 'true');
    const exclusive = await playOnce(tracks.slice(0, 1));

    await page.click('.mode-choice [data-mode=shared]');
    await page.waitForFunction(() => document.querySelector('.mode-choice [data-mode=shared]')?.getAttribute('aria-checked') === 'true');
    assert.equal((await apiCall<{ output: { mode: string } }>(app, 'GET', '/api/settings')).output.mode, 'shared');
    const shared = await playOnce(tracks.slice(0, 1));

    await page.goto(`${app.url}#/now`);
    await page.waitForSelector('.signal-path .stage');
    const shownStages = await page.$$eval('.signal-path .stage', (els) => els.map((e) => e.textContent));
    assert.deepEqual(shownStages.length, shared.signalPath.stages.length);
    assert.notDeepEqual(shared.signalPath, exclusive.signalPath, 'the path differs between exclusive and shared');
    assert.equal(await page.getAttribute('.signal-path .verdict', 'data-verdict'), shared.signalPath.verdict);
    assert.match(shownStages.join(' '), /shared/i, 'the shown path says shared');
    await screenshot(page, 'now-playing-shared');
    await apiCall(app, 'POST', '/api/outputs/select', { name: `file:${capture}`, mode: 'exclusive' });
    // The multichannel policy is a setting of the output too: chosen here, saved by the core.
    await page.goto(`${app.url}#/settings`);
    await page.selectOption('select[aria-label="Downmix"]', 'stereo');
    await page.waitForFunction(async () => ((await (await fetch('/api/settings')).json()) as { output: { downmix: string } }).output.downmix === 'stereo');
    await page.selectOption('select[aria-label="Downmix"]', 'refuse');
    await page.waitForFunction(async () => ((await (await fetch('/api/settings')).json()) as { output: { downmix: string } }).output.downmix === 'refuse');
    await page.close();
  });

  test('EQ: an AutoEq ParametricEQ.txt imported in the editor plots, shows its preamp, saves as the custom preset and makes the path "enhanced"; off is bit-perfect again', async () => {
    const preset = path.join(tempDir('auris-webeq-'), 'ParametricEQ.txt');
    writeFileSync(preset, 'Preamp: -6.2 dB\nFilter 1: ON LSC Fc 105 Hz Gain 5.5 dB Q 0.70\nFilter 2: ON PK Fc 2500 Hz Gain -3.1 dB Q 1.41\n');
    const track = library.get('Alpha Artist/Alpha Album')!.slice(1, 2);
    const page = await open('eq');
    await page.waitForSelector('[data-testid=eq] table.bands');
    await page.setInputFiles('[data-testid=eq-import]', preset);
    // The plot: the 200 points the view asks for, all within 20 Hz..20 kHz; the two bands in the table.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=eq] tr[data-band]').length === 2
      && Number(document.querySelector('[data-testid=eq-plot]')?.getAttribute('data-points')) === 200);
    const curve = await page.getAttribute('[data-testid=eq-plot] path.curve', 'd');
    assert.equal(curve?.match(/[ML]/g)?.length, 200, 'the response curve is drawn through every point');
    // The file's preamp as given; the automatic preamp stays on as the settings had it (an APO/AutoEq
    // file says nothing about it). Its response peaks below 0 dB, so the automatic part adds nothing.
    assert.equal(await page.textContent('[data-testid=preamp]'), 'effective preamp -6.2 dB');
    const custom = path.join(app.dataDir, 'eq-custom.json');
    await page.waitForFunction(async (file) => ((await (await fetch('/api/settings')).json()) as { dsp: { eqPreset: string | null } }).dsp.eqPreset === file, custom);
    assert.equal((await apiCall<{ dsp: { eqAutoPreamp: boolean } }>(app, 'GET', '/api/settings')).dsp.eqAutoPreamp, true, 'the import left the automatic preamp on');
    assert.equal(await page.isChecked('[data-testid=eq-auto-preamp]'), true);
    assert.equal((JSON.parse(readFileSync(custom, 'utf8')) as { autoPreamp: boolean }).autoPreamp, true, 'the saved preset keeps it on');
    assert.equal(await page.textContent('[data-testid=eq] code'), 'eq-custom.json');
    assert.equal((await apiCall<{ dsp: { eqEnabled: boolean } }>(app, 'GET', '/api/settings')).dsp.eqEnabled, true);
    const on = await playOnce(track);
    assert.equal(on.signalPath.verdict, 'enhanced');
    assert.ok(on.signalPath.stages.some((s) => s.kind === 'filter' && s.chosenByUser), 'an EQ stage the user chose');
    await screenshot(page, 'eq');
    await page.click('[data-testid=eq-enabled]');
    await page.waitForFunction(async () => !((await (await fetch('/api/settings')).json()) as { dsp: { eqEnabled: boolean } }).dsp.eqEnabled);
    const off = await playOnce(track);
    assert.equal(off.signalPath.verdict, 'bit-perfect');
    await page.goto(`${app.url}#/now`);
    await page.waitForFunction(() => document.querySelector('.signal-path .verdict')?.getAttribute('data-verdict') === 'bit-perfect');
    await apiCall(app, 'PATCH', '/api/settings', { dsp: { eqPreset: null, eqEnabled: true } });
    await page.close();
  });

  test('two tabs see the same state: a volume key in one moves the other; a change from a script reaches both', async () => {
    const a = await open('now');
    const b = await open('queue');
    const shown = (page: Page) => page.textContent('.player-bar .vol-db');
    assert.equal(await shown(a), '0 dB');
    await a.keyboard.press('-');
    await b.waitForFunction(() => document.querySelector('.player-bar .vol-db')?.textContent === '-1.0');
    assert.equal((await apiCall<{ db: number }>(app, 'GET', '/api/volume')).db, -1);
    await apiCall(app, 'PUT', '/api/volume', { db: 0 });
    for (const page of [a, b]) await page.waitForFunction(() => document.querySelector('.player-bar .vol-db')?.textContent === '0 dB');
    await a.close();
    await b.close();
  });

  test('now playing at real time (null output): play, space pauses and resumes, the progress bar seeks', async () => {
    const long = makeLibrary(tempDir('auris-weblong-'), [{
      folder: 'Long', artist: 'Long Player', album: 'Long', date: '2020', rate: 44100, bits: 16,
      tracks: [{ title: 'Six Seconds', seconds: 6, synth: ['sine', '300'] }],
    }]).get('Long')!;
    await apiCall(app, 'POST', '/api/outputs/select', { name: 'null', mode: 'exclusive' });
    await apiCall(app, 'PATCH', '/api/settings', { library: { roots: [libDir, path.dirname(long[0]!.path)] } });
    await queueSources(long);
    const page = await open('now');
    const state = () => apiCall<{ status: string; positionMs: number }>(app, 'GET', '/api/state');
    await page.click('[data-testid=play-pause]');
    await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent === 'playing');
    assert.equal(await page.textContent('[data-testid=np-title]'), 'Six Seconds');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent === 'paused');
    assert.equal((await state()).status, 'paused');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent === 'playing');
    // Drag the seek bar to 2 s, while playing: the range input's change event is what a release sends.
    const seekAt = Date.now();
    await page.$eval('[data-testid=seek]', (el) => {
      const input = el as HTMLInputElement;
      input.value = '2000';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    // The position runs on at real time after the seek: 2000 ms plus the time since, give or take 300 ms.
    const near = (pos: number) => pos >= 1700 && pos <= 2000 + (Date.now() - seekAt) + 300;
    const deadline = Date.now() + 3000;
    let pos = (await state()).positionMs;
    while (!near(pos) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      pos = (await state()).positionMs;
    }
    assert.ok(near(pos), `position after the seek: ${pos} ms, ${Date.now() - seekAt} ms after seeking to 2000`);
    await page.waitForFunction(() => Number((document.querySelector('[data-testid=seek]') as HTMLInputElement).value) >= 2000);
    await screenshot(page, 'now-playing-seeked');
    await apiCall(app, 'POST', '/api/player/stop', {});
    await apiCall(app, 'POST', '/api/outputs/select', { name: `file:${capture}`, mode: 'exclusive' });
    await page.close();
  });

  test('installable: the manifest and the service worker; the theme follows the choice in Settings', async () => {
    const page = await open('settings');
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector('link[rel=manifest]')!.getAttribute('href')!;
      return (await fetch(href)).json() as Promise<{ name: string; display: string; icons: { src: string }[]; start_url: string }>;
    });
    assert.equal(manifest.name, 'Auris');
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.icons.length > 0);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, app.url);
    for (const theme of ['Dark', 'Light'] as const) {
      await page.click(`[aria-label=Theme] button:text-is("${theme}")`);
      assert.equal(await page.getAttribute('html', 'data-theme'), theme.toLowerCase());
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, theme === 'Dark' ? 'rgb(21, 23, 28)' : 'rgb(247, 247, 249)');
    }
    await page.click('[aria-label=Theme] button:text-is("Dark")');
    await page.goto(`${app.url}#/now`);
    await page.waitForSelector('[data-testid=now-playing]');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark', 'the choice is kept across loads');
    await screenshot(page, 'now-playing-dark');
    await page.close();
  });

  test('keyboard: digits switch views, ? opens the help', async () => {
    const page = await open('now');
    await page.keyboard.press('3');
    await page.waitForSelector('[data-testid=queue]');
    await page.keyboard.press('7');
    await page.waitForSelector('[data-testid=settings]');
    await page.keyboard.press('?');
    await page.waitForSelector('.overlay .help');
    assert.match((await page.textContent('.help'))!, /Play \/ pause/);
    await page.keyboard.press('Escape');
    await page.waitForSelector('.overlay', { state: 'detached' });
    await page.close();
  });

  test('phone viewport (375 px): nothing overflows sideways, the tab bar and the player bar show', async () => {
    for (const view of ['now', 'queue', 'settings']) {
      const page = await open(view, { width: 375, height: 812 });
      await page.waitForSelector(`[data-testid=${view === 'now' ? 'now-playing' : view}]`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${view}: page is ${overflow} px wider than the screen`);
      const nav = (await page.locator('.nav').boundingBox())!;
      const bar = (await page.locator('.player-bar').boundingBox())!;
      assert.ok(nav.y + nav.height <= 812 + 1 && nav.y > 600, `${view}: tab bar at the bottom (y ${nav.y})`);
      assert.ok(bar.y + bar.height <= nav.y + 1, `${view}: player bar above the tab bar`);
      if (view === 'now') {
        // The art square is centred in the column: equal space (within 2 px) on its two sides.
        const art = (await page.locator('.np-main .art').boundingBox())!;
        const column = (await page.locator('.np-main').boundingBox())!;
        const left = art.x - column.x;
        const right = column.x + column.width - (art.x + art.width);
        assert.ok(Math.abs(left - right) <= 2, `now playing: art ${left.toFixed(1)} px from the left, ${right.toFixed(1)} px from the right`);
        assert.ok(Math.abs(art.width - art.height) <= 1 && art.width > 100, `the art is a square (${art.width} x ${art.height})`);
      }
      await screenshot(page, `phone-${view}`);
      await page.close();
    }
  });

  // Last of the captures: a file output writes a new numbered file when the format changes (the
  // verify's 24/96 after the albums' 16/44.1 goes to out-2.wav), so it comes after the tests that read out.wav.
  test('settings: Verify plays the test signal into the file: output and shows bit-perfect, the negotiated format and the bytes compared', async () => {
    const page = await open('settings');
    await page.selectOption('select[aria-label="Test signal"]', { label: '24-bit / 96 kHz' });
    await page.click('[data-testid=verify]');
    await page.waitForSelector('[data-testid=verify-result]', { timeout: 30_000 });
    assert.equal(await page.getAttribute('[data-testid=verify-result]', 'data-bit-perfect'), 'true');
    assert.match((await page.textContent('[data-testid=verify-summary]'))!, /^Verified bit-perfect: the 24-bit\/96000 Hz test signal reached .* \(exclusive, S24_3LE\) unchanged/);
    // The capture file holds what the page says: the bytes of a 24/96 stereo WAV of one second. (The
    // file output started a numbered file beside out.wav if an earlier test left another format there.)
    const file = (await page.textContent('[data-testid=verify-capture] code'))!;
    assert.match(path.basename(file), /^out(-\d+)?\.wav$/);
    assert.equal(path.dirname(file), path.dirname(capture));
    const written = readFileSync(file);
    assert.equal((await page.textContent('[data-testid=verify-capture]'))!, `File ${file}: ${written.length} bytes compared with the test signal, all equal.`);
    const wav = wavData(file);
    assert.deepEqual([wav.bits, wav.rate, wav.channels, wav.data.length], [24, 96000, 2, 96000 * 2 * 3]);
    assert.equal(await page.getAttribute('[data-testid=verify-result] .signal-path .verdict', 'data-verdict'), 'bit-perfect');
    assert.match((await page.textContent('[data-testid=verify-result] [data-testid=proof]'))!, /MD5/);
    assert.match((await page.textContent('[data-testid=verify-result]'))!, /24-bit, 96 kHz, 2 ch/);
    await screenshot(page, 'settings-verify');
    // Another output verified without selecting it: the unpaced null output, no file to compare.
    await page.selectOption('select[aria-label="Output to verify"]', 'null:unpaced');
    await page.click('[data-testid=verify]');
    await page.waitForFunction(() => /null:unpaced/.test(document.querySelector('[data-testid=verify-summary]')?.textContent ?? ''));
    assert.equal(await page.getAttribute('[data-testid=verify-result]', 'data-bit-perfect'), 'true');
    assert.equal(await page.isVisible('[data-testid=verify-capture]'), false);
    assert.equal((await apiCall<{ output: { name: string } }>(app, 'GET', '/api/settings')).output.name, `file:${capture}`, 'the output in use is unchanged');
    await page.close();
  });

  test('no page error or console error in any of the above', () => {
    // A failed request shows here with its address.
    assert.deepEqual(browser.errors, []);
  });
});
