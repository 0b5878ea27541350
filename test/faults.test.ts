// The grader fails wrong code and says why (issue 5). For every fault in the catalogue: its
// patches apply to solutions/, and the reference with that one mistake, graded through the real
// sandbox, fails exactly the checks the catalogue lists (the rest of its step passes), and every
// failing check names this fault, in the verdict and in results.json. Wrong code that matches
// no variant fails with no fault named: no match, no guess.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade, pool, type GradeReport } from '../grader/engine.ts';
import { FAULTS, } from '../course/faults.ts';
import type { Fault } from '../grader/types.ts';
import { applyPatches } from '../grader/faults/variants.ts';
import { readFolder } from '../grader/intake.ts';
import type { Oracle } from '../grader/oracle.ts';
import { toGradescope } from '../grader/report/results.ts';
import { RUBRIC } from '../grader/rubric.ts';
import { liveOracle } from '../grader/setup.ts';
import type { StepId } from '../grader/types.ts';
import { reference, removeSubmissions, ROOT, submission } from './helpers/submission.ts';

const stepOf = (f: Fault) => f.module.slice(0, 2) as StepId;
const patched = (f: Fault) => applyPatches(reference(`${f.module}.ts`), f);

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
  it('has every mistake SPEC section 5 and the issue ask for, each id once, each on its own module', () => {
    const required = ['sigmoid-sign', 'output-kind-ignored', 'loss-no-half', 'loss-no-mean', 'delta2-sign', 'delta1-no-fprime',
      'delta1-fprime-of-z', 'delta1-wrong-bias-column', 'grad-no-mean', 'sgd-sign', 'adam-t-from-zero', 'adam-no-bias-correction',
      'adam-only-m-corrected', 'adam-eps-inside-sqrt', 'noise-multiplicative', 'noise-variance', 'noise-order', 'mutates-arguments'];
    const ids = FAULTS.map(f => f.id);
    for (const id of required) expect(ids, id).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(15);
  });

  it.each(FAULTS.map(f => [f.id, f] as const))('%s: each patch occurs exactly once in solutions/ and changes the file', (_id, f) => {
    const before = reference(`${f.module}.ts`);
    for (const p of f.patches) expect(before.split(p.find).length - 1, p.find).toBe(1);
    expect(patched(f)).not.toBe(before);
  });

  it('lists only public checks of the fault\'s own step, and a hint in both languages', () => {
    for (const f of FAULTS) {
      expect(f.checks.length, f.id).toBeGreaterThan(0);
      for (const c of f.checks) {
        const e = RUBRIC.find(r => r.id === c);
        expect(e, `${f.id}: ${c}`).toBeDefined();
        expect(e!.step, `${f.id}: ${c}`).toBe(stepOf(f));
        expect(e!.visibility, `${f.id}: ${c}`).toBe('public');
      }
      expect(f.hint.ja && f.hint.en && f.title.ja && f.title.en, f.id).toBeTruthy();
    }
  });

  it('rejects a patch that no longer matches (an edit to solutions/ is caught)', () => {
    const f = FAULTS[0];
    expect(() => applyPatches('nothing to patch here', f)).toThrow(/exactly once.*found 0×/);
  });
});

describe('every fault, graded in the sandbox', () => {
  const reports = new Map<string, GradeReport>();

  beforeAll(async () => {
    const oracle = await liveOracle(ROOT);
    // Two at a time: each grading starts one sandbox child; the machine has two cores.
    await pool(FAULTS, 2, async f => {
      const dir = submission({ [`${f.module}.ts`]: patched(f) });
      // Hidden checks too: they run other shapes and seeds, and must not name another fault.
      reports.set(f.id, await grade(readFolder(dir), { oracle: withFaultLast(oracle, f.id), steps: [stepOf(f)], hidden: true, jobs: 1 }));
    });
  }, 120_000);
  afterAll(removeSubmissions);

  it.each(FAULTS.map(f => [f.id, f] as const))('%s', (_id, f) => {
    const report = reports.get(f.id)!;
    const pub = report.verdicts.filter(v => v.visibility === 'public');
    // Exactly the listed checks fail; the others test what this one change does not touch.
    expect(pub.filter(v => v.status !== 'passed').map(v => v.id), 'failing public checks').toEqual(f.checks);
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
    for (const c of f.checks) {
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
    expect(r.verdicts.filter(v => v.status !== 'passed').map(v => v.id)).toEqual(['02.delta', '02.grads', '02.gradcheck', '02.hidden']);
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

  it('the untouched stubs are "not implemented", never a known mistake', async () => {
    const r = await grade(readFolder(join(ROOT)), { oracle, steps: ['01', '02', '03', '04', '05'] });
    for (const v of r.verdicts) {
      expect(v.fault, v.id).toBeUndefined();
      expect(v.messages.map(m => m.en).join('\n'), v.id).toMatch(/not implemented yet/);
    }
  });
});
