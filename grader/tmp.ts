// grader/tmp.ts — the grader's temporary folders (compiled runtime, sandboxes, fault variants),
// removed however the process ends: normal end, process.exit, an uncaught exception (Node emits
// 'exit' for those too), SIGINT, SIGTERM, SIGHUP. Only SIGKILL leaves them behind. Other things
// to undo on the way out (sandbox children still running) register with atExit().
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set<string>();
const hooks = new Set<() => void>();
let installed = false;

/** Run `fn` (synchronous, quick) when the process ends, however it ends, SIGKILL aside. */
export function atExit(fn: () => void): void {
  install();
  hooks.add(fn);
}

/** A new folder `<tmpdir>/<prefix>XXXXXX`, removed when the process ends. */
export function makeTempDir(prefix: string): string {
  install();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** Remove one folder now (and forget it). */
export function removeTempDir(dir: string): void {
  dirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Run the atExit hooks and remove every folder still registered; never throws. */
export function cleanUp(): void {
  for (const fn of hooks) {
    try { fn(); } catch { /* the others still run */ }
  }
  for (const dir of dirs) {
    try { rmSync(dir, { recursive: true, force: true }); } catch { /* nothing more to do while exiting */ }
  }
  dirs.clear();
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (batch stops its sandboxes and exits with 128+n; watch
  // quits after the run in flight): they decide how the process ends, and 'exit' cleans up.
  if (process.listenerCount(signal) > 1) return;
  cleanUp();
  // End the way the signal would have without us: the parent sees "killed by SIGTERM".
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  try {
    process.kill(process.pid, signal);
  } catch {
    process.exit(128 + (constants.signals[signal] ?? 1)); // where a signal cannot be re-raised (Windows)
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanUp);
  // First in line, so that a `process.once` handler registered elsewhere is still counted.
  for (const s of SIGNALS) process.prependListener(s, onSignal);
}
