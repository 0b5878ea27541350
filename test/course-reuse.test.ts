// The engine serves any course its manifest declares (course/manifest.ts), with no edit to grader/:
//  - a second, tiny course (test/fixtures/course-linreg: two steps of linear regression, their
//    own solutions, checks and one fault) is graded by the same CLI: reference 100, stubs 0, the
//    fault named;
//  - a step added to a copy of this course (a manifest entry, a solution file, a check file:
//    three files, the count docs/ARCHITECTURE.md gives) is graded, gets its stub, ships in the
//    release and has its column in the TA's grades.csv.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GradescopeResults } from '../grader/report/results.ts';
import { applyPatches } from '../grader/faults/variants.ts';
import { makeStub } from '../tools/stubs.ts';
import { ROOT } from './helpers/submission.ts';

const LINREG = join(ROOT, 'test', 'fixtures', 'course-linreg');
const tmp = mkdtempSync(join(tmpdir(), 'lec4-course-reuse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }

/** `tsx <script> …args` in a child process (each run loads its own course). */
function tsx(script: string, args: string[], cwd = ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), script, ...args],
      { cwd, env: { ...process.env, GRADER_COURSE: undefined, LANG: 'C.UTF-8', LC_ALL: undefined } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b; });
    p.stderr.on('data', (b: Buffer) => { stderr += b; });
    p.on('error', reject);
    p.on('close', code => resolve({ code, stdout, stderr }));
  });
}

/** A submission folder `<tmp>/<name>/assignments/` holding `files`. */
function folder(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'assignments'), { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, 'assignments', f), text);
  return dir;
}

const results = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as GradescopeResults;

describe('a second course, graded by the same engine', () => {
  const ref = (f: string) => readFileSync(join(LINREG, 'solutions', f), 'utf8');
  const files = ['01_predict.ts', '02_gradient.ts'];
  const grade = async (name: string, sub: Record<string, string>) => {
    const out = join(tmp, `${name}.json`);
    const r = await tsx(join(ROOT, 'grader/cli.ts'), ['--course', LINREG, 'grade', '--submission', folder(name, sub), '--results', out, '--no-typecheck', '--lang', 'en']);
    expect(r.code, r.stderr).toBe(0);
    return { run: r, res: results(out) };
  };

  it('scores the reference 100, the stubs 0, and names its one fault', async () => {
    const good = await grade('linreg-ref', Object.fromEntries(files.map(f => [f, ref(f)])));
    expect(good.res.score).toBe(100);
    expect(good.run.stdout).toContain('01 prediction and loss');
    expect(good.res.tests.map(t => t.name).join('\n')).toContain('02.gradient');

    const stub = await grade('linreg-stub', Object.fromEntries(files.map(f => [f, makeStub(ref(f), f)])));
    expect(stub.res.score).toBe(0);
    expect(stub.run.stdout).toMatch(/not implemented/);

    const patched = applyPatches(ref('02_gradient.ts'), {
      id: 'gradient-no-mean', module: '02_gradient',
      patches: [{ find: 'return addBiasRow(X).matmul(r.transpose()).div(X.cols);', replace: 'return addBiasRow(X).matmul(r.transpose());' }],
    });
    const fault = await grade('linreg-fault', { '01_predict.ts': ref('01_predict.ts'), '02_gradient.ts': patched });
    expect(fault.res.score).toBe(50);
    expect(fault.res.tests.find(t => t.extra_data.check === '02.gradient')?.extra_data.fault).toBe('gradient-no-mean');
  });
});

describe('a step added to a copy of this course', () => {
  const copy = join(tmp, 'lec4-copy');
  // The three files a new step needs (docs/ARCHITECTURE.md, "A new step").
  const SOLUTION = `// 07 重み減衰 / Weight decay
import type { Params } from '../lib/model.ts';

/**
 * 重み減衰の罰則項 / the weight-decay penalty
 *   R = (λ/2) (‖W0‖² + ‖W1‖²)
 */
export function penalty(params: Params, lambda: number): number {
  // BEGIN SOLUTION
  const sq = (W: Params['W0']) => W.mul(W).sum();
  return (lambda / 2) * (sq(params.W0) + sq(params.W1));
  // END SOLUTION
}
`;
  const CHECK = `// Step 07: the weight-decay penalty on random parameters.
import { randomParams, same, type CheckFn } from '../../grader/checks/common.ts';

export const CHECKS: Record<string, CheckFn> = {
  '07.penalty': async ctx => {
    for (const lambda of [0.1, 2]) await same(ctx, { module: '07_weight_decay', fn: 'penalty', args: [randomParams(ctx.rng, 5, 3), lambda] }, \`lambda=\${lambda}\`);
  },
};
`;
  const STEP = `    {
      id: '07', file: '07_weight_decay.ts', csv: '07_weight_decay',
      title: msg('重み減衰', 'weight decay'),
      functions: [{ name: 'penalty', params: ['params', 'lambda'] }],
      hint: msg('R = (λ/2)(‖W0‖² + ‖W1‖²)', 'R = (λ/2)(‖W0‖² + ‖W1‖²)'),
    },
`;
  const ENTRY = `    { id: '07.penalty', step: '07', points: 5, visibility: P, seed: 701, title: msg('罰則項', 'penalty') },\n`;

  beforeAll(() => {
    // The repository as git has it (a clean checkout), with this one's node_modules.
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const f of tracked) cpSync(join(ROOT, f), join(copy, f), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const manifestPath = join(copy, 'course', 'manifest.ts');
    let manifest = readFileSync(manifestPath, 'utf8');
    const training = manifest.indexOf("    {\n      // Training");
    expect(training).toBeGreaterThan(0);
    manifest = manifest.slice(0, training) + STEP + manifest.slice(training);
    manifest = manifest.replace("public: ['course/checks/public.ts']", "public: ['course/checks/public.ts', 'course/checks/step07.ts']");
    manifest = manifest.replace(/(\n {2}\],\n\};\n?)$/, `\n${ENTRY}$1`);
    writeFileSync(manifestPath, manifest);
    writeFileSync(join(copy, 'solutions', '07_weight_decay.ts'), SOLUTION);
    writeFileSync(join(copy, 'course', 'checks', 'step07.ts'), CHECK);
    const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });
    expect(changed).not.toContain('07_weight_decay'); // the copy, not this repository, was changed
  }, 120_000);

  it('grades it, generates its stub, ships it in the release and gives it a CSV column', async () => {
    // Graded: the reference passes the new check alone (--step 7), worth its 5 points.
    const res = join(tmp, 'step07.json');
    const g = await tsx('grader/cli.ts', ['grade', '--submission', 'solutions', '--step', '7', '--results', res, '--no-typecheck', '--lang', 'en'], copy);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toMatch(/07 weight decay\s+5\/5\s+07_weight_decay\.ts/);
    expect(results(res).tests.map(t => t.extra_data.check)).toEqual(['07.penalty']);

    // The stub and the release: the copy's own tools, run in the copy.
    const probe = join(copy, 'probe.mts');
    writeFileSync(probe, `import { collectRelease } from './tools/release.ts';
import { stubsFrom } from './tools/stubs.ts';
const stub = stubsFrom('solutions').get('07_weight_decay.ts') ?? '';
console.log(JSON.stringify({ stub, release: collectRelease().map(f => f.path) }));
`);
    const p = await tsx(probe, [], copy);
    expect(p.code, p.stderr).toBe(0);
    const { stub, release } = JSON.parse(p.stdout.trim().split('\n').at(-1)!) as { stub: string; release: string[] };
    expect(stub).toContain("throw new Error('07_weight_decay: penalty() は未実装 / not implemented');");
    expect(stub).not.toContain('lambda / 2');
    expect(release).toEqual(expect.arrayContaining(['assignments/07_weight_decay.ts', 'course/checks/step07.ts', 'course/manifest.ts']));
    expect(release.some(f => f.startsWith('solutions/'))).toBe(false);

    // The TA's gradebook: a column for the new step, with its points.
    const subs = join(tmp, 'subs');
    cpSync(join(copy, 'solutions'), join(subs, 'alice', 'assignments'), { recursive: true });
    const b = await tsx('grader/cli.ts', ['batch', '--submissions', subs, '--out', join(tmp, 'batch'), '--step', '7', '--jobs', '1'], copy);
    expect(b.code, b.stderr).toBe(0);
    const csv = readFileSync(join(tmp, 'batch', 'grades.csv'), 'utf8').split('\n');
    const header = csv[0].split(',');
    expect(header).toContain('07_weight_decay');
    const alice = csv.find(l => l.startsWith('alice,'))!.split(',');
    expect(alice[header.indexOf('07_weight_decay')]).toBe('5');
  }, 240_000);
});
