// Run by crash.test.ts as its own process: scans the library of argv[2] (adding the folder argv[3]
// first when the library has none) and prints each progress event as a line, so the test can
// kill it (SIGKILL) in the middle of a scan.

import { LibraryService } from '../../src/core/library.ts';

const [dataDir, music] = process.argv.slice(2) as [string, string];
const service = new LibraryService({ dataDir, tagReaders: 1 });
service.on((e) => {
  if (e.type === 'scan-progress') process.stdout.write(`${e.progress.phase} ${e.progress.read}/${e.progress.toRead}\n`);
});
if (service.library.roots().length === 0) await service.addRoot(music);
const [r] = await service.scan();
process.stdout.write(`done ${JSON.stringify(r)}\n`);
await service.close();
