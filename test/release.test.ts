// `make release` end to end: build the zip into a temp folder, unzip it the way students do,
// install it (one `npm ci` per run) and grade in it with its own Makefile. Slow (npm ci and
// three gradings, ~2 min); everything is done once in beforeAll and the checks read results.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS } from '../course/faults.ts';
import { applyPatches } from '../grader/faults/variants.ts';
import type { GradescopeResults } from '../grader/report/results.ts';
import { RUBRIC } from '../grader/rubric.ts';
import { buildRelease, FORBIDDEN, isTellingLine, leakProblems, TOP } from '../tools/release.ts';
import { solutionLines, stubsFrom } from '../tools/stubs.ts';
import { COURSE } from '../grader/course.ts';
const STEP_FILES = COURSE.files;

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'lec4-release-test-'));
const zipPath = join(tmp, 'Lec4.zip');
const lec4 = join(tmp, 'unzipped', TOP);
const PUBLIC_POINTS = RUBRIC.filter(e => e.visibility === 'public').reduce((s, e) => s + e.points, 0);
const FAULT = 'sigmoid-sign';

/** Every entry of the zip: name → bytes. */
async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(path);
  const out = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const c of await zip.openReadStreamPromise(entry)) chunks.push(c as Buffer);
    out.set(entry.fileName, Buffer.concat(chunks));
  }
  return out;
}

function unzipTo(entries: Map<string, Buffer>, dir: string): void {
  for (const [name, data] of entries) {
    if (name.endsWith('/')) continue;
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }
}

function npmCi(dir: string): string {
  const args = ['ci', '--no-audit', '--no-fund'];
  const offline = spawnSync('npm', [...args, '--offline'], { cwd: dir, encoding: 'utf8' });
  if (offline.status === 0) return 'offline';
  // Not everything is in the npm cache on this machine: the registry is reachable in CI.
  execFileSync('npm', args, { cwd: dir, stdio: 'pipe' });
  return 'online';
}

/** `make grade` in `dir`; exit status, output and the results.json it wrote. */
function makeGrade(dir: string, name: string): { status: number | null; output: string; results: GradescopeResults } {
  const resultsFile = join(tmp, `${name}.json`);
  const r = spawnSync('make', ['grade', `ARGS=--results ${resultsFile} --lang en`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', MAKEFLAGS: '', MFLAGS: '', MAKELEVEL: '' } });
  return { status: r.status, output: r.stdout + r.stderr, results: JSON.parse(readFileSync(resultsFile, 'utf8')) as GradescopeResults };
}

/** What must match between the release and this repo: points and diagnosed fault per check. */
const verdicts = (r: GradescopeResults) => r.tests.map(t => ({ check: t.extra_data.check, score: t.score, fault: t.extra_data.fault }));

let entries: Map<string, Buffer>;
let stubs: ReturnType<typeof makeGrade>;
let reference: ReturnType<typeof makeGrade>;
let faulty: ReturnType<typeof makeGrade>;
let faultyHere: GradescopeResults;
let smoke: { status: number | null; output: string };

let readme: Buffer;
let rebuilt: Buffer;

beforeAll(async () => {
  readme = readFileSync(join(root, 'docs/student-README.md'));
  await buildRelease(zipPath);
  // Right away, so that nobody's edit to the sources falls between the two builds.
  await buildRelease(join(tmp, 'again.zip'));
  rebuilt = readFileSync(join(tmp, 'again.zip'));
  entries = await readZip(zipPath);
  unzipTo(entries, join(tmp, 'unzipped'));
  npmCi(lec4);

  stubs = makeGrade(lec4, 'stubs');
  const originalStubs = new Map(STEP_FILES.map(f => [f, readFileSync(join(lec4, 'assignments', f), 'utf8')]));
  cpSync(join(root, 'solutions'), join(lec4, 'assignments'), { recursive: true });
  reference = makeGrade(lec4, 'reference');

  // A known mistake, graded in the release (fixture) and here (live oracle).
  const fault = FAULTS.find(f => f.id === FAULT)!;
  const file = join(lec4, 'assignments', `${fault.module}.ts`);
  writeFileSync(file, applyPatches(readFileSync(join(root, 'solutions', `${fault.module}.ts`), 'utf8'), fault));
  faulty = makeGrade(lec4, 'faulty');
  const here = join(tmp, 'faulty-here.json');
  execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'grader/cli.ts', 'grade', '--submission', lec4, '--results', here, '--lang', 'en'],
    { cwd: root, stdio: 'pipe' });
  faultyHere = JSON.parse(readFileSync(here, 'utf8')) as GradescopeResults;

  // The release's own suite, on the stubs again (as a student would first run it).
  for (const [f, text] of originalStubs) writeFileSync(join(lec4, 'assignments', f), text);
  // Not the outer make's variables (`make test ARGS=…` passes them down through MAKEFLAGS).
  const t = spawnSync('make', ['test'], { cwd: lec4, encoding: 'utf8', env: { ...process.env, MAKEFLAGS: '', MFLAGS: '', MAKELEVEL: '', ARGS: '' } });
  smoke = { status: t.status, output: t.stdout + t.stderr };
}, 900_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('dist/Lec4.zip', () => {
  it('has everything under Lec4/, with the student files', () => {
    const names = [...entries.keys()];
    expect(names.every(n => n.startsWith(`${TOP}/`) && !n.includes('..'))).toBe(true);
    for (const f of ['README.md', 'Makefile', 'package.json', 'package-lock.json', 'tsconfig.json', 'vitest.config.ts',
      'data/fixtures/public.json', 'data/prepare.ts', 'data/README.md', 'grader/cli.ts', 'course/checks/step01.ts', 'course/manifest.ts',
      'lib/matrix.ts', 'lib/train.ts', 'test/release-smoke.test.ts', ...STEP_FILES.map(s => `assignments/${s}`)]) {
      expect(names, f).toContain(`${TOP}/${f}`);
    }
    expect(entries.get(`${TOP}/README.md`)!.equals(readme), 'README.md is docs/student-README.md').toBe(true);
  });

  it('has no solutions, hidden checks, fault catalogue or TA-only code', () => {
    const names = [...entries.keys()].map(n => n.slice(TOP.length + 1));
    for (const re of [/^solutions\//, /^grader\/checks\/hidden\.ts$/, /^grader\/faults\//, /^grader\/batch\//, ...FORBIDDEN]) {
      expect(names.filter(n => re.test(n)), String(re)).toEqual([]);
    }
  });

  it('has no line of a solution block in any file', () => {
    const lines = STEP_FILES.flatMap(f => solutionLines(readFileSync(join(root, 'solutions', f), 'utf8'))).filter(isTellingLine);
    expect(lines.length).toBeGreaterThan(30);
    for (const [name, data] of entries) {
      const body = data.toString('utf8');
      expect(lines.filter(l => body.includes(l)), name).toEqual([]);
      expect(body.split('\n').map(l => l.trim()), name).not.toContain('// BEGIN SOLUTION');
    }
  });

  it('ships the stubs generated from solutions/, not the working copy of assignments/', () => {
    for (const [f, text] of stubsFrom(join(root, 'solutions'))) expect(entries.get(`${TOP}/assignments/${f}`)!.toString('utf8')).toBe(text);
  });

  it('generated files say so; package.json has the student scripts and the repo\'s pinned dependencies', () => {
    const pkg = JSON.parse(entries.get(`${TOP}/package.json`)!.toString('utf8')) as Record<string, Record<string, string>>;
    const repo = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg['//']).toMatch(/generated by tools\/release\.ts/);
    expect(pkg.dependencies).toEqual(repo.dependencies);
    for (const [k, v] of Object.entries(pkg.devDependencies)) expect(repo.devDependencies[k]).toBe(v);
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['grade', 'train', 'test']));
    for (const s of ['batch', 'release', 'fixtures', 'bench', 'stubs']) expect(pkg.scripts[s]).toBeUndefined();
    for (const f of ['Makefile', 'tsconfig.json', 'vitest.config.ts']) expect(entries.get(`${TOP}/${f}`)!.toString('utf8')).toMatch(/generated by tools\/release\.ts/);
    const make = entries.get(`${TOP}/Makefile`)!.toString('utf8');
    for (const t of ['grade', 'test', 'train']) expect(make).toMatch(new RegExp(`^${t}: \\$\\(DEPS\\)`, 'm'));
    expect(make).not.toMatch(/^(release|batch|fixtures|bench|stubs):/m);
  });

  it('building again gives the same zip', () => {
    expect(rebuilt.equals(readFileSync(zipPath))).toBe(true);
  });
});

describe('the unzipped release, after npm ci', () => {
  it('make grade: the stubs score 0 of the public points, exit 0', () => {
    expect(stubs.status, stubs.output).toBe(0);
    expect(stubs.results.score).toBe(0);
    expect(stubs.results.extra_data.checked_points).toBe(PUBLIC_POINTS);
    expect(stubs.results.tests.reduce((s, t) => s + t.max_score, 0)).toBe(PUBLIC_POINTS);
  });

  it('make grade: the reference files score every public point', () => {
    expect(reference.status, reference.output).toBe(0);
    expect(reference.results.score, reference.output).toBe(PUBLIC_POINTS);
    expect(reference.output).toMatch(new RegExp(`${PUBLIC_POINTS} / ${PUBLIC_POINTS}`));
  });

  it(`make grade: a known mistake (${FAULT}) gets the same scores and diagnosis as in the course repo`, () => {
    expect(faulty.status, faulty.output).toBe(0);
    expect(verdicts(faulty.results).some(v => v.fault === FAULT)).toBe(true);
    expect(faulty.results.score).toBeLessThan(PUBLIC_POINTS);
    expect(verdicts(faulty.results)).toEqual(verdicts(faultyHere));
  });

  it('make test: the release\'s own suite passes', () => {
    expect(smoke.status, smoke.output).toBe(0);
    expect(smoke.output).toMatch(/release-smoke\.test\.ts/);
  });
});

describe('leak check', () => {
  it('finds a solution line and a fault patch smuggled into any file', async () => {
    const line = solutionLines(readFileSync(join(root, 'solutions/02_backward.ts'), 'utf8')).find(isTellingLine)!;
    const patch = FAULTS.find(f => f.id === FAULT)!.patches[0].replace;
    const problems = await leakProblems([
      { path: 'lib/extra.ts', data: Buffer.from(`// helper\n  ${line}\n`) },
      { path: 'grader/x.ts', data: Buffer.from(patch) },
      { path: 'solutions/01_forward.ts', data: Buffer.from('') },
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/^forbidden path: solutions\/01_forward\.ts/),
      expect.stringContaining(`lib/extra.ts contains a solution line of 02_backward.ts`),
      expect.stringContaining(`grader/x.ts contains a patch of fault ${FAULT}`),
    ]);
  });
});
