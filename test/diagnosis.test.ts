// Diagnosis beyond single variants: observations (measured relations of a wrong output to the
// expected one, never a name), a pair of catalogued faults named together (live and from the
// release's fixture), a name only when it explains every failure of the step, nondeterministic
// code told so, mutated arguments by the names students gave them — in every output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS } from '../course/faults.ts';
import { COURSE } from '../grader/course.ts';
import { relate } from '../grader/diagnosis/relations.ts';
import { grade, type GradeReport } from '../grader/engine.ts';
import { applyPatches } from '../grader/faults/variants.ts';
import { FixtureOracle, type Oracle } from '../grader/oracle.ts';
import { faultsOf } from '../grader/report/diagnosis.ts';
import { toGradescope, toJUnit } from '../grader/report/results.ts';
import { renderTerminal } from '../grader/report/terminal.ts';
import { FIXTURE_PATH, liveOracle } from '../grader/setup.ts';
import { Matrix } from '../lib/matrix.ts';
import { reference, removeSubmissions, ROOT } from './helpers/submission.ts';

let live: Oracle;
beforeAll(async () => { live = await liveOracle(); });
afterAll(() => removeSubmissions());

/** The reference with `module`'s file replaced, graded on that file's step. */
async function gradeWith(module: string, source: string, oracle: Oracle = live): Promise<GradeReport> {
  const sources = new Map(COURSE.files.map(f => [f, f === `${module}.ts` ? source : reference(f)]));
  return grade({ sources, problems: new Map() }, { oracle, steps: [COURSE.stepOfFile(module)!.id], hidden: oracle === live });
}

const fault = (id: string) => FAULTS.find(f => f.id === id)!;
const withFaults = (...ids: string[]) => {
  const fs = ids.map(fault);
  return applyPatches(reference(`${fs[0].module}.ts`), { id: ids.join('+'), module: fs[0].module, patches: fs.flatMap(f => f.patches) });
};

describe('observations: clean relations to the expected output', () => {
  const e = Matrix.fromRows([[1, -2, 3], [0.5, 4, -1]]);
  const sizes = { n: 3, d: 5, q: 4 };
  it.each([
    ['n ×', e.mul(3), /exactly n × \(n = 3/],
    ['1/(d·n) ×', e.div(15), /1\/\(d·n\) × \(d = 5, n = 3\).*pixels too/],
    ['2 ×', e.mul(2), /exactly 2 ×: check the ½/],
    ['½ ×', e.mul(0.5), /½ ×/],
    ['−1 ×', e.mul(-1), /sign is flipped/],
    ['another clean factor', e.mul(7), /exactly 7\.00000 × the expected one/],
    ['transpose', e.transpose(), /transpose of the expected/],
    ['a first row too many (bias row kept)', Matrix.fromRows([[1, 1, 1], [1, -2, 3], [0.5, 4, -1]]), /one first row too many.*the rest is as expected.*bias/],
    ['a row short', Matrix.fromRows([[1, -2, 3]]), /one row short.*bias row/],
  ])('%s', (_name, got, want) => {
    const o = relate(e, got, sizes);
    expect(o?.en).toMatch(want);
    expect(o?.ja.length).toBeGreaterThan(0);
  });

  it('says nothing when there is no clean relation, or no difference', () => {
    expect(relate(e, e.add(Matrix.fromRows([[0, 0, 0.1], [0, 0, 0]])), sizes)).toBeUndefined();
    expect(relate(e, e, sizes)).toBeUndefined();
    expect(relate(2, 2, sizes)).toBeUndefined();
  });

  it('is reported, not named, on a mistake the catalogue does not have (a loss ×3)', async () => {
    const src = reference('01_forward.ts').replace('return diff.mul(diff).sum() / 2 / n;', 'return diff.mul(diff).sum() * 1.5 / n;');
    const r = await gradeWith('01_forward', src);
    const v = r.verdicts.find(x => x.id === '01.loss.squared')!;
    expect(v.status).toBe('failed');
    expect(v.fault).toBeUndefined();
    expect(v.observations?.[0].en).toMatch(/exactly 3\.00000 ×/);
    // The same observation in every output.
    expect(renderTerminal(r, { lang: 'en' })).toMatch(/observation: the result is exactly 3\.00000 ×/);
    expect(toGradescope(r, 'en').tests.find(t => t.extra_data.check === '01.loss.squared')!.extra_data.observations?.[0]).toMatch(/3\.00000 ×/);
    expect(toJUnit(r, 'ja')).toMatch(/観察: 結果が期待のちょうど 3\.00000 倍/);
  });
});

describe('two mistakes at once', () => {
  const both = ['delta1-no-fprime', 'grad-no-mean'];
  for (const where of ['live (TA grading)', 'fixture (student release)'] as const) {
    it(`names both, with both hints (${where})`, async () => {
      const oracle = where.startsWith('live') ? live : FixtureOracle.load(FIXTURE_PATH);
      const r = await gradeWith('02_backward', withFaults(...both), oracle);
      const grads = r.verdicts.find(v => v.id === '02.gradcheck')!;
      expect(faultsOf(grads).map(f => f.id).sort()).toEqual([...both].sort());
      // Each check gets the faults that explain its own failures: δ1 alone for the δ check.
      expect(faultsOf(r.verdicts.find(v => v.id === '02.delta')!).map(f => f.id)).toEqual(['delta1-no-fprime']);
      const text = renderTerminal(r, { lang: 'en' });
      expect(text).toMatch(/known mistakes \(two at once\):/);
      for (const id of both) expect(text).toContain(`hint (${id}):`);
      expect(toGradescope(r, 'en').tests.find(t => t.extra_data.check === '02.gradcheck')!.extra_data.faults?.sort()).toEqual([...both].sort());
    }, 120_000);
  }
});

describe('no false accusations', () => {
  it('an adamStep that returns the parameters unchanged is named nothing', async () => {
    const src = reference('04_adam.ts').replace('params: { W0: u0.W, W1: u1.W },', 'params: { W0: params.W0.clone(), W1: params.W1.clone() },');
    expect(src).not.toBe(reference('04_adam.ts'));
    const r = await gradeWith('04_adam', src);
    expect(r.verdicts.filter(v => v.status !== 'passed').length).toBeGreaterThan(1);
    expect(r.verdicts.flatMap(faultsOf)).toEqual([]);
  });
});

describe('what students recognise', () => {
  it('nondeterministic code is told so (Math.random in corrupt)', async () => {
    const src = reference('05_denoising.ts').replace('return X.map(x => x + sigma * rng.normal());', 'return X.map(x => x + sigma * (Math.random() - 0.5));');
    const r = await gradeWith('05_denoising', src);
    const exact = r.verdicts.find(v => v.id === '05.exact')!;
    expect(exact.messages.map(m => m.en).join('\n')).toMatch(/different result each time for the same inputs/);
  });

  it('mutated arguments are named as the student wrote them (params.W0, not arg0)', async () => {
    const r = await gradeWith('03_sgd', withFaults('mutates-arguments'));
    const pure = r.verdicts.find(v => v.id === '03.pure')!;
    expect(pure.messages.map(m => m.en).join('\n')).toMatch(/modified its arguments: params\.W0, params\.W1/);
    expect(pure.messages.map(m => m.en).join('\n')).not.toMatch(/arg0/);
  });
});

it('the fixture holds pair digests (and nothing else about pairs)', () => {
  const f = JSON.parse(readFileSync(join(ROOT, 'data', 'fixtures', 'public.json'), 'utf8')) as { pairs?: Record<string, { calls: string[]; digests: Record<string, string> }> };
  const backward = f.pairs?.['02_backward'];
  expect(Object.keys(backward?.digests ?? {})).toContain('delta1-no-fprime~0+grad-no-mean~0');
  for (const m of Object.values(f.pairs ?? {})) {
    for (const row of Object.values(m.digests)) expect(row).toMatch(new RegExp(`^([0-9a-f]{12}|-{12}){${m.calls.length}}$`));
  }
});

describe('training that differs from the reference is not full marks', () => {
  it('an in-place corrupt() (the target becomes the noisy batch) loses the denoising training check and says why', async () => {
    const src = reference('05_denoising.ts').replace('return X.map(x => x + sigma * rng.normal());',
      'for (let i = 0; i < X.data.length; i++) X.data[i] += sigma * rng.normal();\n  return X;');
    const sources = new Map(COURSE.files.map(f => [f, f === '05_denoising.ts' ? src : reference(f)]));
    const r = await grade({ sources, problems: new Map() }, { oracle: live, steps: ['05', '06'] });
    const denoise = r.verdicts.find(v => v.id === '06.denoise')!;
    expect(denoise.points).toBe(0);
    expect(denoise.messages.map(m => m.en).join('\n')).toMatch(/worse than the reference .*modified argument/);
    // Steps that never call corrupt() with σ > 0 keep their points; the purity check names it.
    expect(r.verdicts.find(v => v.id === '06.train')!.points).toBe(6);
    expect(faultsOf(r.verdicts.find(v => v.id === '05.pure')!).map(f => f.id)).toEqual(['mutates-arguments']);
  }, 300_000);
});
