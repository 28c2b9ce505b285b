// External tools in tests (flac, sox, ffmpeg, ...). Locally a missing tool skips the test with a
// printed reason; with AURIS_REQUIRE_TOOLS=1 (set by .ci/run) a missing tool fails it instead.

import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

const found = new Map<string, boolean>();

export function hasTool(name: string): boolean {
  let ok = found.get(name);
  if (ok === undefined) {
    ok = spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
    found.set(name, ok);
  }
  return ok;
}

export const toolsRequired = process.env.AURIS_REQUIRE_TOOLS === '1';

/**
 * True when every tool is there. Otherwise: fails the test when tools are required (CI), or marks
 * it skipped with the reason and returns false, so the test returns early.
 */
export function needTools(t: TestContext, ...names: string[]): boolean {
  const missing = names.filter((n) => !hasTool(n));
  if (missing.length === 0) return true;
  const why = `needs ${missing.join(', ')} (install: see .ci/run)`;
  if (toolsRequired) throw new Error(`AURIS_REQUIRE_TOOLS=1 and ${why}`);
  t.skip(why);
  return false;
}

/** Runs a tool and returns its stdout; throws with its stderr when it fails. */
export function run(cmd: string, args: string[], opts: { input?: Uint8Array; cwd?: string } = {}): Buffer {
  const r = spawnSync(cmd, args, { input: opts.input, cwd: opts.cwd, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr?.toString().slice(0, 2000)}`);
  return r.stdout;
}

/** Debian's python3, for which Debian's python3-* modules are installed (not another python on the PATH). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/**
 * True when Debian's python3 imports `module`; otherwise fails the test when tools are required,
 * or marks it skipped naming the Debian package (`debPackage`) to install.
 */
export function needPythonModule(t: TestContext, module: string, debPackage: string): boolean {
  const key = `python3:${module}`;
  let ok = found.get(key);
  if (ok === undefined) {
    ok = spawnSync(DEBIAN_PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
    found.set(key, ok);
  }
  if (ok) return true;
  const why = `needs ${debPackage} for ${DEBIAN_PYTHON} (apt install ${debPackage})`;
  if (toolsRequired) throw new Error(`AURIS_REQUIRE_TOOLS=1 and ${why}`);
  t.skip(why);
  return false;
}
