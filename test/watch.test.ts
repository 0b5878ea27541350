// `make watch`. Most tests drive the dispatcher (grader/watch/core.ts) with made-up events and
// a fake grader that answers instantly with canned verdicts; the event sources run on real
// folders with the fake grader; one end-to-end test uses the real engine, fs.watch and line
// keys, to prove the wiring. Also the report's one-line "not implemented" steps and its "next:".
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS } from '../course/faults.ts';
import { COURSE, moduleOf } from '../grader/course.ts';
import type { GradeReport } from '../grader/engine.ts';
import { grade } from '../grader/engine.ts';
import { readFolder } from '../grader/intake.ts';
import type { Oracle } from '../grader/oracle.ts';
import { nextAction, notImplemented, renderTerminal } from '../grader/report/terminal.ts';
import { RUBRIC, STEP_FILES } from '../grader/rubric.ts';
import { liveOracle } from '../grader/setup.ts';
import { msg, type StepId, type Verdict } from '../grader/types.ts';
import {
  affectedSteps, CODE_STEPS, createDispatcher, initialCore, PROGRAM_STEPS, reduce,
  type DispatcherOptions, type Grader, type Snapshot,
} from '../grader/watch/core.ts';
import { createWatch, type Watch, type WatchOptions } from '../grader/watch/loop.ts';
import { progressBar } from '../grader/watch/screen.ts';
import { pollingReason } from '../grader/watch/sources.ts';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'lec4-watch-test-'));
let oracle: Oracle;
beforeAll(async () => { oracle = await liveOracle(); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const N = CODE_STEPS.length;
const PROGRAM = PROGRAM_STEPS[0];
const publicPoints = (steps: readonly StepId[]) =>
  RUBRIC.filter(e => e.visibility === 'public' && steps.includes(e.step)).reduce((a, e) => a + e.points, 0);

// ── canned verdicts and fake graders ──────────────────────────────────────────────────────
type Outcome = 'pass' | 'stub' | 'fault';

/** A catalogued mistake of the step, for a diagnosed failure. */
const faultOf = (step: StepId) => FAULTS.find(f => f.module === moduleOf(STEP_FILES[step]))!;

/** What the engine would say about a step: every public check passed, not implemented, or a known mistake. */
function verdictsOf(step: StepId, outcome: Outcome): Verdict[] {
  return RUBRIC.filter(e => e.step === step && e.visibility === 'public').map((e): Verdict => {
    const base = { id: e.id, step, visibility: e.visibility, title: e.title, maxPoints: e.points, seed: e.seed, seconds: 0 };
    if (outcome === 'pass') return { ...base, status: 'passed', points: e.points, messages: [] };
    if (outcome === 'stub') {
      const fn = e.fn ?? COURSE.step(step).functions[0]?.name ?? 'forward';
      return { ...base, status: 'error', points: 0, messages: [msg('未実装', `${fn}() is not implemented yet`)], missing: [fn] };
    }
    const f = faultOf(step);
    return { ...base, status: 'failed', points: 0, messages: [msg('…', 'delta1: 15 of 15 entries differ')], fault: { id: f.id, title: f.title, hint: f.hint } };
  });
}

/** Answers at once from `outcomes` (a step not listed is an untouched stub) and records each call. */
function fakeGrader(outcomes: Record<StepId, Outcome> = {}) {
  const calls: StepId[][] = [];
  const grade: Grader = async steps => {
    calls.push([...steps]);
    return steps.flatMap(s => verdictsOf(s, outcomes[s] ?? (COURSE.step(s).program ? 'pass' : 'stub')));
  };
  return { grade, calls, outcomes };
}

/** Answers only when the test says so: a run stays in flight while events arrive. */
function gatedGrader(outcomes: Record<StepId, Outcome> = {}) {
  const inner = fakeGrader(outcomes);
  const calls: StepId[][] = [];
  const gates: (() => void)[] = [];
  const grade: Grader = steps => {
    calls.push([...steps]);
    return new Promise(resolve => gates.push(() => resolve(inner.grade(steps))));
  };
  return { grade, calls, outcomes, open: () => gates.shift()!() };
}

/** The step files as a source would read them; `texts` gives the changed ones. */
function snap(texts: Record<string, string> = {}): Snapshot {
  return new Map(COURSE.files.map(f => [f, { fp: `fp:${texts[f] ?? 'stub'}`, text: texts[f] ?? '' }]));
}

/** A screen written into a string, synchronously. */
function sink() {
  let text = '';
  const out = { write: (s: string) => { text += s; return true; } } as unknown as Writable;
  return { out, text: () => text };
}

function harness(grader: { grade: Grader }, extra: Partial<DispatcherOptions> = {}) {
  const screen = sink();
  const d = createDispatcher({ grade: grader.grade, files: snap(), lang: 'en', out: screen.out, tty: false, lineInput: true, ...extra });
  return { d, s: d.state, output: screen.text };
}

/** Waits for a condition that a file source or grader brings about (real time, bounded). */
async function until(w: { state: { screen: string } }, what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; screen:\n${w.state.screen}\nresources: ${process.getActiveResourcesInfo().join(', ')}`);
    await new Promise(r => setTimeout(r, 25));
  }
}

/** Handles that would keep a process alive after `q`: timers, watchers, child processes. */
const handles = () => process.getActiveResourcesInfo().filter(r => /Timeout|FSEvent|StatWatcher|ProcessWrap/.test(r)).length;

describe('watch dispatcher (fake events, fake grader)', () => {
  it('the first run grades every code step; the screen shows the current step only, collapsed', async () => {
    const g = fakeGrader();
    const { d, s } = harness(g);
    d.dispatch({ type: 'regrade', steps: CODE_STEPS });
    expect(g.calls).toEqual([[...CODE_STEPS]]);
    expect(s.busy).toBe(true);
    await d.idle();
    expect(s.busy).toBe(false);
    expect(s.runs).toBe(1);
    expect(s.score).toBe(0);
    expect(s.passed).toBe(0);
    expect(s.current).toBe(CODE_STEPS[0]);
    expect(s.screen).toContain('Progress: [>');
    expect(s.screen).toContain(`0/${N}`);
    expect(s.screen).toContain('training (06): checked once 01–05 all pass');
    expect(s.screen).toMatch(/✗ 01 forward pass and losses +0\/17 +01_forward\.ts — not implemented yet/);
    expect(s.screen).not.toContain('02_backward.ts');
    expect(s.screen).toMatch(/next: implement .*forward\(\).* in 01_forward\.ts/);
    expect(s.screen).toContain('r re-run · h hint · a all steps · q quit (type the key, then Enter)');
  });

  it('a save regrades only what it can change: its step and the steps importing it', async () => {
    const g = fakeGrader();
    const { d, s } = harness(g, { now: () => 0 });
    await (d.dispatch({ type: 'regrade', steps: CODE_STEPS }), d.idle());
    g.outcomes['01'] = 'pass';
    const saved = snap({ '01_forward.ts': 'solution' });
    d.dispatch({ type: 'files', files: saved });
    await d.idle();
    expect(g.calls.at(-1)).toEqual(['01']);
    expect(s.last?.steps).toEqual(['01']);
    expect(s.passed).toBe(1);
    expect(s.score).toBe(publicPoints(['01']));
    expect(s.current).toBe('02');
    expect(s.screen).toContain(`Progress: ${progressBar(1, N)} 1/${N}`);
    expect(s.screen).toContain('02 backpropagation (δ)');
    expect(s.screen).toContain('next: implement backward() in 02_backward.ts');
    expect(s.screen).toContain('graded in 0.0 s: 01 17/17');

    // A tick that sees the same files grades nothing.
    const calls = g.calls.length, runs = s.runs;
    d.dispatch({ type: 'files', files: saved });
    await d.idle();
    expect(g.calls.length).toBe(calls);
    expect(s.runs).toBe(runs);

    // 02 imports 01: a save of 01 regrades both.
    const importing = snap({ '01_forward.ts': 'solution', '02_backward.ts': "import { sigmoid } from './01_forward.ts';" });
    d.dispatch({ type: 'files', files: importing });
    await d.idle();
    d.dispatch({ type: 'files', files: new Map([...importing, ['01_forward.ts', { fp: 'fp:edited', text: '' }]]) });
    await d.idle();
    expect(g.calls.at(-1)).toEqual(['01', '02']);
  });

  it('saves during a run are collected into the next run, and the screen says it is still grading', async () => {
    const g = gatedGrader();
    const { d, s } = harness(g);
    d.dispatch({ type: 'regrade', steps: CODE_STEPS });
    d.dispatch({ type: 'files', files: snap({ '03_sgd.ts': 'a' }) });
    d.dispatch({ type: 'files', files: snap({ '03_sgd.ts': 'a', '04_adam.ts': 'b' }) });
    expect(g.calls).toEqual([[...CODE_STEPS]]);  // one run at a time
    g.open();
    await until(d, 'the second run', () => g.calls.length === 2, 1000);
    expect(g.calls[1]).toEqual(['03', '04']);
    expect(s.runs).toBe(1);
    expect(s.busy).toBe(true);
    expect(s.screen).toContain('grading…');
    g.open();
    await d.idle();
    expect(s.runs).toBe(2);
    expect(s.busy).toBe(false);
    expect(s.last?.steps).toEqual(['03', '04']);
  });

  it('runs training once every code step passes, and only then; again when the files change or on r', async () => {
    const outcomes: Record<StepId, Outcome> = Object.fromEntries(CODE_STEPS.map(x => [x, 'pass']));
    outcomes['05'] = 'stub';
    const g = fakeGrader(outcomes);
    const { d, s, output } = harness(g);
    await (d.dispatch({ type: 'regrade', steps: CODE_STEPS }), d.idle());
    expect(s.training).toBe('waiting');
    expect(s.verdicts[PROGRAM]).toBeUndefined();
    expect(g.calls.flat()).not.toContain(PROGRAM);

    outcomes['05'] = 'pass';
    const done = snap({ '05_denoising.ts': 'solution' });
    d.dispatch({ type: 'files', files: done });
    await d.idle();
    expect(g.calls.slice(-2)).toEqual([['05'], [PROGRAM]]);
    expect(output()).toContain('training (06): running… (takes a few seconds)');
    expect(s.last?.steps).toEqual(['05', PROGRAM]);
    expect(s.training).toBe('graded');
    expect(s.passed).toBe(N);
    expect(s.score).toBe(publicPoints(COURSE.stepIds));
    expect(s.current).toBeUndefined();
    expect(s.screen).toContain(`training (06): ✓ ${publicPoints([PROGRAM])}/${publicPoints([PROGRAM])}`);
    expect(s.screen).toContain('All public checks pass');

    // Same files: training is not repeated. `r` forces it.
    const calls = g.calls.length;
    d.dispatch({ type: 'files', files: done });
    expect(g.calls.length).toBe(calls);
    d.dispatch({ type: 'key', key: 'r' });
    await d.idle();
    expect(g.calls.slice(calls)).toEqual([[...CODE_STEPS], [PROGRAM]]);

    // A code step fails again: the training verdicts are dropped, not kept for other files.
    outcomes['05'] = 'stub';
    d.dispatch({ type: 'files', files: snap({ '05_denoising.ts': 'broken' }) });
    await d.idle();
    expect(g.calls.at(-1)).toEqual(['05']);
    expect(s.training).toBe('waiting');
    expect(s.verdicts[PROGRAM]).toBeUndefined();
    expect(s.score).toBe(publicPoints(CODE_STEPS.filter(x => x !== '05')));
  });

  it('h shows and hides the hint of a diagnosed mistake; a shows every step; other keys do nothing', async () => {
    const g = fakeGrader({ '01': 'pass', '02': 'fault' });
    const { d, s, output } = harness(g);
    await (d.dispatch({ type: 'regrade', steps: CODE_STEPS }), d.idle());
    const f = faultOf('02');
    expect(s.current).toBe('02');
    expect(s.screen).toContain(`known mistake: ${f.title.en}`);
    expect(s.screen).not.toContain(f.hint.en);
    d.dispatch({ type: 'key', key: 'h' });
    expect(s.screen).toContain(f.hint.en);
    expect(s.screen).toContain('h hide hint');
    expect(s.screen).not.toContain('hint: δ2 = X̃ − X');  // the mistake's hint, not the step's formula
    d.dispatch({ type: 'key', key: 'H' });
    expect(s.screen).not.toContain(f.hint.en);

    expect(s.screen).not.toContain('03_sgd.ts');
    d.dispatch({ type: 'key', key: 'a' });
    for (const file of COURSE.files) expect(s.screen).toContain(file);
    expect(s.screen).toContain('a current step only');

    const before = output();
    d.dispatch({ type: 'key', key: 'x' });
    d.dispatch({ type: 'key', key: '' });
    expect(output()).toBe(before);
    expect(g.calls.length).toBe(1);
  });

  it('without a diagnosed mistake, h gives the lecture formula of the current step', async () => {
    const { d, s } = harness(fakeGrader());
    await (d.dispatch({ type: 'regrade', steps: CODE_STEPS }), d.idle());
    d.dispatch({ type: 'key', key: 'h' });
    expect(s.screen).toContain('hint: Xb = [1; X], A1 = W0 Xb');
  });

  it('q during a run says it finishes first, stops the sources, and quits after the run; nothing is drawn after', async () => {
    const g = gatedGrader();
    let stops = 0, quits = 0;
    const { d, s, output } = harness(g, { stop: () => { stops++; }, onQuit: () => { quits++; } });
    d.dispatch({ type: 'regrade', steps: CODE_STEPS });
    d.dispatch({ type: 'key', key: 'q' });
    expect(output()).toContain('finishing the run in flight, then quitting…');
    expect(s.closed).toBe(true);
    expect(stops).toBe(1);
    // Closed: saves and keys are ignored, a second q does not stop twice.
    d.dispatch({ type: 'files', files: snap({ '01_forward.ts': 'x' }) });
    d.dispatch({ type: 'key', key: 'r' });
    d.dispatch({ type: 'key', key: 'q' });
    expect(stops).toBe(1);
    const written = output();
    await new Promise(r => setTimeout(r, 10));
    expect(quits).toBe(0);  // the run is still in flight
    g.open();
    await d.settled();
    expect(quits).toBe(1);
    expect(g.calls.length).toBe(1);
    expect(s.runs).toBe(1);
    expect(output()).toBe(written);
  });

  it('q when idle quits without the "finishing" line; Japanese keys line', async () => {
    let quits = 0;
    const { d, s, output } = harness(fakeGrader(), { lang: 'ja', lineInput: false, onQuit: () => { quits++; } });
    await (d.dispatch({ type: 'regrade', steps: CODE_STEPS }), d.idle());
    expect(s.screen).toContain('r 再実行 · h ヒント · a すべて表示 · q 終了');
    expect(s.screen).toContain('学習 (06): 01–05 がすべて通ると確認します');
    expect(s.screen).not.toContain('Enter');
    d.dispatch({ type: 'key', key: '\x03' });  // Ctrl-C in raw mode
    await d.settled();
    expect(quits).toBe(1);
    expect(output()).not.toContain('採点の終了を待って');
  });

  it('a failure of the grader itself is shown, and watching goes on', async () => {
    const inner = fakeGrader({ '01': 'pass' });
    let fail = true;
    const grader: Grader = steps => {
      if (fail) { fail = false; throw new Error('disk full'); }  // synchronous: still a failed run, not a crash
      return inner.grade(steps);
    };
    const { d, s } = harness({ grade: grader });
    await (d.dispatch({ type: 'regrade', steps: CODE_STEPS }), d.idle());
    expect(s.runs).toBe(1);
    expect(s.busy).toBe(false);
    expect(s.screen).toContain("grader error (not your submission's fault): disk full");
    d.dispatch({ type: 'files', files: snap({ '01_forward.ts': 'solution' }) });
    await d.idle();
    expect(s.error).toBeUndefined();
    expect(s.passed).toBe(1);
    expect(s.screen).not.toContain('grader error');
  });

  it('a grader failure during training leaves training waiting, and the next run tries it again', async () => {
    const inner = fakeGrader(Object.fromEntries(CODE_STEPS.map(x => [x, 'pass'])));
    let failTraining = true;
    const grader: Grader = async steps => {
      if (steps.includes(PROGRAM) && failTraining) { failTraining = false; throw new Error('out of memory'); }
      return inner.grade(steps);
    };
    const { d, s } = harness({ grade: grader });
    await (d.dispatch({ type: 'regrade', steps: CODE_STEPS }), d.idle());
    expect(s.error).toBe('out of memory');
    expect(s.training).toBe('waiting');
    expect(s.verdicts[PROGRAM]).toBeUndefined();
    // Same files, but training never finished on them: a save of anything runs it.
    d.dispatch({ type: 'files', files: snap({ '03_sgd.ts': 'touched' }) });
    await d.idle();
    expect(inner.calls.at(-1)).toEqual([PROGRAM]);
    expect(s.training).toBe('graded');
    expect(s.error).toBeUndefined();
  });

  it('the reducer alone decides: a key during a run grades nothing yet; the run after it does; time comes with the events', () => {
    const core = initialCore(snap(), { lineInput: true });
    expect(reduce(core, { type: 'regrade', steps: CODE_STEPS }, 1000)).toEqual([{ type: 'grade', steps: [...CODE_STEPS] }]);
    expect(reduce(core, { type: 'key', key: 'r' }, 1200)).toEqual([{ type: 'draw' }]);
    const actions = reduce(core, { type: 'graded', verdicts: CODE_STEPS.flatMap(x => verdictsOf(x, 'stub')) }, 2500);
    expect(actions).toEqual([{ type: 'draw' }, { type: 'ran' }, { type: 'grade', steps: [...CODE_STEPS] }]);
    expect(core.view.last?.seconds).toBe(1.5);
    expect(core.view.busy).toBe(true);
    // An answer nobody asked for (no run in flight) changes nothing.
    const idle = initialCore(snap(), { lineInput: true });
    expect(reduce(idle, { type: 'graded', verdicts: verdictsOf('01', 'pass') }, 0)).toEqual([]);
    expect(idle.view.verdicts).toEqual({});
  });

  it('a file source switching to polling shows on the next draw, with the reason', async () => {
    const { d, s } = harness(fakeGrader());
    d.dispatch({ type: 'mode', mode: 'poll', reason: 'fs.watch: EMFILE' });
    await (d.dispatch({ type: 'regrade', steps: CODE_STEPS }), d.idle());
    expect(s.mode).toBe('poll');
    expect(s.screen).toContain('polling for changes (fs.watch: EMFILE)');
  });

  it('draws the progress bar like rustlings', () => {
    expect(progressBar(0, 5, 10)).toBe('[>---------]');
    expect(progressBar(3, 5, 10)).toBe('[######>---]');
    expect(progressBar(5, 5, 10)).toBe('[##########]');
  });

  it('a save also regrades the steps whose files import the saved one', () => {
    const src = (text: string) => ({ text });
    const files = new Map(COURSE.files.map(f => [f, src('')]));
    files.set('02_backward.ts', src("import { sigmoid } from './01_forward.ts';"));
    files.set('03_sgd.ts', src("import { backward } from './02_backward';"));
    expect(affectedSteps(['01_forward.ts'], files)).toEqual(['01', '02', '03']);
    expect(affectedSteps(['04_adam.ts'], files)).toEqual(['04']);
  });
});

// ── the event sources on real folders; grading is a fake that compares files with solutions/
let count = 0;
/** A fresh submission folder holding the untouched stubs. */
function stubsCopy(): string {
  const dir = join(tmp, `sub${count++}`);
  cpSync(join(root, 'assignments'), join(dir, 'assignments'), { recursive: true });
  return dir;
}
const save = (dir: string, file: string, text = readFileSync(join(root, 'solutions', file), 'utf8')) =>
  writeFileSync(join(dir, 'assignments', file), text);

/** A step passes when its file is the reference solution, else it is a stub. */
function fileGrader(dir: string) {
  const calls: StepId[][] = [];
  const same = (file: string) => readFileSync(join(dir, 'assignments', file), 'utf8') === readFileSync(join(root, 'solutions', file), 'utf8');
  const grade: Grader = async steps => {
    calls.push([...steps]);
    return steps.flatMap(s => verdictsOf(s, COURSE.step(s).program || same(STEP_FILES[s]) ? 'pass' : 'stub'));
  };
  return { grade, calls };
}

async function start(dir: string, extra: Partial<WatchOptions> = {}) {
  const out = new PassThrough(), input = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => { text += b.toString(); });
  const g = fileGrader(dir);
  const w = await createWatch({ dir, lang: 'en', out, input, grade: g.grade, debounceMs: 50, ...extra });
  return { w, input, calls: g.calls, output: () => text };
}

const regraded = async (w: Watch, runs: number, what: string) => until(w, what, () => w.state.runs > runs && !w.state.busy);

describe('watch event sources (real folders, fake grader)', () => {
  it('fs.watch: a save regrades its step', async () => {
    const before = handles();
    const dir = stubsCopy();
    const { w, calls } = await start(dir);
    try {
      expect(w.state.mode).toBe('fs.watch');
      expect(calls).toEqual([[...CODE_STEPS]]);
      const runs = w.state.runs;
      save(dir, '04_adam.ts');
      await regraded(w, runs, 'the regrade after the save');
      expect(calls.at(-1)).toEqual(['04']);
      expect(w.state.verdicts['04']!.every(v => v.status === 'passed')).toBe(true);
    } finally {
      await w.close();
    }
    await until(w, 'handles released', () => handles() <= before, 1000);
  });

  it('polls when asked (--poll), comparing the step files on an interval', async () => {
    const before = handles();
    const dir = stubsCopy();
    const { w, calls } = await start(dir, { poll: true, intervalMs: 50 });
    expect(w.state.mode).toBe('poll');
    expect(w.state.modeReason).toBeUndefined();
    expect(w.state.screen).toContain('polling for changes');
    const runs = w.state.runs;
    save(dir, '03_sgd.ts');
    await regraded(w, runs, 'the polled regrade');
    expect(calls.at(-1)).toEqual(['03']);
    expect(w.state.passed).toBe(1);
    expect(w.state.current).toBe('01');  // still the first step not passing
    // Same size, other content, likely the same mtime: the hash still sees it.
    const text = readFileSync(join(dir, 'assignments', '03_sgd.ts'), 'utf8');
    const runs2 = w.state.runs;
    save(dir, '03_sgd.ts', text.replace(/[a-z]/, c => c === 'a' ? 'b' : 'a'));
    await regraded(w, runs2, 'the second polled regrade');
    expect(w.state.passed).toBe(0);
    await w.close();
    await until(w, 'handles released', () => handles() <= before, 1000);
  });

  it('falls back to polling when fs.watch throws, and says why', async () => {
    const dir = stubsCopy();
    const failing = (() => { throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' }); }) as unknown as WatchOptions['watchFn'];
    const { w, calls } = await start(dir, { watchFn: failing, intervalMs: 50 });
    try {
      expect(w.state.mode).toBe('poll');
      expect(w.state.modeReason).toMatch(/ENOSPC/);
      const runs = w.state.runs;
      save(dir, '05_denoising.ts');
      await regraded(w, runs, 'the polled regrade');
      expect(calls.at(-1)).toEqual(['05']);
    } finally {
      await w.close();
    }
  });

  it('falls back to polling when fs.watch reports an error later', async () => {
    const dir = stubsCopy();
    let closed = 0;
    const watcher = Object.assign(new EventEmitter(), { close: () => { closed++; } });
    const { w, calls } = await start(dir, { watchFn: (() => watcher) as unknown as WatchOptions['watchFn'], intervalMs: 50 });
    try {
      expect(w.state.mode).toBe('fs.watch');
      watcher.emit('error', new Error('EMFILE: too many open files'));
      expect(closed).toBe(1);
      expect(w.state.mode).toBe('poll');
      expect(w.state.modeReason).toBe('fs.watch: EMFILE: too many open files');
      const runs = w.state.runs;
      save(dir, '01_forward.ts');
      await regraded(w, runs, 'the polled regrade');
      expect(calls.at(-1)).toEqual(['01']);
    } finally {
      await w.close();
    }
  });

  it('on a terminal: single keys in raw mode, the screen cleared between runs, raw mode restored on q', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, modes: [] as boolean[], setRawMode(on: boolean) { this.modes.push(on); return this; } });
    const out = Object.assign(new PassThrough(), { isTTY: true });
    let text = '';
    out.on('data', (b: Buffer) => { text += b.toString(); });
    let quit = false;
    const dir = stubsCopy();
    const w = await createWatch({ dir, lang: 'ja', out, input, grade: fileGrader(dir).grade, onQuit: () => { quit = true; } });
    expect(input.modes).toEqual([true]);
    expect(text).toContain('\x1b[2J');
    expect(w.state.screen).toContain('r 再実行 · h ヒント · a すべて表示 · q 終了');
    expect(w.state.screen).not.toContain('Enter');
    input.write('a');  // no Enter needed
    await until(w, 'all steps', () => w.state.showAll);
    input.write('q');
    await until(w, 'quit', () => quit);
    expect(input.modes).toEqual([true, false]);
  });

  it('polls on WSL Windows drives, where inotify misses edits', () => {
    const wsl = { WSL_DISTRO_NAME: 'Ubuntu' };
    expect(pollingReason('/mnt/c/Users/me/Lec4/assignments', wsl, 'linux', '5.15.0')).toBe('WSL /mnt');
    expect(pollingReason('/mnt/c/Users/me/Lec4', {}, 'linux', '5.15.153.1-microsoft-standard-WSL2')).toBe('WSL /mnt');
    expect(pollingReason('/home/me/Lec4', wsl, 'linux', '5.15.0')).toBeUndefined();
    expect(pollingReason('/mnt/c/x', {}, 'linux', '6.8.0-generic')).toBeUndefined();
    expect(pollingReason('/mnt/c/x', wsl, 'darwin', '23.0.0')).toBeUndefined();
  });
});

describe('make watch end to end (real engine)', () => {
  it('starts at 0 on the stubs, regrades only step 01 when it is saved, moves to 02, and quits cleanly on q', async () => {
    const before = handles();
    const dir = stubsCopy();
    const out = new PassThrough(), input = new PassThrough();
    out.resume();
    const w = await createWatch({ dir, lang: 'en', out, input, oracle, debounceMs: 50 });
    expect(w.state.mode).toBe('fs.watch');
    expect(w.state.score).toBe(0);
    expect(w.state.current).toBe('01');
    expect(w.state.screen).toMatch(/✗ 01 forward pass and losses +0\/17 +01_forward\.ts — not implemented yet/);

    const runs = w.state.runs;
    save(dir, '01_forward.ts');
    await regraded(w, runs, 'the regrade after the save');
    expect(w.state.last?.steps).toEqual(['01']);  // only what the save can change
    expect(w.state.passed).toBe(1);
    expect(w.state.score).toBe(publicPoints(['01']));
    expect(w.state.current).toBe('02');
    expect(w.state.screen).toContain('next: implement backward() in 02_backward.ts');

    input.write('q\n');
    await until(w, 'close', () => w.state.closed);
    await w.close();
    await until(w, 'handles released', () => handles() <= before, 1000);
  });
});

// ── the report ───────────────────────────────────────────────────────────────────────────
const verdict = (over: Partial<Verdict>): Verdict => ({
  id: '02.delta', step: '02', visibility: 'public', title: msg('δ2 と δ1', 'δ2 and δ1'), status: 'passed',
  points: 6, maxPoints: 6, messages: [], seed: 1, seconds: 0, ...over,
});
const report = (verdicts: Verdict[]): GradeReport => ({
  graderVersion: 'test', rubricHash: 'test', verdicts, output: '', typeWarnings: [], seconds: 0.1,
  score: verdicts.reduce((a, v) => a + v.points, 0), checkedPoints: verdicts.reduce((a, v) => a + v.maxPoints, 0), totalPoints: 100,
  protections: { permission: true, memory: true, network: true, notes: [] },
});

describe('terminal report', () => {
  it('collapses a step that is simply not written yet into one line (real stubs)', async () => {
    const r = await grade(readFolder(stubsCopy()), { oracle, steps: ['02'] });
    const en = renderTerminal(r, { lang: 'en' });
    const ja = renderTerminal(r, { lang: 'ja' });
    expect(en).toMatch(/^✗ 02 backpropagation \(δ\) +0\/19 +02_backward\.ts — not implemented yet$/m);
    expect(ja).toMatch(/^✗ 02 誤差逆伝播 \(δ\) +0\/19 +02_backward\.ts — 未実装$/m);
    expect(en).not.toContain('02.delta');  // no per-check lines
    expect(en).toContain('next: implement backward() in 02_backward.ts  →  make grade STEP=2');
    expect(ja).toContain('次にやること: 02_backward.ts の backward() を実装する  →  make grade STEP=2');
  });

  it('names the missing functions when part of a step is written', () => {
    const ni = (fn: string) => msg(`x`, `${fn}() in 04_adam.ts is not implemented yet (the TODO's throw is still there)`);
    const vs = [
      verdict({ id: '04.init', step: '04' }),
      verdict({ id: '04.first', step: '04', status: 'error', points: 0, messages: [ni('adamStep')], missing: ['adamStep'] }),
    ];
    expect(notImplemented(vs)).toEqual(['adamStep']);
    expect(renderTerminal(report(vs), { lang: 'en' })).toMatch(/△ 04 .* 6\/12 +04_adam\.ts — not implemented yet: adamStep\(\)/);
    // Any other failure keeps the full listing.
    expect(notImplemented([verdict({ status: 'failed', points: 0, messages: [msg('a', 'backward.delta1: 15 of 15 entries differ')] })])).toBeUndefined();
  });

  it('"next:" names the file and function of the first failing check and the command', () => {
    const vs = [
      verdict({ id: '01.sigmoid', step: '01', title: msg('sigmoid', 'sigmoid') }),
      verdict({ status: 'failed', points: 0, messages: [msg('…', '[d=7] backward.delta1: 15 of 15 entries differ')] }),
      verdict({ id: '03.pure', step: '03', status: 'failed', points: 0, messages: [msg('…', 'sgdStep() modified its arguments: arg0.W0')] }),
    ];
    expect(renderTerminal(report(vs), { lang: 'en' })).toContain('next: backward() in 02_backward.ts — δ2 and δ1  →  make grade STEP=2');
    expect(nextAction(vs, 'ja')).toMatchObject({ command: 'make grade STEP=2', text: '02_backward.ts の backward() — δ2 と δ1' });
    expect(nextAction(vs.slice(2), 'en').text).toContain('sgdStep() in 03_sgd.ts');
  });

  it('says a mistake and its hint once per step, even when it fails several checks', () => {
    const fault = { id: 'delta1-no-fprime', title: msg('δ1 に f\'(A1) を掛けていない', "δ1 is missing the factor f'(A1)"), hint: msg('ヒント本文', 'THE HINT') };
    const failed = (id: string) => verdict({ id, status: 'failed', points: 0, messages: [msg('…', 'backward.delta1: differs')], fault });
    const text = renderTerminal(report([failed('02.delta'), failed('02.grads')]), { lang: 'en' });
    expect(text.split('THE HINT').length - 1).toBe(1);
    expect(text).toContain('known mistake: as above [delta1-no-fprime]');
  });

  it('after a single step passes, "next:" points at the following step; after 05, at the full grade', () => {
    expect(nextAction([verdict({})], 'en')).toEqual({ step: '03', command: 'make grade STEP=3', text: 'step 02 passes; now sgdStep() in 03_sgd.ts' });
    expect(nextAction([verdict({ id: '05.exact', step: '05' })], 'en').command).toBe('make grade');
    expect(nextAction([verdict({}), verdict({ id: '03.one', step: '03' })], 'en')).toEqual({ text: 'All public checks pass. Try make train.' });
  });
});
