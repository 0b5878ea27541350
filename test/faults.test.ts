// The grader fails wrong code and says why. For every fault in the catalogue and
// every form it is written in: its patches apply to solutions/, and the reference with that one
// mistake, graded through the real sandbox, fails exactly the checks the catalogue lists for the
// form (the rest of its step passes), and every failing check names this fault, in the verdict
// and in results.json. Wrong code that matches no variant fails with no fault named: no match,
// no guess.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade, pool, type GradeReport } from '../grader/engine.ts';
import { FAULTS } from '../course/faults.ts';
import { faultInfo, formChecks, formCount, formPatches } from '../grader/faults/forms.ts';
import type { Fault } from '../grader/types.ts';
import { applyPatches } from '../grader/faults/variants.ts';
import { readFolder } from '../grader/intake.ts';
import { FixtureOracle, type Oracle } from '../grader/oracle.ts';
import { prepareSandbox } from '../grader/sandbox/compile.ts';
import { StudentRunner } from '../grader/student.ts';
import { removeTempDir } from '../grader/tmp.ts';
import { faultsOf } from '../grader/report/diagnosis.ts';
import { toGradescope } from '../grader/report/results.ts';
import { RUBRIC } from '../grader/rubric.ts';
import { FIXTURE_PATH, liveOracle } from '../grader/setup.ts';
import type { StepId } from '../grader/types.ts';
import { collectRelease, leakProblems } from '../tools/release.ts';
import { reference, removeSubmissions, ROOT, submission } from './helpers/submission.ts';

const stepOf = (f: Fault) => f.module.slice(0, 2) as StepId;
type Summary = { id: string; points: number; status: string; fault?: string }[];
const summary = (r: GradeReport): Summary => r.verdicts.map(v => ({ id: v.id, points: v.points, status: v.status, fault: v.fault?.id }));
const patched = (f: Fault, form = 0) => applyPatches(reference(`${f.module}.ts`), { id: f.id, module: f.module, patches: formPatches(f, form) });
/** Every form of every fault: [`id~k`, fault, k]. */
const FORMS = FAULTS.flatMap(f => Array.from({ length: formCount(f) }, (_, k) => [`${f.id}~${k}`, f, k] as const));
/** Forms proven by their output; a nondeterministic fault (Math.random) has no output to match. */
const byOutput = FORMS.filter(([, f]) => f.detect !== 'nondeterministic');
const nondeterministic = FAULTS.filter(f => f.detect === 'nondeterministic');

/**
 * The oracle with `last` moved to the end of the catalogue. diagnose() names the first variant
 * whose output matches, so when the last one is named, no other variant matched that call:
 * the fault is told apart from every other one, not just from those before it. (Whether a
 * call gets a diagnosis at all does not depend on the order, so the catalogue's own order then
 * names the same fault.)
 */
function withFaultLast(oracle: Oracle, last: string): Oracle {
  const faults = [...oracle.faults().filter(f => f.id !== last), ...oracle.faults().filter(f => f.id === last)];
  return Object.assign(Object.create(oracle) as Oracle, { faults: () => faults });
}

describe('fault catalogue', () => {
  it('has every mistake the course requires, each id once, each on its own module', () => {
    const required = ['sigmoid-sign', 'output-kind-ignored', 'loss-no-half', 'loss-no-mean', 'delta2-sign', 'delta1-no-fprime',
      'delta1-fprime-of-z', 'delta1-wrong-bias-column', 'grad-no-mean', 'sgd-sign', 'adam-t-from-zero', 'adam-no-bias-correction',
      'adam-only-m-corrected', 'adam-eps-inside-sqrt', 'noise-multiplicative', 'noise-variance', 'noise-order', 'mutates-arguments',
      // Mistakes students make: f' of the wrong quantity, Adam's t as "epoch + 1", Math.random, numpy's mean over d·n.
      'delta1-fprime-of-a1', 'adam-t-plus-one', 'noise-math-random', 'loss-mean-over-pixels', 'cross-entropy-mean-over-pixels',
      'grad-mean-over-pixels'];
    const ids = FAULTS.map(f => f.id);
    for (const id of required) expect(ids, id).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids).size).toBeGreaterThanOrEqual(55);
  });

  it('recognises W1ᵀ with the bias column kept also when the student made the shapes fit', () => {
    const f = FAULTS.find(x => x.id === 'delta1-bias-column-kept')!;
    // Form 0 throws; the others return a δ1 of q+1 rows (f' from Zb) and throw nothing. Each is
    // proven below like every form; test/diagnosis-corpus.test.ts shows a student's own version
    // of it (mistakes-growth/single/backward-bias-column-kept) named as this fault.
    expect(formChecks(f, 0)).toContain('02.pure');
    expect(formCount(f)).toBeGreaterThanOrEqual(3);
    expect(f.forms!.flat().some(p => p.replace.includes('Zb'))).toBe(true);
  });

  it.each(FORMS)('%s: each patch occurs exactly once in solutions/ and changes the file', (_key, f, k) => {
    const before = reference(`${f.module}.ts`);
    for (const p of formPatches(f, k)) expect(before.split(p.find).length - 1, p.find).toBe(1);
    expect(patched(f, k)).not.toBe(before);
  });

  it('forms of one fault are different code, and formChecks names only forms that exist', () => {
    for (const f of FAULTS) {
      const sources = Array.from({ length: formCount(f) }, (_, k) => patched(f, k));
      expect(new Set(sources).size, f.id).toBe(sources.length);
      for (const k of Object.keys(f.formChecks ?? {}).map(Number)) {
        expect(k >= 1 && k < formCount(f), `${f.id}: formChecks[${k}]`).toBe(true);
      }
    }
  });

  it('lists only public checks of the fault\'s own step, and a hint in both languages', () => {
    for (const [key, f, k] of FORMS) {
      expect(formChecks(f, k).length, key).toBeGreaterThan(0);
      for (const c of formChecks(f, k)) {
        const e = RUBRIC.find(r => r.id === c);
        expect(e, `${key}: ${c}`).toBeDefined();
        expect(e!.step, `${key}: ${c}`).toBe(stepOf(f));
        expect(e!.visibility, `${key}: ${c}`).toBe('public');
      }
      expect(f.hint.ja && f.hint.en && f.title.ja && f.title.en, f.id).toBeTruthy();
    }
  });

  it('tells the diagnosis (and the release) every form and the union of their checks, never a patch', () => {
    for (const f of FAULTS) {
      const info = faultInfo(f);
      expect(info.forms, f.id).toEqual(Array.from({ length: formCount(f) }, (_, k) => formChecks(f, k)));
      expect(new Set(info.checks), f.id).toEqual(new Set(info.forms.flat()));
      expect(JSON.stringify(info), f.id).not.toMatch(/"patches"|"find"|"replace"/);
    }
  });

  it('a nondeterministic fault (Math.random, a count kept between calls) is an entry of the right shape', () => {
    // Its output changes from call to call, so no fixture can hold it and no output can match
    // it: the grader's nondeterminism check (same inputs, same Rng state, different answers) is
    // what names it. No output proof here: its shape, and (below) that exactly its checks fail
    // and that no other fault is named.
    expect(nondeterministic.map(f => f.id)).toEqual(expect.arrayContaining(['noise-math-random', 'adam-own-counter']));
    expect(patched(FAULTS.find(f => f.id === 'noise-math-random')!)).toMatch(/Math\.random\(\)/);
    for (const f of nondeterministic) {
      // One form: forms are told apart by their outputs, which these do not have.
      expect(formCount(f), f.id).toBe(1);
      expect(faultInfo(f).detect, f.id).toBe('nondeterministic');
    }
  });

  it('no line of any form ships in the student release (make release would refuse it)', async () => {
    // A replacement that repeats a public line (a stub's signature, a lib line) would block the release.
    expect(await leakProblems(collectRelease(ROOT))).toEqual([]);
  });

  it('rejects a patch that no longer matches (an edit to solutions/ is caught)', () => {
    const f = FAULTS[0];
    expect(() => applyPatches('nothing to patch here', f)).toThrow(/exactly once.*found 0×/);
  });
});

describe('every fault in every form, graded in the sandbox', () => {
  const reports = new Map<string, GradeReport>();
  /** Per form: the public verdicts from the live oracle and from the release's fixture. */
  const offline = new Map<string, { live: Summary; fixture: Summary }>();

  beforeAll(async () => {
    const oracle = await liveOracle(ROOT);
    const fixture = FixtureOracle.load(FIXTURE_PATH);
    // Two at a time: each form gets one sandbox child; the machine has two cores.
    // Only the fault's own step: the others do not run its code.
    await pool(FORMS, 2, async ([key, f, k]) => {
      const sub = readFolder(submission({ [`${f.module}.ts`]: patched(f, k) }));
      // One sandbox for the three gradings of the form: they ask the same student calls.
      const student = new StudentRunner(await prepareSandbox(sub.sources));
      const steps = [stepOf(f)];
      try {
        // Hidden checks too: they run other shapes and seeds, and must not name another fault.
        reports.set(key, await grade(sub, { oracle: withFaultLast(oracle, f.id), steps, hidden: true, jobs: 1, student }));
        // What the student release (no solutions/, the committed fixture) says of the same code.
        const live = summary(await grade(sub, { oracle, steps, jobs: 1, student }));
        offline.set(key, { live, fixture: summary(await grade(sub, { oracle: fixture, steps, jobs: 1, student })) });
      } finally {
        student.close();
        removeTempDir(student.prepared.dir);
      }
    });
  }, 300_000);
  afterAll(removeSubmissions);

  // Every form of every fault: the fixture must hold every form's answer for every call of the
  // checks it fails, including the checks that ask variants only on failure (02.gradcheck, 05.stats).
  it.each(FORMS)('%s: the release (fixture oracle) grades and names it as the live oracle does', key => {
    const { live, fixture } = offline.get(key)!;
    expect(fixture).toEqual(live);
    // And the fault is actually seen (else this comparison proves little).
    expect(live.some(v => v.points === 0)).toBe(true);
  });

  it.each(nondeterministic.map(f => [`${f.id}~0`, f] as const))('%s fails its checks and is given no other fault\'s name', (key, f) => {
    const report = reports.get(key)!;
    const pub = report.verdicts.filter(v => v.visibility === 'public');
    expect(pub.filter(v => v.status !== 'passed').map(v => v.id), 'failing public checks').toEqual(f.checks);
    for (const v of report.verdicts) expect([undefined, f.id], v.id).toContain(v.fault?.id);
  });

  it.each(byOutput)('%s', (key, f, k) => {
    const report = reports.get(key)!;
    const pub = report.verdicts.filter(v => v.visibility === 'public');
    // Exactly the listed checks fail; the others test what this one change does not touch.
    expect(pub.filter(v => v.status !== 'passed').map(v => v.id), 'failing public checks').toEqual(formChecks(f, k));
    for (const v of report.verdicts) {
      if (v.status === 'passed') continue;
      expect(v.points, v.id).toBe(0);
      expect(v.messages.length, `${v.id} says why`).toBeGreaterThan(0);
      // Each failure (the hidden one included) names this fault and no other.
      expect(v.fault?.id, `${v.id}: ${v.messages.map(m => m.en).join(' | ')}`).toBe(f.id);
      expect(v.fault!.hint.en).toBe(f.hint.en);
    }
    // Gradescope's results.json carries the diagnosis of each failing test.
    const gs = toGradescope(report, 'en');
    for (const c of formChecks(f, k)) {
      const t = gs.tests.find(x => x.extra_data.check === c)!;
      expect(t.status, c).toBe('failed');
      expect(t.extra_data.fault, c).toBe(f.id);
      expect(t.output, c).toContain(`[${f.id}]`);
      expect(t.output, c).toContain(f.hint.en);
    }
    for (const t of gs.tests.filter(x => x.status === 'passed')) expect(t.extra_data.fault).toBeUndefined();
  });
});

describe('no match, no guess', () => {
  let oracle: Oracle;
  beforeAll(async () => { oracle = await liveOracle(ROOT); });
  afterAll(removeSubmissions);

  const gradeWith = async (file: string, source: string, step: StepId) =>
    grade(readFolder(submission({ [file]: source })), { oracle, steps: [step], hidden: true });

  it('sigmoid returning 0.5 always fails sigmoid and forward with no fault named', async () => {
    const src = reference('01_forward.ts').replace('return 1 / (1 + Math.exp(-a));', 'return 0.5 + 0 * a;');
    const r = await gradeWith('01_forward.ts', src, '01');
    const failing = r.verdicts.filter(v => v.status !== 'passed');
    expect(failing.map(v => v.id)).toEqual(expect.arrayContaining(['01.sigmoid', '01.forward.identity', '01.forward.sigmoid', '01.hidden']));
    for (const v of failing) {
      expect(v.fault, v.id).toBeUndefined();
      expect(v.messages[0].en).toMatch(/expected .*got/);
    }
    expect(toGradescope(r, 'en').tests.every(t => t.extra_data.fault === undefined)).toBe(true);
  });

  it('backward returning everything times 3 fails every output check with no fault named', async () => {
    const src = reference('02_backward.ts').replace('return { delta2, delta1, dW0, dW1 };',
      'return { delta2: delta2.mul(3), delta1: delta1.mul(3), dW0: dW0.mul(3), dW1: dW1.mul(3) };');
    const r = await gradeWith('02_backward.ts', src, '02');
    // Purity is paid only with a right result, so 02.pure fails too.
    expect(r.verdicts.filter(v => v.status !== 'passed').map(v => v.id)).toEqual(['02.delta', '02.grads', '02.gradcheck', '02.pure', '02.hidden']);
    for (const v of r.verdicts) expect(v.fault, v.id).toBeUndefined();
    expect(r.verdicts.find(v => v.id === '02.gradcheck')!.messages[0].en).toMatch(/relative error .* against centred differences/);
  });

  it('a shape error that no variant throws is explained, not diagnosed', async () => {
    // Z ⊙ (1 − Z) taken from Zb (with the bias row): q+1 rows against q, a mistake not in the catalogue.
    const src = reference('02_backward.ts').replace('const fprime = Z.map(z => z * (1 - z));', 'const fprime = fwd.Zb.map(z => z * (1 - z));');
    const r = await gradeWith('02_backward.ts', src, '02');
    const delta = r.verdicts.find(v => v.id === '02.delta')!;
    expect(delta.status).toBe('error');
    expect(delta.messages[0].en).toMatch(/backward\(\) threw .*mul: shapes differ/);
    for (const v of r.verdicts) expect(v.fault, v.id).toBeUndefined();
  });

  it('a pair is found in any of its faults\' forms, and two faults patching one line are never guessed', async () => {
    // Form 1 of adam-correction-wrong-beta (v̂ with β1) beside adam-init-transposed: the pair
    // search once tried first forms only and left this silent.
    const form = (id: string, k: number) => formPatches(FAULTS.find(f => f.id === id)!, k);
    const both = applyPatches(reference('04_adam.ts'), { id: 'pair', module: '04_adam', patches: [...form('adam-init-transposed', 0), ...form('adam-correction-wrong-beta', 1)] });
    const r = await grade(readFolder(submission({ '04_adam.ts': both })), { oracle, steps: ['04'], hidden: true, pairs: true });
    const failing = r.verdicts.filter(v => v.status !== 'passed');
    expect(failing.map(v => v.id)).toEqual(expect.arrayContaining(['04.init', '04.first']));
    // Each check names the pair's fault(s) that explain its own failures; together, both.
    for (const v of failing) expect(['adam-init-transposed', 'adam-correction-wrong-beta'], v.id).toEqual(expect.arrayContaining(faultsOf(v).map(f => f.id)));
    expect(new Set(failing.flatMap(v => faultsOf(v).map(f => f.id)))).toEqual(new Set(['adam-init-transposed', 'adam-correction-wrong-beta']));
    expect(faultsOf(failing.find(v => v.id === '04.init')!).length).toBeGreaterThan(0);
    // No ½ and X.rows for n: both faults patch the same line, so no pair can be built; no name.
    const src = reference('01_forward.ts').replace('return diff.mul(diff).sum() / 2 / n;', 'return diff.mul(diff).sum() / X.rows;');
    const r2 = await grade(readFolder(submission({ '01_forward.ts': src })), { oracle, steps: ['01'], hidden: true, pairs: true });
    expect(r2.verdicts.filter(v => v.status !== 'passed').map(v => v.id)).toEqual(expect.arrayContaining(['01.loss.squared']));
    for (const v of r2.verdicts) expect(v.fault, v.id).toBeUndefined();
  });

  it('the untouched stubs are "not implemented", never a known mistake', async () => {
    const r = await grade(readFolder(join(ROOT)), { oracle, steps: ['01', '02', '03', '04', '05'] });
    for (const v of r.verdicts) {
      expect(v.fault, v.id).toBeUndefined();
      expect(v.messages.map(m => m.en).join('\n'), v.id).toMatch(/not implemented yet/);
    }
  });
});
