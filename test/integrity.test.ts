// TA grades cannot be gamed with what a student has (the release's fixture, the public seeds):
//  - a submission with no mathematics that replays the reference's answers for the public
//    checks' inputs scores points locally (the attack is real) and 0 in TA grading, where every
//    check, public ones included, draws its cases from the course secret;
//  - functions that all return null earn nothing: purity is paid only with a correct result;
//  - the secret seeds are recorded in results.json, reproduce for an unchanged submission and
//    change with the files.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encode, type Encoded } from '../grader/codec.ts';
import { grade } from '../grader/engine.ts';
import { readFolder, sourcesHash } from '../grader/intake.ts';
import type { Call, Oracle } from '../grader/oracle.ts';
import type { GradescopeResults } from '../grader/report/results.ts';
import { COURSE } from '../grader/course.ts';
import { secretSeed, taSeeding, taSeeds } from '../grader/secret.ts';
import { liveOracle } from '../grader/setup.ts';
import { removeSubmissions, ROOT, submission } from './helpers/submission.ts';

const out = mkdtempSync(join(tmpdir(), 'lec4-integrity-'));
afterAll(() => { rmSync(out, { recursive: true, force: true }); removeSubmissions(); });
const SECRET = 'integrity-test-secret-0123456789abcdef';

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'grader/cli.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: undefined, LEC4_COURSE_SECRET: SECRET, ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b; });
    p.stderr.on('data', (b: Buffer) => { stderr += b; });
    p.on('error', reject);
    p.on('close', code => resolve({ code, stdout, stderr }));
  });
}

async function gradeCli(dir: string, name: string, hidden: boolean, id = 'student-1'): Promise<GradescopeResults> {
  const file = join(out, `${name}.json`);
  const r = await cli(['grade', '--submission', dir, '--results', file, '--no-typecheck', '--lang', 'en', '--step', '3', ...(hidden ? ['--hidden', '--id', id] : [])]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(readFileSync(file, 'utf8')) as GradescopeResults;
}

/** The student's own fingerprint of a call's arguments: numbers summed with their positions. */
const FINGERPRINT = `
function fp(v, acc = { s: 0, k: 1 }) {
  if (typeof v === 'number') { acc.s += v * acc.k; acc.k += 1; }
  else if (v && v.data instanceof Float64Array) { for (let i = 0; i < v.data.length; i++) { acc.s += v.data[i] * (acc.k + i); } acc.k += v.data.length + 1; }
  else if (v && typeof v === 'object') { for (const key of Object.keys(v).sort()) fp(v[key], acc); }
  return acc.s.toPrecision(12);
}
function rebuild(e) {
  if (e && typeof e === 'object' && Array.isArray(e.$m)) {
    const bytes = Buffer.from(e.$m[2], 'base64');
    return new Matrix(e.$m[0], e.$m[1], new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8).slice());
  }
  if (e && typeof e === 'object') return Object.fromEntries(Object.entries(e).map(([k, x]) => [k, rebuild(x)]));
  return e;
}`;

/**
 * A submission without mathematics: every function looks its arguments up in a table of the
 * reference's answers, recorded while the public checks ran with the release's seeds (what a
 * student can rebuild from the shipped fixture and checks).
 */
async function lookupSubmission(): Promise<string> {
  const table = new Map<string, Map<string, Encoded>>();
  const live = await liveOracle();
  const fp = new Function('Matrix', `${FINGERPRINT}; return fp;`)(null) as (v: unknown) => string;
  const spy: Oracle = Object.assign(Object.create(live) as Oracle, {
    reference: async (call: Call) => {
      const answer = await live.reference(call);
      const t = table.get(call.module) ?? new Map<string, Encoded>();
      table.set(call.module, t.set(`${call.fn}:${fp(call.args)}`, encode(answer)));
      return answer;
    },
  });
  await grade(readFolder(join(ROOT, 'solutions')), { oracle: spy, steps: COURSE.codeSteps.map(s => s.id) });
  const files: Record<string, string> = {};
  for (const step of COURSE.codeSteps) {
    const module = step.file.replace(/\.ts$/, '');
    const answers = Object.fromEntries(table.get(module) ?? []);
    files[step.file] = [
      "import { Matrix } from '../lib/matrix.ts';",
      `const ANSWERS = ${JSON.stringify(answers)};`,
      FINGERPRINT,
      'function lookup(fn, args) {',
      '  const hit = ANSWERS[fn + ":" + fp(args)];',
      '  if (hit === undefined) throw new Error("no stored answer for these arguments");',
      '  return rebuild(hit);',
      '}',
      ...step.functions.map(f => `export function ${f.name}(...args) { return lookup('${f.name}', args); }`),
    ].join('\n');
  }
  return submission(files);
}

describe('TA grading cannot be replayed from the release', () => {
  it('a table of the public answers scores locally and 0 in TA grading', async () => {
    const dir = await lookupSubmission();
    const oracle = await liveOracle();
    const steps = COURSE.codeSteps.map(s => s.id); // training would only fail on the lookups' throws
    const local = await grade(readFolder(dir), { oracle, steps });
    // The attack works where the seeds are public: most of the public points of 01–05.
    expect(local.score).toBeGreaterThanOrEqual(40);
    // TA grading, as the CLI and batch do it: every check's seed from the course secret.
    const seeding = taSeeding(ROOT, s => !!COURSE.step(s).program, { LEC4_COURSE_SECRET: SECRET });
    const sub = readFolder(dir);
    const seedOf = seeding.seedsFor({ studentId: 'student-1', filesHash: sourcesHash(sub.sources) });
    const ta = await grade(sub, { oracle, steps, hidden: true, seedOf, seedTag: seeding.tag });
    expect(ta.checkedPoints).toBeGreaterThan(local.checkedPoints);
    expect(ta.score).toBe(0);
    expect(ta.verdicts.every(v => v.seed === seedOf(COURSE.rubric.find(e => e.id === v.id)!))).toBe(true);
  }, 300_000);

  it('nine functions that return null earn nothing, purity included; TA results.json records the seeds', async () => {
    const files: Record<string, string> = {};
    for (const step of COURSE.codeSteps) {
      files[step.file] = step.functions.map(f => `export function ${f.name}() { return null; }`).join('\n');
    }
    const dir = submission(files);
    // Every step with a file, hidden checks included (training cannot pass with a null forward).
    const oracle = await liveOracle();
    const seeding = taSeeding(ROOT, s => !!COURSE.step(s).program, { LEC4_COURSE_SECRET: SECRET });
    const sub = readFolder(dir);
    const seedOf = seeding.seedsFor({ studentId: 'student-2', filesHash: sourcesHash(sub.sources) });
    const all = await grade(sub, { oracle, steps: COURSE.codeSteps.map(s => s.id), hidden: true, seedOf });
    expect(all.score).toBe(0);
    expect(all.verdicts.filter(v => v.id.endsWith('.pure')).length).toBe(5);

    // Through the CLI, as a TA runs it: the purity check says why, and results.json has the seeds.
    const ta = await gradeCli(dir, 'null-ta', true);
    const pure = ta.tests.find(t => t.extra_data.check === '03.pure')!;
    expect(pure.status).toBe('failed');
    expect(pure.output).toMatch(/wrong result/);
    expect(ta.extra_data.secret_tag).toMatch(/^[0-9a-f]{12}$/);
    const seeds = ta.extra_data.seeds;
    expect(Object.keys(seeds).sort()).toEqual(COURSE.rubric.filter(e => e.step === '03').map(e => e.id).sort());
    for (const id of Object.keys(seeds)) expect(seeds[id], id).not.toBe(COURSE.rubric.find(e => e.id === id)!.seed);
    // A regrade of the unchanged submission draws the same seeds.
    const again = await gradeCli(dir, 'null-ta-again', true);
    expect(again.extra_data.seeds).toEqual(seeds);
  }, 300_000);
});

describe('secret seeds', () => {
  it('depend on the secret, the student and the files; program steps share one per course', () => {
    const isProgram = (s: string) => !!COURSE.step(s).program;
    const entry = COURSE.rubric.find(e => e.id === '02.delta')!;
    const train = COURSE.rubric.find(e => e.id === '06.train')!;
    const a = taSeeds(SECRET, { studentId: 's1', filesHash: 'h1' }, isProgram);
    expect(a(entry)).toBe(taSeeds(SECRET, { studentId: 's1', filesHash: 'h1' }, isProgram)(entry));
    expect(a(entry)).not.toBe(taSeeds(SECRET, { studentId: 's1', filesHash: 'h2' }, isProgram)(entry));
    expect(a(entry)).not.toBe(taSeeds(SECRET, { studentId: 's2', filesHash: 'h1' }, isProgram)(entry));
    expect(a(entry)).not.toBe(taSeeds(`${SECRET}x`, { studentId: 's1', filesHash: 'h1' }, isProgram)(entry));
    expect(a(entry)).not.toBe(entry.seed);
    expect(a(train)).toBe(taSeeds(SECRET, { studentId: 's2', filesHash: 'h9' }, isProgram)(train));
    expect(secretSeed(SECRET, 'x')).toBeGreaterThan(0);
  });
});
