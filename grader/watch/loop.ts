// grader/watch/loop.ts — `make watch`: re-grade when a file in assignments/ is saved.
//
// Wiring only: the event sources (sources.ts: file watcher or poller, keys) emit into one
// dispatcher (core.ts), which decides what to grade and when, and draws the screen (screen.ts).
// Grading is the engine on the submission folder unless `grade` is given (tests pass a fake).
import { existsSync } from 'node:fs';
import type { watch as fsWatch } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { grade } from '../engine.ts';
import { readFolder } from '../intake.ts';
import type { Oracle } from '../oracle.ts';
import { chooseOracle } from '../setup.ts';
import type { Lang, StepId } from '../types.ts';
import { CODE_STEPS, createDispatcher, type Grader } from './core.ts';
import type { WatchState } from './screen.ts';
import { fingerprints, isLineInput, readKeys, watchFiles, type Source } from './sources.ts';

export interface WatchOptions {
  /** The submission: a folder that holds assignments/ (or the step files themselves). */
  dir: string;
  lang: Lang;
  out: Writable;
  input: Readable;
  /** Poll instead of fs.watch. */
  poll?: boolean;
  intervalMs?: number;
  /** Editors save in several writes; wait this long after the last event. */
  debounceMs?: number;
  color?: boolean;
  /** For the default grader; chosen by `chooseOracle()` when absent. */
  oracle?: Oracle;
  /** Grades steps of the submission (default: the engine on `dir`); tests pass a fake. */
  grade?: Grader;
  onGraded?: (state: WatchState) => void;
  /** Called after `q` (or Ctrl-C) closed the loop. */
  onQuit?: () => void;
  /** Injected in tests to simulate a platform where fs.watch fails. */
  watchFn?: typeof fsWatch;
}

export interface Watch {
  readonly state: WatchState;
  /** Grade these steps (default: every code step, then training); resolves when grading is idle. */
  regrade(steps?: StepId[]): Promise<void>;
  /** Stop watching and reading keys; resolves once a grading run in flight has finished. */
  close(): Promise<void>;
  /** Press a key, as if typed. */
  key(k: string): void;
}

/** The real grader: the engine on the folder as it is now, public checks only. */
export async function engineGrader(dir: string, oracle?: Oracle): Promise<Grader> {
  const o = oracle ?? await chooseOracle();
  return async steps => (await grade(readFolder(dir), { oracle: o, steps: [...steps] })).verdicts;
}

export async function createWatch(opts: WatchOptions): Promise<Watch> {
  const dir = resolve(opts.dir);
  const base = existsSync(join(dir, 'assignments')) ? join(dir, 'assignments') : dir;
  const gradeSteps = opts.grade ?? await engineGrader(dir, opts.oracle);
  const tty = !!(opts.out as { isTTY?: boolean }).isTTY;

  let sources: Source[] = [];
  const d = createDispatcher({
    grade: gradeSteps, files: fingerprints(base), lang: opts.lang, out: opts.out, tty, color: opts.color,
    lineInput: isLineInput(opts.input), onGraded: opts.onGraded, onQuit: opts.onQuit,
    stop: () => { for (const s of sources) s.close(); },
  });
  sources = [
    watchFiles({ base, emit: d.dispatch, poll: opts.poll, intervalMs: opts.intervalMs, debounceMs: opts.debounceMs, watchFn: opts.watchFn }),
    readKeys(opts.input, d.dispatch),
  ];

  const regrade = (steps: StepId[] = [...CODE_STEPS]) => { d.dispatch({ type: 'regrade', steps }); return d.idle(); };
  const close = () => { d.dispatch({ type: 'close' }); return d.settled(); };
  const key = (k: string) => d.dispatch({ type: 'key', key: k });

  const first = regrade();
  if (tty) d.draw();  // "grading…" while the first run goes
  await first;
  return { state: d.state, regrade, close, key };
}
