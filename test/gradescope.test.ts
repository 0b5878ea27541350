// make gradescope (tools/gradescope.ts, grader/lms/gradescope.ts): the bundle is built, unpacked
// into a temporary folder laid out like Gradescope's /autograder, set up (without the Node and
// npm installs: the machine's node and node_modules stand in), and run_autograder grades a
// correct upload (100), the stubs (0) and an upload without the five files (0 and the reason),
// each with the hidden checks, the way Gradescope runs it. A broken environment still writes a
// results.json. These runs take tens of seconds each (training included): keep them to these.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUBRIC } from '../grader/rubric.ts';
import { BundleError, buildBundle, findCourseSecret, SECRET_FILE } from '../tools/gradescope.ts';
import { filesUnder, reference, ROOT, stubs, zipBytes } from './batch-corpus.ts';

interface Results { score: number; output: string; tests: { name: string; score: number; max_score: number; status: string; visibility: string }[]; extra_data: Record<string, unknown> }

let base: string, ag: string, bundle: string;
const SECRET = 'test-course-secret-0123456789abcdef';

/** Unpacks a zip as Gradescope does into /autograder/source, keeping each file's mode. */
function unzip(zipPath: string, dest: string): Promise<Map<string, number>> {
  const modes = new Map<string, number>();
  return new Promise((done, fail) => {
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err) return fail(err);
      zip.on('entry', (e: yauzl.Entry) => {
        const mode = (e.externalFileAttributes >>> 16) & 0o7777;
        modes.set(e.fileName, mode);
        zip.openReadStream(e, (err2, stream) => {
          if (err2) return fail(err2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            const to = join(dest, e.fileName);
            mkdirSync(dirname(to), { recursive: true });
            writeFileSync(to, Buffer.concat(chunks));
            chmodSync(to, mode || 0o644);
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => done(modes));
      zip.readEntry();
    });
  });
}

/** One Gradescope run: a fresh submission/ and results/, run_autograder, its results.json. */
function runAutograder(files: Record<string, string | Buffer>, env: Record<string, string> = {}): { results: Results; stdout: string } {
  rmSync(join(ag, 'submission'), { recursive: true, force: true });
  rmSync(join(ag, 'results'), { recursive: true, force: true });
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(dirname(join(ag, 'submission', name)), { recursive: true });
    writeFileSync(join(ag, 'submission', name), data);
  }
  mkdirSync(join(ag, 'submission'), { recursive: true });
  mkdirSync(join(ag, 'results'));
  const r = spawnSync('bash', [join(ag, 'source', 'run_autograder')], {
    cwd: ag, encoding: 'utf8', timeout: 600_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ag, AUTOGRADER_ROOT: ag, ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  return { results: JSON.parse(readFileSync(join(ag, 'results', 'results.json'), 'utf8')) as Results, stdout: r.stdout + r.stderr };
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'lec4-gradescope-test-'));
  bundle = join(base, 'gradescope-autograder.zip');
  await buildBundle(bundle, ROOT, { env: { LEC4_COURSE_SECRET: SECRET } });
  ag = join(base, 'autograder');
  mkdirSync(join(ag, 'source'), { recursive: true });
  await unzip(bundle, join(ag, 'source'));
  // Stand-ins for what setup.sh installs on Gradescope: this machine's node_modules, and the
  // MNIST cache if this checkout has built it (else setup.sh builds it, a few seconds more).
  symlinkSync(join(ROOT, 'node_modules'), join(ag, 'source', 'node_modules'));
  const cache = join(ROOT, 'data', 'cache', 'mnist-v1.bin');
  if (existsSync(cache)) cpSync(cache, join(ag, 'source', 'data', 'cache', 'mnist-v1.bin'));
  writeFileSync(join(ag, 'submission_metadata.json'), JSON.stringify({ users: [{ email: 'taro@example.jp', id: 4242, name: '山田 太郎', sid: 'B24-001' }] }));
}, 120_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the bundle', () => {
  it('has setup.sh and run_autograder at its root, executable, the course files and the secret, and nothing of a student', async () => {
    const modes = await unzip(bundle, join(base, 'again'));
    expect(modes.get('setup.sh')! & 0o111).toBeTruthy();
    expect(modes.get('run_autograder')! & 0o111).toBeTruthy();
    expect(modes.get(SECRET_FILE)).toBe(0o600);
    expect(readFileSync(join(base, 'again', SECRET_FILE), 'utf8').trim()).toBe(SECRET);
    const names = [...modes.keys()];
    for (const f of ['solutions/02_backward.ts', 'course/manifest.ts', 'course/checks/hidden.ts', 'course/faults.ts', 'grader/batch/run.ts', 'grader/lms/gradescope.ts', 'lib/matrix.ts', 'data/prepare.ts', 'package-lock.json']) {
      expect(names).toContain(f);
    }
    expect(names.filter(n => /^(node_modules|assignments|test|out|dist|\.grader-cache)\//.test(n))).toEqual([]);
  });

  it('is refused without a course secret, saying how to make one', async () => {
    const empty = join(base, 'no-secret-root');
    mkdirSync(empty);
    expect(findCourseSecret(empty, {})).toBeUndefined();
    expect(findCourseSecret(empty, { LEC4_COURSE_SECRET: 'a-secret-of-16-chars-or-more' })?.from).toBe('LEC4_COURSE_SECRET');
    expect(() => findCourseSecret(empty, { LEC4_COURSE_SECRET: 'short' })).toThrow(/too short/);
    await expect(buildBundle(join(base, 'x.zip'), empty, { env: {} })).rejects.toThrow(BundleError);
    await expect(buildBundle(join(base, 'x.zip'), empty, { env: {} })).rejects.toThrow(/\.course-secret/);
    expect(existsSync(join(base, 'x.zip'))).toBe(false);
  });
});

describe('run_autograder in an /autograder-like folder (hidden checks)', () => {
  beforeAll(() => {
    const r = spawnSync('bash', [join(ag, 'source', 'setup.sh')], {
      encoding: 'utf8', timeout: 300_000,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ag, AUTOGRADER_SOURCE: join(ag, 'source'), LEC4_SKIP_INSTALL: '1', LEC4_SKIP_SMOKE: '1' },
    });
    if (r.status !== 0) throw new Error(`setup.sh failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }, 300_000);

  it('setup.sh prepared the digits and locked the secret', () => {
    expect(existsSync(join(ag, 'source', 'data', 'cache', 'mnist-v1.bin'))).toBe(true);
    expect(statSync(join(ag, 'source', SECRET_FILE)).mode & 0o777).toBe(0o600);
  });

  it('a correct upload (a zip of Lec4/assignments/) scores 100', () => {
    const { results, stdout } = runAutograder({ 'Lec4.zip': zipBytes(filesUnder('Lec4/assignments/', reference())) });
    expect(results.score, stdout).toBe(100);
    expect(results.tests.map(t => t.name.split(':')[0])).toEqual(RUBRIC.map(e => e.id));
    expect(results.tests.every(t => t.status === 'passed' && t.score === t.max_score)).toBe(true);
    // Hidden checks reach students only once the grades are published.
    expect(results.tests.filter(t => t.visibility === 'after_published').length).toBe(RUBRIC.filter(e => e.visibility === 'hidden').length);
    expect(results.extra_data).toMatchObject({ status: 'ok', id: 'B24-001' });
  }, 600_000);

  it('the untouched stubs score 0, each check saying what is not implemented', () => {
    const files = Object.fromEntries([...stubs()].map(([f, text]) => [f, text]));
    const { results } = runAutograder(files);
    expect(results.score).toBe(0);
    expect(results.tests).toHaveLength(RUBRIC.length);
    expect(results.tests.every(t => t.status === 'failed' && t.score === 0)).toBe(true);
    expect(results.extra_data.status).toBe('partial');
  }, 600_000);

  it('an upload without the five files scores 0 and says why (in the language chosen at make gradescope)', () => {
    const { results } = runAutograder({ 'main.py': 'print("hello")\n', 'レポート.txt': '課題' });
    expect(results.score).toBe(0);
    expect(results.tests).toEqual([]);
    expect(results.output).toMatch(/課題ファイル \(01_forward\.ts, .*\) が 1 つもありません/);
    expect(results.extra_data).toMatchObject({ not_graded: true, status: 'error' });
  }, 120_000);

  it('a broken environment (no Node 20) still writes results.json with score 0 and the reason', () => {
    const { results } = runAutograder({ '01_forward.ts': reference().get('01_forward.ts')! }, { NODE: join(base, 'no-such-node') });
    expect(results.score).toBe(0);
    expect(results.output).toMatch(/Node 20 or newer is not installed/);
    expect(results.output).toMatch(/採点環境の問題/);
    expect(results.extra_data).toMatchObject({ not_graded: true, status: 'environment' });
  });
});
