// grader/watch/sources.ts — the watch loop's event sources: small producers that only emit
// events into the dispatcher (core.ts) and know nothing of grading or the screen.
//
// Saves are seen with fs.watch on the folder (editors replace files, which breaks watchers on
// the files themselves), or by polling on a timer where fs.watch fails or misses events:
// `--poll`, fs.watch throwing or reporting an error, and WSL's /mnt drives (inotify does not see
// edits made from Windows). Keys come as single keys from a raw terminal, or as lines (pipes,
// tests, some IDE consoles).
import { createHash } from 'node:crypto';
import { readFileSync, statSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { COURSE } from '../course.ts';
import { isStepFile, type Snapshot, type WatchEvent } from './core.ts';

export type Emit = (event: WatchEvent) => void;
export interface Source { close(): void }

/** Where inotify misses changes: WSL's Windows drives under /mnt. */
export function pollingReason(dir: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform, kernel = release()): string | undefined {
  const wsl = platform === 'linux' && (/microsoft/i.test(kernel) || !!env.WSL_DISTRO_NAME);
  return wsl && /^\/mnt\/[a-z]\//i.test(`${dir}/`) ? 'WSL /mnt' : undefined;
}

/** mtime, size and content hash of each step file (content catches same-second saves). */
export function fingerprints(base: string): Snapshot {
  const out = new Map<string, { fp: string; text: string }>();
  for (const file of COURSE.files) {
    try {
      const st = statSync(join(base, file));
      const text = readFileSync(join(base, file), 'utf8');
      out.set(file, { fp: `${st.mtimeMs}:${st.size}:${createHash('sha1').update(text).digest('hex')}`, text });
    } catch {
      out.set(file, { fp: 'missing', text: '' });
    }
  }
  return out;
}

export interface FileSourceOptions {
  /** The folder that holds the step files. */
  base: string;
  emit: Emit;
  /** Poll instead of fs.watch. */
  poll?: boolean;
  intervalMs?: number;
  /** Editors save in several writes; wait this long after the last event. */
  debounceMs?: number;
  /** Injected in tests to simulate a platform where fs.watch fails. */
  watchFn?: typeof fsWatch;
  /** Reads the step files (default: `fingerprints(base)`). */
  read?: () => Snapshot;
}

/**
 * Emits a `files` event after each save (fs.watch, debounced) or on each polling tick, and a
 * `mode` event when it starts and when it falls back to polling.
 */
export function watchFiles(o: FileSourceOptions): Source {
  const read = o.read ?? (() => fingerprints(o.base));
  const look = () => { if (!closed) o.emit({ type: 'files', files: read() }); };
  let closed = false;
  let watcher: FSWatcher | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let debounce: NodeJS.Timeout | undefined;

  const startPolling = (reason?: string) => {
    watcher?.close();
    watcher = undefined;
    clearTimeout(debounce);
    if (closed) return;
    o.emit({ type: 'mode', mode: 'poll', reason });
    pollTimer ??= setInterval(look, o.intervalMs ?? 500);
  };

  const auto = o.poll ? undefined : pollingReason(o.base);
  if (o.poll || auto) startPolling(auto);
  else {
    try {
      watcher = (o.watchFn ?? fsWatch)(o.base, (_event, file) => {
        if (file && !isStepFile(String(file))) return;
        clearTimeout(debounce);
        debounce = setTimeout(look, o.debounceMs ?? 150);
      });
      watcher.on('error', err => startPolling(`fs.watch: ${err.message}`));
      o.emit({ type: 'mode', mode: 'fs.watch' });
    } catch (err) {
      startPolling(`fs.watch: ${(err as Error).message}`);
    }
  }

  return {
    close() {
      closed = true;
      watcher?.close();
      clearInterval(pollTimer);
      clearTimeout(debounce);
    },
  };
}

/** Keys are typed as lines when stdin is not a terminal. */
export const isLineInput = (input: Readable): boolean => !(input as { isTTY?: boolean }).isTTY;

/** Emits a `key` event per key: single keys in raw mode on a terminal, else the first character of each line. */
export function readKeys(input: Readable, emit: Emit): Source {
  const raw = !isLineInput(input) && typeof (input as { setRawMode?: unknown }).setRawMode === 'function';
  if (raw) {
    const onData = (chunk: Buffer | string) => { for (const ch of chunk.toString()) emit({ type: 'key', key: ch }); };
    (input as NodeJS.ReadStream).setRawMode(true);
    input.on('data', onData);
    input.resume();
    return {
      close() {
        input.off('data', onData);
        (input as NodeJS.ReadStream).setRawMode(false);
        input.pause();
      },
    };
  }
  const lines = createInterface({ input });
  lines.on('line', line => emit({ type: 'key', key: line.trim().charAt(0) }));
  return { close: () => lines.close() };
}
