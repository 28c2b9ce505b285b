// The Auris side of bench/mpd.bench.ts, in its own process as MPD is: a core with its library on
// the given music folder (scanned), and the MPD frontend on a free loopback port. Prints
// "PORT <n>" when ready; stops on SIGTERM.

import path from 'node:path';
import { startCore } from '../src/core/index.ts';
import { startMpdFrontend } from '../src/mpd/index.ts';

const [music, dataDir] = process.argv.slice(2) as [string, string];
const core = await startCore({ dataDir, settingsFile: path.join(dataDir, 'settings.json'), settings: { output: { name: 'null' } }, library: true });
const root = core.library!.library.roots()[0] ?? (await core.library!.addRoot(music));
await core.library!.scan({ rootId: root.id });
const fe = await startMpdFrontend(core, { port: 0 });
process.stdout.write(`PORT ${fe.port}\n`);
process.once('SIGTERM', () => {
  void fe.close().then(() => core.close()).then(() => process.exit(0));
});
