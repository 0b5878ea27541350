// `make watch` driven through its programmatic interface: a temp copy of the stubs, real
// grading, saves made by copying files in, keys written to the input stream. Also the
// report's one-line "not implemented" steps and its "next:" pointer.
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GradeReport } from '../grader/engine.ts';
import { grade } from '../grader/engine.ts';
import { FAULTS } from '../course/faults.ts';
import { applyPatches } from '../grader/faults/variants.ts';
import { readFolder } from '../grader/intake.ts';
import type { Oracle } from '../grader/oracle.ts';
import { nextAction, notImplemented, renderTerminal } from '../grader/report/terminal.ts';
import { liveOracle } from '../grader/setup.ts';
import { msg, type Verdict } from '../grader/types.ts';
import { affectedSteps, createWatch, pollingReason, type Watch, type WatchOptions } from '../grader/watch/loop.ts';
import { progressBar } from '../grader/watch/screen.ts';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'lec4-watch-test-'));
let oracle: Oracle;
beforeAll(async () => { oracle = await liveOracle(); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let count = 0;
/** A fresh submission folder holding the untouched stubs. */
function stubsCopy(): string {
  const dir = join(tmp, `sub${count++}`);
  cpSync(join(root, 'assignments'), join(dir, 'assignments'), { recursive: true });
  return dir;
}
const save = (dir: string, file: string, text = readFileSync(join(root, 'solutions', file), 'utf8')) =>
  writeFileSync(join(dir, 'assignments', file), text);

function faulty(id: string): { file: string; text: string; hint: string; title: string } {
  const f = FAULTS.find(x => x.id === id)!;
  const text = applyPatches(readFileSync(join(root, 'solutions', `${f.module}.ts`), 'utf8'), f);
  return { file: `${f.module}.ts`, text, hint: f.hint.en, title: f.title.en };
}

async function start(dir: string, extra: Partial<WatchOptions> = {}) {
  const out = new PassThrough(), input = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => { text += b.toString(); });
  const w = await createWatch({ dir, lang: 'en', out, input, oracle, debounceMs: 50, ...extra });
  return { w, input, output: () => text };
}

async function until(w: Watch, what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; screen:\n${w.state.screen}\nresources: ${process.getActiveResourcesInfo().join(', ')}`);
    await new Promise(r => setTimeout(r, 25));
  }
}

/** Handles that would keep a process alive after `q`: timers, watchers, child processes. */
const handles = () => process.getActiveResourcesInfo().filter(r => /Timeout|FSEvent|StatWatcher|ProcessWrap/.test(r)).length;

describe('make watch', () => {
  it('starts at 0 on the stubs, moves to step 02 when 01 is saved, and quits cleanly on q', async () => {
    const before = handles();
    const dir = stubsCopy();
    const { w, input } = await start(dir);
    expect(w.state.mode).toBe('fs.watch');
    expect(w.state.score).toBe(0);
    expect(w.state.passed).toBe(0);
    expect(w.state.current).toBe('01');
    expect(w.state.screen).toContain('Progress: [>');
    expect(w.state.screen).toContain('0/5');
    // The current step only, collapsed: the stub is simply not written yet.
    expect(w.state.screen).toMatch(/✗ 01 forward pass and losses +0\/17 +01_forward\.ts — not implemented yet/);
    expect(w.state.screen).not.toContain('02_backward.ts');

    const runs = w.state.runs;
    save(dir, '01_forward.ts');
    await until(w, 'the regrade after the save', () => w.state.runs > runs && !w.state.busy);
    expect(w.state.passed).toBe(1);
    expect(w.state.score).toBe(17);
    expect(w.state.current).toBe('02');
    expect(w.state.last?.steps).toEqual(['01']);  // only what the save can change
    expect(w.state.screen).toContain(`Progress: ${progressBar(1, 5)} 1/5`);
    expect(w.state.screen).toContain('02 backpropagation (δ)');
    expect(w.state.screen).toContain('next: implement backward() in 02_backward.ts');

    input.write('q\n');
    await until(w, 'close', () => w.state.closed);
    await w.close();
    await until(w, 'handles released', () => handles() <= before, 1000);
  });

  it('h shows and hides the hint of the diagnosed mistake; a shows every step', async () => {
    const dir = stubsCopy();
    save(dir, '01_forward.ts');
    const bad = faulty('delta1-no-fprime');
    save(dir, bad.file, bad.text);
    const { w, input } = await start(dir);
    try {
      expect(w.state.current).toBe('02');
      expect(w.state.screen).toContain(`known mistake: ${bad.title}`);
      expect(w.state.screen).not.toContain(bad.hint);
      input.write('h\n');
      await until(w, 'hint shown', () => w.state.screen.includes(bad.hint));
      expect(w.state.screen).toContain('h hide hint');
      input.write('h\n');
      await until(w, 'hint hidden', () => !w.state.screen.includes(bad.hint));

      expect(w.state.screen).not.toContain('03_sgd.ts');
      input.write('a\n');
      await until(w, 'all steps', () => w.state.showAll);
      for (const f of ['01_forward.ts', '02_backward.ts', '03_sgd.ts', '04_adam.ts', '05_denoising.ts']) expect(w.state.screen).toContain(f);
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
    const w = await createWatch({ dir: stubsCopy(), lang: 'ja', out, input, oracle, onQuit: () => { quit = true; } });
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

  it('without a diagnosed mistake, h gives the lecture formula of the current step', async () => {
    const { w } = await start(stubsCopy());
    try {
      w.key('h');
      expect(w.state.screen).toContain('hint: Xb = [1; X], A1 = W0 Xb');
    } finally {
      await w.close();
    }
  });

  it('polls when asked (--poll), comparing the five files on an interval', async () => {
    const before = handles();
    const dir = stubsCopy();
    const { w } = await start(dir, { poll: true, intervalMs: 100 });
    expect(w.state.mode).toBe('poll');
    expect(w.state.screen).toContain('polling for changes');
    const runs = w.state.runs;
    save(dir, '03_sgd.ts');
    await until(w, 'the polled regrade', () => w.state.runs > runs && !w.state.busy);
    expect(w.state.last?.steps).toEqual(['03']);
    expect(w.state.verdicts['03']!.every(v => v.status === 'passed')).toBe(true);
    expect(w.state.passed).toBe(1);
    expect(w.state.current).toBe('01');  // still the first step not passing
    // Same size, same second, other content: the hash still sees it.
    const runs2 = w.state.runs;
    save(dir, '03_sgd.ts', readFileSync(join(root, 'assignments', '03_sgd.ts'), 'utf8'));
    await until(w, 'the second polled regrade', () => w.state.runs > runs2 && !w.state.busy);
    expect(w.state.passed).toBe(0);
    await w.close();
    await until(w, 'handles released', () => handles() <= before, 1000);
  });

  it('falls back to polling when fs.watch throws, and says why', async () => {
    const dir = stubsCopy();
    const failing = (() => { throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' }); }) as unknown as WatchOptions['watchFn'];
    const { w } = await start(dir, { watchFn: failing, intervalMs: 100 });
    try {
      expect(w.state.mode).toBe('poll');
      expect(w.state.modeReason).toMatch(/ENOSPC/);
      const runs = w.state.runs;
      save(dir, '05_denoising.ts');
      await until(w, 'the polled regrade', () => w.state.runs > runs && !w.state.busy);
      expect(w.state.last?.steps).toEqual(['05']);
    } finally {
      await w.close();
    }
  });

  it('a failure of the grader itself is shown, and watching goes on', async () => {
    // The engine calls oracle.flush() after grading; make that throw once.
    let fail = true;
    const broken = Object.create(oracle, { flush: { value: () => { if (fail) { fail = false; throw new Error('disk full'); } } } }) as Oracle;
    const dir = stubsCopy();
    const { w } = await start(dir, { oracle: broken });
    try {
      expect(w.state.screen).toContain("grader error (not your submission's fault): disk full");
      const runs = w.state.runs;
      save(dir, '01_forward.ts');
      await until(w, 'the next regrade', () => w.state.runs > runs && !w.state.busy);
      expect(w.state.error).toBeUndefined();
      expect(w.state.passed).toBe(1);
    } finally {
      await w.close();
    }
  });

  it('draws the progress bar like rustlings', () => {
    expect(progressBar(0, 5, 10)).toBe('[>---------]');
    expect(progressBar(3, 5, 10)).toBe('[######>---]');
    expect(progressBar(5, 5, 10)).toBe('[##########]');
  });

  it('polls on WSL Windows drives, where inotify misses edits', () => {
    const wsl = { WSL_DISTRO_NAME: 'Ubuntu' };
    expect(pollingReason('/mnt/c/Users/me/Lec4/assignments', wsl, 'linux', '5.15.0')).toBe('WSL /mnt');
    expect(pollingReason('/mnt/c/Users/me/Lec4', {}, 'linux', '5.15.153.1-microsoft-standard-WSL2')).toBe('WSL /mnt');
    expect(pollingReason('/home/me/Lec4', wsl, 'linux', '5.15.0')).toBeUndefined();
    expect(pollingReason('/mnt/c/x', {}, 'linux', '6.8.0-generic')).toBeUndefined();
    expect(pollingReason('/mnt/c/x', wsl, 'darwin', '23.0.0')).toBeUndefined();
  });

  it('a save also regrades the steps whose files import the saved one', () => {
    const src = (text: string) => ({ text });
    const files = new Map([
      ['01_forward.ts', src('')], ['02_backward.ts', src("import { sigmoid } from './01_forward.ts';")],
      ['03_sgd.ts', src("import { backward } from './02_backward';")], ['04_adam.ts', src('')], ['05_denoising.ts', src('')],
    ]);
    expect(affectedSteps(['01_forward.ts'], files)).toEqual(['01', '02', '03']);
    expect(affectedSteps(['04_adam.ts'], files)).toEqual(['04']);
  });

  it('runs training once 01–05 pass, and only then', async () => {
    const dir = stubsCopy();
    for (const f of ['01_forward.ts', '02_backward.ts', '03_sgd.ts', '04_adam.ts']) save(dir, f);
    const { w } = await start(dir);
    try {
      expect(w.state.training).toBe('waiting');
      expect(w.state.verdicts['06']).toBeUndefined();
      const runs = w.state.runs;
      save(dir, '05_denoising.ts');
      await until(w, 'training', () => w.state.runs > runs && !w.state.busy, 90_000);
      expect(w.state.last?.steps).toEqual(['05', '06']);
      expect(w.state.training).toBe('graded');
      expect(w.state.passed).toBe(5);
      expect(w.state.score).toBe(81);
      expect(w.state.current).toBeUndefined();
      expect(w.state.screen).toContain('All public checks pass');
    } finally {
      await w.close();
    }
  }, 120_000);
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
