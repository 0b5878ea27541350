// grader/watch/core.ts — the watch loop's one decision-maker: state + event → actions.
//
// Every source (file watcher, poller, keys, the programmatic API, the grader's answers) only
// emits events; `reduce` alone decides what happens, and `createDispatcher` carries its actions
// out (grade, draw, stop the sources, quit). Grading is a function given in the options, so the
// whole loop runs in tests without files, terminals, timers or sandbox children.
//
// Speed comes from grading only what a save can change: the saved file's step and the steps
// whose files import it (students may import their own earlier steps). A program step
// (training) takes seconds, so it runs only when every code step passes and the files changed
// since it last ran (or on `r`). One run at a time; saves during a run are collected for the
// next one.
import type { Writable } from 'node:stream';
import { COURSE } from '../course.ts';
import { RUBRIC, STEP_FILES, STEP_IDS } from '../rubric.ts';
import type { Lang, Msg, StepId, Verdict } from '../types.ts';
import { currentStep, QUITTING, renderWatch, type WatchMode, type WatchState } from './screen.ts';

/** Fingerprint and text of each step file, as a file source last read them ('missing' when absent). */
export type Snapshot = ReadonlyMap<string, { fp: string; text: string }>;

/** Grades these steps of the submission: the engine by default, a fake in tests. */
export type Grader = (steps: readonly StepId[]) => Promise<readonly Verdict[]>;

export type WatchEvent =
  /** A file source read the step files (after a save, or on a polling tick). */
  | { type: 'files'; files: Snapshot }
  /** The file source chose, or fell back to, a way of noticing saves. */
  | { type: 'mode'; mode: WatchMode; reason?: string }
  | { type: 'key'; key: string }
  /** Grade these code steps, and the program step if they all pass (the API's `regrade`). */
  | { type: 'regrade'; steps: readonly StepId[] }
  /** The grader's answer to the last `grade` action. */
  | { type: 'graded'; verdicts: readonly Verdict[] }
  /** The grader itself failed (not the submission). */
  | { type: 'gradeFailed'; error: string }
  | { type: 'close' };

export type Action =
  | { type: 'grade'; steps: StepId[] }
  | { type: 'draw' }
  /** A line printed below the screen. */
  | { type: 'notice'; text: Msg }
  /** Stop every event source (watchers, timers, key input). */
  | { type: 'stop' }
  /** A run finished: the state is final for it. */
  | { type: 'ran' }
  /** Quit once the run in flight has finished. */
  | { type: 'quit' };

/** The steps with a file of their own, and the program steps that run when they all pass. */
export const CODE_STEPS: readonly StepId[] = COURSE.codeSteps.map(s => s.id);
export const PROGRAM_STEPS: readonly StepId[] = COURSE.steps.filter(s => s.program).map(s => s.id);
const FILE_STEP = new Map<string, StepId>(CODE_STEPS.map(s => [STEP_FILES[s], s]));
const PUBLIC_POINTS = RUBRIC.filter(e => e.visibility === 'public').reduce((a, e) => a + e.points, 0);

/** Whether `file` (a name inside assignments/) is one of the course's step files. */
export const isStepFile = (file: string): boolean => FILE_STEP.has(file);

/** The steps a change to `changed` can affect: their own, and every step importing them. */
export function affectedSteps(changed: Iterable<string>, sources: ReadonlyMap<string, { text: string }>): StepId[] {
  const imports = new Map<string, string[]>();
  for (const [file, { text }] of sources) {
    imports.set(file, [...text.matchAll(/['"]\.\/([\w-]+?)(?:\.ts|\.js|\.mjs)?['"]/g)].map(m => `${m[1]}.ts`).filter(isStepFile));
  }
  const hit = new Set(changed);
  for (let grew = true; grew;) {
    grew = false;
    for (const [file, deps] of imports) {
      if (!hit.has(file) && deps.some(d => hit.has(d))) { hit.add(file); grew = true; }
    }
  }
  return CODE_STEPS.filter(s => hit.has(STEP_FILES[s]));
}

/** The run in flight: code steps first, then (maybe) the program step. */
interface Run {
  steps: StepId[];
  phase: 'code' | 'program';
  /** Training runs even on files it already ran on (`r`, the API's regrade). */
  force: boolean;
  /** What the status line lists: the steps this run graded. */
  graded: StepId[];
  t0: number;
  failed: boolean;
}

/** The screen's state plus what only the core needs. */
export interface Core {
  view: WatchState;
  /** The step files as last seen: what changed, and whether training is out of date. */
  files: Snapshot;
  /** Steps saved since the run in flight started. */
  pending: Set<StepId>;
  forceTraining: boolean;
  /** The files training last ran on. */
  trainedOn?: string;
  run?: Run;
}

export function initialCore(files: Snapshot, opts: { lineInput: boolean; mode?: WatchMode; modeReason?: string }): Core {
  return {
    view: {
      verdicts: {}, passed: 0, score: 0, maxScore: PUBLIC_POINTS, training: 'waiting',
      showHint: false, showAll: false, mode: opts.mode ?? 'fs.watch', modeReason: opts.modeReason,
      runs: 0, busy: false, closed: false, screen: '', lineInput: opts.lineInput,
    },
    files, pending: new Set(), forceTraining: false,
  };
}

const DRAW: Action = { type: 'draw' };
const filesKey = (files: Snapshot) => [...files.values()].map(f => f.fp).join('|');
const passes = (vs: readonly Verdict[] | undefined) => !!vs && vs.every(v => v.status === 'passed');

function tally(s: WatchState): void {
  s.passed = CODE_STEPS.filter(x => passes(s.verdicts[x])).length;
  s.current = currentStep(s.verdicts);
  s.score = STEP_IDS.flatMap(x => s.verdicts[x] ?? []).reduce((a, v) => a + v.points, 0);
}

/** Handles one event: updates `core` in place and returns what to do, in order. */
export function reduce(core: Core, event: WatchEvent, now: number): Action[] {
  const s = core.view;
  switch (event.type) {
    case 'files': {
      if (s.closed) return [];
      const changed = [...event.files.keys()].filter(f => event.files.get(f)!.fp !== core.files.get(f)?.fp);
      core.files = event.files;
      return changed.length > 0 ? request(core, affectedSteps(changed, event.files), false, now) : [];
    }
    case 'mode':
      s.mode = event.mode;
      s.modeReason = event.reason;
      return [];
    case 'key':
      return key(core, event.key, now);
    case 'regrade':
      return request(core, event.steps.filter(x => !PROGRAM_STEPS.includes(x)), true, now);
    case 'graded':
      return graded(core, event.verdicts, now);
    case 'gradeFailed': {
      if (!core.run) return [];
      s.error = event.error;
      core.run.failed = true;
      // A half-run training says nothing about these files: run it again next time.
      if (s.training === 'running') { s.training = 'waiting'; core.trainedOn = undefined; }
      return finish(core, now);
    }
    case 'close':
      return close(core);
  }
}

function key(core: Core, k: string, now: number): Action[] {
  const s = core.view;
  if (s.closed) return [];
  switch (k.toLowerCase()) {
    case 'r': return [...request(core, CODE_STEPS, true, now), DRAW];
    case 'h': s.showHint = !s.showHint; return [DRAW];
    case 'a': s.showAll = !s.showAll; return [DRAW];
    case 'q': case '\x03':
      return [...(s.busy ? [{ type: 'notice', text: QUITTING } as const] : []), ...close(core), { type: 'quit' }];
    default: return [];
  }
}

function close(core: Core): Action[] {
  if (core.view.closed) return [];
  core.view.closed = true;
  core.pending.clear();
  core.forceTraining = false;
  return [{ type: 'stop' }];
}

function request(core: Core, steps: readonly StepId[], training: boolean, now: number): Action[] {
  if (core.view.closed) return [];
  for (const x of steps) core.pending.add(x);
  core.forceTraining ||= training;
  return core.run ? [] : start(core, now);
}

function start(core: Core, now: number): Action[] {
  const s = core.view;
  if (s.closed || (core.pending.size === 0 && !core.forceTraining)) { s.busy = false; return []; }
  const steps = CODE_STEPS.filter(x => core.pending.has(x));
  core.run = { steps, phase: 'code', force: core.forceTraining, graded: [...steps], t0: now, failed: false };
  core.pending.clear();
  core.forceTraining = false;
  s.busy = true;
  return steps.length > 0 ? [{ type: 'grade', steps }] : afterCode(core, now);
}

function graded(core: Core, verdicts: readonly Verdict[], now: number): Action[] {
  const run = core.run, s = core.view;
  if (!run) return [];
  const steps = run.phase === 'code' ? run.steps : PROGRAM_STEPS;
  for (const x of steps) s.verdicts[x] = verdicts.filter(v => v.step === x);
  if (run.phase === 'code') return afterCode(core, now);
  run.graded.push(...PROGRAM_STEPS);
  s.training = 'graded';
  tally(s);
  return finish(core, now);
}

/** The code steps are graded: training next, if they all pass and it is out of date. */
function afterCode(core: Core, now: number): Action[] {
  const s = core.view, run = core.run!;
  tally(s);
  if (PROGRAM_STEPS.length === 0) return finish(core, now);
  if (s.passed < CODE_STEPS.length) {
    // A training result for other files says nothing about these ones.
    for (const x of PROGRAM_STEPS) delete s.verdicts[x];
    s.training = 'waiting';
    core.trainedOn = undefined;
    tally(s);  // the score no longer counts the dropped training points
    return finish(core, now);
  }
  const files = filesKey(core.files);
  if (!run.force && core.trainedOn === files) return finish(core, now);
  s.training = 'running';
  core.trainedOn = files;
  run.phase = 'program';
  return [DRAW, { type: 'grade', steps: [...PROGRAM_STEPS] }];
}

function finish(core: Core, now: number): Action[] {
  const s = core.view, run = core.run!;
  core.run = undefined;
  if (!run.failed) s.error = undefined;
  s.last = { steps: run.graded, seconds: (now - run.t0) / 1000 };
  s.busy = !s.closed && (core.pending.size > 0 || core.forceTraining);
  s.runs++;
  return [DRAW, { type: 'ran' }, ...start(core, now)];
}

// ── the dispatcher: one queue of events, the reducer, and the actions carried out ───────────

export interface DispatcherOptions {
  grade: Grader;
  /** The step files when watching starts. */
  files: Snapshot;
  lang: Lang;
  out: Writable;
  /** Clear the screen before each draw (a terminal) or just start a new block (a pipe). */
  tty: boolean;
  color?: boolean;
  lineInput: boolean;
  mode?: WatchMode;
  modeReason?: string;
  /** Stops the event sources (the `stop` action). */
  stop?: () => void;
  onGraded?: (state: WatchState) => void;
  onQuit?: () => void;
  /** Milliseconds, for the status line's timing. */
  now?: () => number;
}

export interface Dispatcher {
  readonly state: WatchState;
  dispatch(event: WatchEvent): void;
  /** Draws the screen now (the first "grading…" on a terminal). */
  draw(): void;
  /** Resolves when no run is in flight. */
  idle(): Promise<void>;
  /** Resolves once the run in flight has finished and closed handles are released. */
  settled(): Promise<void>;
}

// Clear screen and scrollback, cursor home: each run replaces the last, like rustlings.
const CLEAR = '\x1b[2J\x1b[3J\x1b[H';

export function createDispatcher(o: DispatcherOptions): Dispatcher {
  const core = initialCore(o.files, { lineInput: o.lineInput, mode: o.mode, modeReason: o.modeReason });
  const s = core.view;
  const now = o.now ?? (() => performance.now());
  const queue: WatchEvent[] = [];
  let dispatching = false;
  let waiters: (() => void)[] = [];

  const draw = () => {
    s.screen = renderWatch(s, { lang: o.lang, color: o.color ?? o.tty });
    if (!s.closed) o.out.write(`${o.tty ? CLEAR : '\n'}${s.screen}\n`);
  };
  const idle = () => core.run ? new Promise<void>(r => waiters.push(r)) : Promise.resolve();
  // The engine cannot abort a grade: wait for it, so no sandbox child outlives us. fs.watch
  // releases its handle in the event loop's close phase, after this turn.
  const settled = async () => { await idle(); await new Promise(r => setTimeout(r, 0)); };

  const perform = (a: Action) => {
    switch (a.type) {
      case 'grade':
        // A grader that throws synchronously fails the run like one that rejects.
        new Promise<readonly Verdict[]>(r => r(o.grade(a.steps))).then(
          verdicts => dispatch({ type: 'graded', verdicts }),
          err => dispatch({ type: 'gradeFailed', error: err instanceof Error ? err.message : String(err) }));
        break;
      case 'draw': draw(); break;
      case 'notice': o.out.write(`${a.text[o.lang]}\n`); break;
      case 'stop': o.stop?.(); break;
      case 'ran': o.onGraded?.(s); break;
      case 'quit': void settled().then(() => o.onQuit?.()); break;
    }
  };

  function dispatch(event: WatchEvent): void {
    // Events raised while an action runs wait their turn: the reducer sees one at a time.
    queue.push(event);
    if (dispatching) return;
    dispatching = true;
    try {
      for (let e = queue.shift(); e; e = queue.shift()) for (const a of reduce(core, e, now())) perform(a);
    } finally {
      dispatching = false;
      // Even after a throwing callback, whoever waits for the end of a run is told.
      if (!core.run) { const w = waiters; waiters = []; for (const f of w) f(); }
    }
  }

  return { state: s, dispatch, draw, idle, settled };
}
