// grader/watch/loop.ts — `make watch`: re-grade when a file in assignments/ is saved.
//
// Speed comes from grading only what a save can change: the saved file's step and the steps
// whose files import it (students may import their own earlier steps). Training (06) takes
// seconds, so it runs only when 01–05 all pass and the files changed since it last ran.
// Changes are seen with fs.watch on the folder (editors replace files, which breaks watchers
// on the files themselves), or by polling where fs.watch fails or misses events: `--poll`,
// fs.watch throwing, and WSL's /mnt drives (inotify does not see edits made from Windows).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { release } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { grade } from '../engine.ts';
import { readFolder } from '../intake.ts';
import type { Oracle } from '../oracle.ts';
import { COURSE } from '../course.ts';
import { RUBRIC, STEP_FILES, STEP_IDS } from '../rubric.ts';
import { chooseOracle } from '../setup.ts';
import type { Lang, StepId } from '../types.ts';
import { currentStep, renderWatch, type WatchMode, type WatchState } from './screen.ts';

export interface WatchOptions {
  /** The submission: a folder that holds assignments/ (or the five files). */
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
  oracle?: Oracle;
  onGraded?: (state: WatchState) => void;
  /** Called after `q` (or Ctrl-C) closed the loop. */
  onQuit?: () => void;
  /** Injected in tests to simulate a platform where fs.watch fails. */
  watchFn?: typeof fsWatch;
}

export interface Watch {
  readonly state: WatchState;
  /** Grade these steps (default: 01–05 and training); resolves when grading is idle. */
  regrade(steps?: StepId[]): Promise<void>;
  /** Stop watching and reading keys; resolves once a grading run in flight has finished. */
  close(): Promise<void>;
  /** Press a key, as if typed. */
  key(k: string): void;
}

/** The steps with a file of their own; the program step (training) runs when they all pass. */
const LESSON_STEPS = COURSE.codeSteps.map(s => s.id);
const PROGRAM_STEPS = COURSE.steps.filter(s => s.program).map(s => s.id);
const FILE_STEP = new Map<string, StepId>(LESSON_STEPS.map(s => [STEP_FILES[s], s]));
const PUBLIC_POINTS = RUBRIC.filter(e => e.visibility === 'public').reduce((a, e) => a + e.points, 0);
// Clear screen and scrollback, cursor home: each run replaces the last, like rustlings.
const CLEAR = '\x1b[2J\x1b[3J\x1b[H';

/** Where inotify misses changes: WSL's Windows drives under /mnt. */
export function pollingReason(dir: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform, kernel = release()): string | undefined {
  const wsl = platform === 'linux' && (/microsoft/i.test(kernel) || !!env.WSL_DISTRO_NAME);
  return wsl && /^\/mnt\/[a-z]\//i.test(`${dir}/`) ? 'WSL /mnt' : undefined;
}

/** mtime, size and content hash of each of the five files (content catches same-second saves). */
export function fingerprints(base: string): Map<string, { fp: string; text: string }> {
  const out = new Map<string, { fp: string; text: string }>();
  for (const file of FILE_STEP.keys()) {
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

/** The steps a change to `changed` can affect: their own, and every step importing them. */
export function affectedSteps(changed: Iterable<string>, sources: Map<string, { text: string }>): StepId[] {
  const imports = new Map<string, string[]>();
  for (const [file, { text }] of sources) {
    imports.set(file, [...text.matchAll(/['"]\.\/([\w-]+?)(?:\.ts|\.js|\.mjs)?['"]/g)].map(m => `${m[1]}.ts`).filter(f => FILE_STEP.has(f)));
  }
  const hit = new Set(changed);
  for (let grew = true; grew;) {
    grew = false;
    for (const [file, deps] of imports) {
      if (!hit.has(file) && deps.some(d => hit.has(d))) { hit.add(file); grew = true; }
    }
  }
  return LESSON_STEPS.filter(s => hit.has(STEP_FILES[s]));
}

export async function createWatch(opts: WatchOptions): Promise<Watch> {
  const dir = resolve(opts.dir);
  const base = existsSync(join(dir, 'assignments')) ? join(dir, 'assignments') : dir;
  const oracle = opts.oracle ?? await chooseOracle();
  const tty = !!(opts.out as { isTTY?: boolean }).isTTY;
  const color = opts.color ?? tty;
  const state: WatchState = {
    verdicts: {}, passed: 0, score: 0, maxScore: PUBLIC_POINTS, training: 'waiting',
    showHint: false, showAll: false, mode: 'fs.watch', runs: 0, busy: false, closed: false, screen: '',
    lineInput: !(opts.input as { isTTY?: boolean }).isTTY,
  };

  const draw = () => {
    state.screen = renderWatch(state, { lang: opts.lang, color });
    if (!state.closed) opts.out.write(`${tty ? CLEAR : '\n'}${state.screen}\n`);
  };

  // ── grading: one run at a time; saves during a run are collected for the next one ────────
  let known = fingerprints(base);
  let trainedOn: string | undefined;  // the five fingerprints training last ran on
  const pending = new Set<StepId>();
  let forceTraining = false;
  let running: Promise<void> | undefined;
  const filesKey = () => [...known.values()].map(f => f.fp).join('|');

  const gradeSteps = async (steps: StepId[]) => {
    const report = await grade(readFolder(dir), { oracle, steps });
    for (const s of steps) state.verdicts[s] = report.verdicts.filter(v => v.step === s);
  };

  const tally = () => {
    state.passed = LESSON_STEPS.filter(s => state.verdicts[s]?.every(v => v.status === 'passed')).length;
    state.current = currentStep(state.verdicts);
    state.score = STEP_IDS.flatMap(s => state.verdicts[s] ?? []).reduce((a, v) => a + v.points, 0);
  };

  /** Grade the saved steps, then training if 01–05 all pass and it is out of date. */
  const gradeRun = async (steps: StepId[], force: boolean, graded: StepId[]) => {
    if (steps.length > 0) await gradeSteps(steps);
    tally();
    if (PROGRAM_STEPS.length === 0) return;
    if (state.passed < LESSON_STEPS.length) {
      // A training result for other files says nothing about these ones.
      for (const s of PROGRAM_STEPS) delete state.verdicts[s];
      state.training = 'waiting';
      trainedOn = undefined;
    } else if (force || trainedOn !== filesKey()) {
      state.training = 'running';
      trainedOn = filesKey();
      draw();
      await gradeSteps(PROGRAM_STEPS);
      graded.push(...PROGRAM_STEPS);
      state.training = 'graded';
      tally();
    }
  };

  const drain = async () => {
    while ((pending.size > 0 || forceTraining) && !state.closed) {
      const steps = LESSON_STEPS.filter(s => pending.has(s));
      const force = forceTraining;
      pending.clear();
      forceTraining = false;
      state.busy = true;
      const t0 = performance.now();
      const graded = [...steps];
      try {
        await gradeRun(steps, force, graded);
        state.error = undefined;
      } catch (err) {
        // A failure of the grader itself (not of the submission): say so and keep watching.
        state.error = err instanceof Error ? err.message : String(err);
        if (state.training === 'running') { state.training = 'waiting'; trainedOn = undefined; }
      }
      state.last = { steps: graded, seconds: (performance.now() - t0) / 1000 };
      state.busy = pending.size > 0 || forceTraining;
      state.runs++;
      draw();
      opts.onGraded?.(state);
    }
    state.busy = false;
  };

  const schedule = (steps: readonly StepId[], training = false): Promise<void> => {
    for (const s of steps) pending.add(s);
    forceTraining ||= training;
    running ??= drain().finally(() => { running = undefined; });
    return running;
  };

  // ── noticing saves ───────────────────────────────────────────────────────────────────────
  const check = () => {
    if (state.closed) return;
    const now = fingerprints(base);
    const changed = [...now.keys()].filter(f => now.get(f)!.fp !== known.get(f)?.fp);
    known = now;
    if (changed.length > 0) void schedule(affectedSteps(changed, now));
  };

  let watcher: FSWatcher | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let debounce: NodeJS.Timeout | undefined;
  const startPolling = (why?: string) => {
    watcher?.close();
    watcher = undefined;
    state.mode = 'poll';
    state.modeReason = why;
    pollTimer ??= setInterval(check, opts.intervalMs ?? 500);
  };
  const auto = opts.poll ? '--poll' : pollingReason(base);
  if (auto) startPolling(opts.poll ? undefined : auto);
  else {
    try {
      watcher = (opts.watchFn ?? fsWatch)(base, (_event, file) => {
        if (file && !FILE_STEP.has(String(file))) return;
        clearTimeout(debounce);
        debounce = setTimeout(check, opts.debounceMs ?? 150);
      });
      watcher.on('error', err => startPolling(`fs.watch: ${err.message}`));
    } catch (err) {
      startPolling(`fs.watch: ${(err as Error).message}`);
    }
  }

  // ── keys: raw single keys on a terminal, lines otherwise (pipes, tests, some IDE consoles)
  const raw = !state.lineInput && typeof (opts.input as { setRawMode?: unknown }).setRawMode === 'function';
  let lines: Interface | undefined;
  const onData = (chunk: Buffer | string) => { for (const ch of chunk.toString()) key(ch); };
  if (raw) {
    (opts.input as NodeJS.ReadStream).setRawMode(true);
    opts.input.on('data', onData);
    opts.input.resume();
  } else {
    lines = createInterface({ input: opts.input });
    lines.on('line', line => key(line.trim().charAt(0)));
  }

  function key(k: string): void {
    if (state.closed) return;
    switch (k.toLowerCase()) {
      case 'r': void schedule(LESSON_STEPS, true); draw(); break;
      case 'h': state.showHint = !state.showHint; draw(); break;
      case 'a': state.showAll = !state.showAll; draw(); break;
      case 'q': case '\x03':
        if (state.busy) opts.out.write(opts.lang === 'ja' ? '採点の終了を待って終わります…\n' : 'finishing the run in flight, then quitting…\n');
        void close().then(() => opts.onQuit?.());
        break;
    }
  }

  async function close(): Promise<void> {
    if (!state.closed) {
      state.closed = true;
      pending.clear();
      watcher?.close();
      clearInterval(pollTimer);
      clearTimeout(debounce);
      if (raw) {
        opts.input.off('data', onData);
        (opts.input as NodeJS.ReadStream).setRawMode(false);
        opts.input.pause();
      }
      lines?.close();
    }
    // The engine has no way to abort a grade: wait for it, so no sandbox child outlives us.
    await running;
    // fs.watch releases its handle in the event loop's close phase, after this turn.
    await new Promise(r => setTimeout(r, 0));
  }

  const regrade = (steps: StepId[] = [...LESSON_STEPS]) => schedule(steps.filter(s => !PROGRAM_STEPS.includes(s)), true);

  const first = regrade();
  if (tty) draw();  // "grading…" while the first run goes
  await first;
  return { state, regrade, close, key };
}
