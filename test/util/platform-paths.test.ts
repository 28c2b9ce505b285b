import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aurisFolders, comparablePath, isAbsolutePath, isInsideRoot, windowsRoot } from '../../src/util/platform-paths.ts';

test('Windows folders: config and data in %APPDATA%\\Auris, cache in %LOCALAPPDATA%, music in the profile', () => {
  const env = { APPDATA: 'C:\\Users\\Ann\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\Ann\\AppData\\Local', USERPROFILE: 'C:\\Users\\Ann' };
  assert.deepEqual(aurisFolders('win32', env), {
    config: 'C:\\Users\\Ann\\AppData\\Roaming\\Auris',
    data: 'C:\\Users\\Ann\\AppData\\Roaming\\Auris',
    cache: 'C:\\Users\\Ann\\AppData\\Local\\Auris\\Cache',
    music: 'C:\\Users\\Ann\\Music',
  });
  // A roaming profile on a share, and no APPDATA at all: derived from USERPROFILE.
  assert.equal(aurisFolders('win32', { APPDATA: '\\\\fs1\\profiles\\ann\\AppData\\Roaming', USERPROFILE: 'D:\\ann' }).config, '\\\\fs1\\profiles\\ann\\AppData\\Roaming\\Auris');
  assert.equal(aurisFolders('win32', { USERPROFILE: 'D:\\ann' }).data, 'D:\\ann\\AppData\\Roaming\\Auris');
  // A relative APPDATA is not trusted.
  assert.equal(aurisFolders('win32', { APPDATA: 'Roaming', USERPROFILE: 'D:\\ann' }).config, 'D:\\ann\\AppData\\Roaming\\Auris');
});

test('Linux folders follow XDG (relative values ignored), macOS uses Library', () => {
  assert.deepEqual(aurisFolders('posix', { HOME: '/home/ann' }), {
    config: '/home/ann/.config/auris', data: '/home/ann/.local/share/auris', cache: '/home/ann/.cache/auris', music: '/home/ann/Music',
  });
  const xdg = aurisFolders('posix', { HOME: '/home/ann', XDG_CONFIG_HOME: '/cfg', XDG_DATA_HOME: 'rel/data', XDG_MUSIC_DIR: '/srv/music' });
  assert.equal(xdg.config, '/cfg/auris');
  assert.equal(xdg.data, '/home/ann/.local/share/auris');
  assert.equal(xdg.music, '/srv/music');
  assert.equal(aurisFolders('darwin', { HOME: '/Users/ann' }).data, '/Users/ann/Library/Application Support/Auris');
});

test('Windows roots: drive letters, UNC shares and their \\\\?\\ long forms; relative forms have none', () => {
  assert.deepEqual(windowsRoot('c:\\Music\\a.flac'), { kind: 'drive', drive: 'C', rest: 'Music\\a.flac' });
  assert.deepEqual(windowsRoot('D:/Music/a.flac'), { kind: 'drive', drive: 'D', rest: 'Music\\a.flac' });
  assert.deepEqual(windowsRoot('\\\\nas\\music\\Album\\01.flac'), { kind: 'unc', server: 'nas', share: 'music', rest: 'Album\\01.flac' });
  assert.deepEqual(windowsRoot('//nas/music'), { kind: 'unc', server: 'nas', share: 'music', rest: '' });
  assert.deepEqual(windowsRoot('\\\\?\\C:\\very\\long'), { kind: 'drive', drive: 'C', rest: 'very\\long' });
  assert.deepEqual(windowsRoot('\\\\?\\UNC\\nas\\music\\x'), { kind: 'unc', server: 'nas', share: 'music', rest: 'x' });
  for (const p of ['C:music', 'music\\a.flac', '\\music', '\\\\nas', '\\\\.\\pipe', '']) assert.equal(windowsRoot(p), null, p);
  assert.equal(isAbsolutePath('\\\\nas\\music', 'win32'), true);
  assert.equal(isAbsolutePath('/home/ann', 'win32'), false);
  assert.equal(isAbsolutePath('/home/ann', 'posix'), true);
  assert.equal(isAbsolutePath('C:\\x', 'posix'), false);
});

test('containment resolves .., ignores case on Windows, and equates \\\\?\\ forms with plain ones', () => {
  assert.equal(isInsideRoot('C:\\Music\\Album\\01.flac', 'c:\\music', 'win32'), true);
  assert.equal(isInsideRoot('C:\\Music', 'C:\\Music\\', 'win32'), true);
  assert.equal(isInsideRoot('C:\\Music\\..\\Windows\\win.ini', 'C:\\Music', 'win32'), false);
  assert.equal(isInsideRoot('C:\\Musical\\x.flac', 'C:\\Music', 'win32'), false);
  assert.equal(isInsideRoot('D:\\Music\\x.flac', 'C:\\Music', 'win32'), false);
  assert.equal(isInsideRoot('\\\\?\\C:\\Music\\x.flac', 'C:\\Music', 'win32'), true);
  assert.equal(isInsideRoot('\\\\NAS\\Music\\Album\\x.flac', '\\\\nas\\music', 'win32'), true);
  assert.equal(isInsideRoot('\\\\?\\UNC\\nas\\music\\x.flac', '//nas/music/', 'win32'), true);
  assert.equal(isInsideRoot('\\\\nas\\other\\x.flac', '\\\\nas\\music', 'win32'), false);
  assert.equal(isInsideRoot('\\\\nas\\music\\..\\..\\other\\x', '\\\\nas\\music', 'win32'), true, '.. cannot climb above a share root');
  assert.equal(isInsideRoot('E:\\anything', 'E:\\', 'win32'), true);
  assert.equal(isInsideRoot('Music\\x.flac', 'C:\\Music', 'win32'), false);
  assert.equal(isInsideRoot('/srv/music/a/../b.flac', '/srv/music', 'posix'), true);
  assert.equal(isInsideRoot('/srv/music/../etc/passwd', '/srv/music', 'posix'), false);
  assert.equal(isInsideRoot('/srv/Music/x', '/srv/music', 'posix'), false, 'POSIX names are case-sensitive');
  assert.equal(comparablePath('C:\\A\\.\\b\\', 'win32'), 'c:\\a\\b');
});
