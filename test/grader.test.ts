// The grader end to end: the reference scores 100 (all public points, and the hidden ones),
// the untouched stubs score 0 without a crash, one step can be graded alone, results.json and
// JUnit have the shapes CI and Gradescope read, the report speaks ja or en (GRADE_LANG, then the locale),
// and the CLI exits 0 whenever grading ran, whatever the score, and 2 when it could not.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade, GRADER_VERSION, rubricHash, type GradeReport } from '../grader/engine.ts';
import { readFolder } from '../grader/intake.ts';
import type { Oracle } from '../grader/oracle.ts';
import { defaultLang, parseLang } from '../grader/report/lang.ts';
import { toGradescope, toJUnit, type GradescopeResults } from '../grader/report/results.ts';
import { renderTerminal } from '../grader/report/terminal.ts';
import { RUBRIC, TOTAL_POINTS } from '../grader/rubric.ts';
import { liveOracle } from '../grader/setup.ts';
import { reference, removeSubmissions, ROOT, submission } from './helpers/submission.ts';

const out = mkdtempSync(join(tmpdir(), 'lec4-grader-test-'));
const PUBLIC_POINTS = RUBRIC.filter(e => e.visibility === 'public').reduce((s, e) => s + e.points, 0);

interface Run { code: number | null; stdout: string; stderr: string }

/** `npx tsx grader/cli.ts …` in a child process, with the given locale. */
function cli(args: string[], locale: Record<string, string> = { LANG: 'C.UTF-8' }): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, GRADE_LANG: undefined, LANG: undefined, LC_ALL: undefined, LC_MESSAGES: undefined, ...locale };
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'grader/cli.ts'), ...args], { cwd: ROOT, env });
    let stdout = '', stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b; });
    p.stderr.on('data', (b: Buffer) => { stderr += b; });
    p.on('error', reject);
    p.on('close', code => resolve({ code, stdout, stderr }));
  });
}

/**
 * A minimal XML reader, enough to prove the JUnit file well-formed: one prolog, balanced and
 * properly nested elements, quoted attributes, only the five predefined entities, no stray
 * `<` or `&`. Returns the elements in document order with their attributes.
 */
function parseXml(text: string): { name: string; attrs: Record<string, string>; text: string }[] {
  const prolog = '<?xml version="1.0" encoding="UTF-8"?>\n';
  expect(text.startsWith(prolog)).toBe(true);
  const entity = /&(?:lt|gt|amp|quot|apos);/g;
  const plain = (s: string, where: string) => expect(s.replace(entity, ''), where).not.toMatch(/[<&]/);
  const unescape = (s: string) => s.replace(entity, e => ({ '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&apos;': "'" })[e]!);
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/y;
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const open: { name: string; attrs: Record<string, string>; text: string }[] = [];
  let pos = prolog.length;
  while (pos < text.length) {
    token.lastIndex = pos;
    const m = token.exec(text);
    expect(m, `unparsable XML at ${pos}: ${text.slice(pos, pos + 40)}`).not.toBeNull();
    pos = token.lastIndex;
    const [, close, name, attrText, selfClose, chars] = m!;
    if (chars !== undefined) {
      plain(chars, 'text');
      if (open.length) open[open.length - 1].text += unescape(chars);
      else expect(chars.trim(), 'text outside the root').toBe('');
    } else if (close) {
      expect(open.pop()?.name, `</${name}> closes another element`).toBe(name);
    } else {
      const attrs: Record<string, string> = {};
      for (const [, k, v] of attrText.matchAll(/([\w.-]+)="([^"]*)"/g)) {
        plain(v, `attribute ${k}`);
        expect(attrs[k], `duplicate attribute ${k}`).toBeUndefined();
        attrs[k] = unescape(v);
      }
      const el = { name, attrs, text: '' };
      expect(open.length > 0 || elements.length === 0, 'a second root element').toBe(true);
      elements.push(el);
      if (!selfClose) open.push(el);
    }
  }
  expect(open.map(e => e.name), 'unclosed elements').toEqual([]);
  return elements;
}

function checkJUnit(text: string, report: Pick<GradescopeResults, 'tests'>): void {
  const els = parseXml(text);
  const [root, suite] = els;
  expect(root.name).toBe('testsuites');
  expect(suite.name).toBe('testsuite');
  const cases = els.filter(e => e.name === 'testcase');
  const failures = els.filter(e => e.name === 'failure').length;
  const errors = els.filter(e => e.name === 'error').length;
  for (const el of [root, suite]) {
    expect(Number(el.attrs.tests)).toBe(cases.length);
    expect(Number(el.attrs.failures)).toBe(failures);
    expect(Number(el.attrs.errors)).toBe(errors);
  }
  expect(cases.length).toBe(report.tests.length);
  expect(failures + errors).toBe(report.tests.filter(t => t.status === 'failed').length);
  expect(cases.map(c => c.attrs.name)).toEqual(report.tests.map(t => t.name));
}

function checkResultsShape(r: GradescopeResults, report?: GradeReport): void {
  expect(Object.keys(r).sort()).toEqual(['execution_time', 'extra_data', 'output', 'score', 'tests']);
  expect(typeof r.score).toBe('number');
  expect(r.execution_time).toBeGreaterThan(0);
  expect(r.tests.reduce((s, t) => s + t.score, 0)).toBe(r.score);
  const seen = new Set<string>();
  for (const t of r.tests) {
    expect(Object.keys(t).sort()).toEqual(['extra_data', 'max_score', 'name', 'number', 'output', 'score', 'status', 'visibility']);
    const e = RUBRIC.find(x => x.id === t.extra_data.check)!;
    expect(e, t.name).toBeDefined();
    expect(t.name.startsWith(`${e.id}: `)).toBe(true);
    expect(t.number).toMatch(new RegExp(`^${e.step}\\.\\d+$`));
    expect(seen.has(t.number)).toBe(false);
    seen.add(t.number);
    expect(t.max_score).toBe(e.points);
    expect([0, e.points]).toContain(t.score);
    expect(t.status).toBe(t.score === t.max_score ? 'passed' : 'failed');
    expect(t.visibility).toBe(e.visibility === 'public' ? 'visible' : 'after_published');
    expect(t.extra_data.step).toBe(e.step);
    expect(typeof t.output).toBe('string');
    if (t.status === 'failed') expect(t.output.length).toBeGreaterThan(0);
  }
  expect(r.extra_data.grader_version).toBe(GRADER_VERSION);
  expect(r.extra_data.rubric_hash).toBe(rubricHash());
  expect(r.extra_data.rubric_hash).toMatch(/^[0-9a-f]{16}$/);
  expect(Object.keys(r.extra_data.seeds).sort()).toEqual(r.tests.map(t => t.extra_data.check).sort());
  // TA grading (a secret tag) draws every seed from the course secret; a student's run uses the rubric's.
  for (const [id, seed] of Object.entries(r.extra_data.seeds)) {
    if (r.extra_data.secret_tag) expect(seed, id).not.toBe(RUBRIC.find(e => e.id === id)!.seed);
    else expect(seed, id).toBe(RUBRIC.find(e => e.id === id)!.seed);
  }
  if (report) expect(r.tests.map(t => t.extra_data.check)).toEqual(report.verdicts.map(v => v.id));
}

const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as GradescopeResults;

describe('through the CLI', () => {
  let ref: Run, stubs: Run, oneStep: Run, badStep: Run;

  beforeAll(async () => {
    // The reference, hidden checks and training included, in English: alone, it is the heavy one
    // (two cores, and other test files run beside this one).
    ref = await cli(['grade', '--submission', 'solutions', '--hidden', '--lang', 'en',
      '--results', join(out, 'ref.json'), '--junit', join(out, 'ref.xml')]);
    [stubs, oneStep, badStep] = await Promise.all([
      // The untouched stubs (./assignments), hidden checks included, language from LANG.
      cli(['grade', '--submission', '.', '--hidden', '--no-typecheck', '--results', join(out, 'stubs.json'), '--junit', join(out, 'stubs.xml')],
        { LANG: 'ja_JP.UTF-8' }),
      cli(['grade', '--submission', 'solutions', '--step', '3', '--no-typecheck', '--results', join(out, 'step3.json')], { LC_ALL: 'en_US.UTF-8', LANG: 'ja_JP.UTF-8' }),
      cli(['grade', '--submission', 'solutions', '--step', '9']),
    ]);
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the reference scores 100 of 100 with the hidden checks, every public point included; exit 0', () => {
    expect(ref.code, ref.stderr).toBe(0);
    const r = readJson(join(out, 'ref.json'));
    expect(r.score).toBe(100);
    expect(TOTAL_POINTS).toBe(100);
    expect(r.tests.every(t => t.status === 'passed')).toBe(true);
    expect(r.tests.filter(t => t.visibility === 'visible').reduce((s, t) => s + t.score, 0)).toBe(PUBLIC_POINTS);
    expect(r.tests.map(t => t.extra_data.check)).toEqual(RUBRIC.map(e => e.id));
    expect(ref.stdout).toContain('total: 100 / 100');
    expect(ref.stdout).not.toMatch(/\x1b\[/); // not a terminal: no colour codes
  });

  it('results.json and JUnit have the documented shapes (Gradescope results.json, JUnit)', () => {
    for (const name of ['ref', 'stubs']) {
      const r = readJson(join(out, `${name}.json`));
      checkResultsShape(r);
      checkJUnit(readFileSync(join(out, `${name}.xml`), 'utf8'), r);
    }
  });

  it('the untouched stubs score 0 of the public and 0 of the hidden points, every check saying "not implemented", exit 0', () => {
    expect(stubs.code, stubs.stderr).toBe(0);
    const r = readJson(join(out, 'stubs.json'));
    expect(r.score).toBe(0);
    expect(r.tests.length).toBe(RUBRIC.length);
    for (const t of r.tests) {
      expect(t.status, t.name).toBe('failed');
      expect(t.output, t.name).toMatch(/はまだ実装されていません/);
      expect(t.extra_data.fault, t.name).toBeUndefined();
    }
    // LANG=ja_JP.UTF-8 and no --lang: the report is in Japanese.
    expect(stubs.stdout).toContain('合計: 0 / 100');
    expect(r.tests[0].name).toBe('01.sigmoid: sigmoid (大きな |a| も含む)');
  });

  it('--step 3 grades step 03 alone (LC_ALL wins over LANG)', () => {
    expect(oneStep.code, oneStep.stderr).toBe(0);
    const r = readJson(join(out, 'step3.json'));
    expect(r.tests.map(t => t.extra_data.check)).toEqual(RUBRIC.filter(e => e.step === '03' && e.visibility === 'public').map(e => e.id));
    expect(r.score).toBe(9);
    expect(oneStep.stdout).toContain('total: 9 / 9');
    expect(oneStep.stdout).not.toMatch(/\b0[1245] /);
  });

  it('a bad --step exits 2 and says what a step is', () => {
    expect(badStep.code).toBe(2);
    expect(badStep.stderr).toMatch(/--step.*'9' is invalid.*expected a step 1–6/);
    expect(badStep.stdout).not.toContain('total');
  });
});

describe('in process', () => {
  let oracle: Oracle;
  beforeAll(async () => { oracle = await liveOracle(ROOT); });
  afterAll(removeSubmissions);

  it('the stubs score 0 of the public points without a crash, and one step grades alone', async () => {
    const r = await grade(readFolder(ROOT), { oracle, steps: ['01', '02', '03', '04', '05'] });
    expect(r.score).toBe(0);
    expect(r.checkedPoints).toBe(RUBRIC.filter(e => e.visibility === 'public' && e.step !== '06').reduce((s, e) => s + e.points, 0));
    for (const v of r.verdicts) {
      expect(v.status, v.id).toBe('error');
      expect(v.messages.length, v.id).toBeGreaterThan(0);
      for (const m of v.messages) expect(m.en, v.id).toMatch(/\w+\(\) in 0\d_\w+\.ts is not implemented yet/);
    }
    const two = await grade(readFolder(join(ROOT, 'solutions')), { oracle, steps: ['02'] });
    expect(two.verdicts.map(v => v.id)).toEqual(['02.delta', '02.grads', '02.gradcheck', '02.pure']);
    expect(two.score).toBe(two.checkedPoints);
  });

  it('what a submission writes into its error messages is escaped in JUnit; escape sequences go, other controls show as \\xNN', async () => {
    const src = reference('01_forward.ts').replace('return 1 / (1 + Math.exp(-a));',
      'throw new Error(\'<b>"x" & \\\'y\\\' ]]> \\x1b[2J\\x07\\x00</b>\');');
    const r = await grade(readFolder(submission({ '01_forward.ts': src })), { oracle, steps: ['01'] });
    const gs = toGradescope(r, 'en');
    checkResultsShape(gs, r);
    const xml = toJUnit(r, 'en');
    checkJUnit(xml, gs);
    const sigmoid = gs.tests.find(t => t.extra_data.check === '01.sigmoid')!;
    expect(sigmoid.output).toContain('<b>"x" & \'y\' ]]> \\x07\\x00</b>');
    expect(sigmoid.output).not.toMatch(/[\x00-\x08\x1b]/);
    expect(parseXml(xml).find(e => e.name === 'error')!.text).toContain('<b>"x" & \'y\' ]]> \\x07\\x00</b>');
  });

  it('the report speaks Japanese or English: --lang, else GRADE_LANG, else LC_ALL, LC_MESSAGES, LANG (the full table: test/lang.test.ts)', async () => {
    expect(defaultLang({ LANG: 'ja_JP.UTF-8' })).toBe('ja');
    expect(defaultLang({ LANG: 'en_US.UTF-8' })).toBe('en');
    expect(defaultLang({})).toBe('ja');
    expect(defaultLang({ LC_ALL: 'C', LANG: 'en_US.UTF-8' })).toBe('ja');
    expect(defaultLang({ LC_MESSAGES: 'ja_JP', LANG: 'en_US' })).toBe('ja');
    expect(parseLang('ja', { LANG: 'en_US' })).toBe('ja');
    expect(parseLang('en', { LANG: 'ja_JP' })).toBe('en');
    expect(parseLang(undefined, { LANG: 'ja_JP' })).toBe('ja');
    expect(() => parseLang('fr')).toThrow(/ja or en/);

    const src = reference('01_forward.ts').replace('return diff.mul(diff).sum() / 2 / n;', 'return diff.mul(diff).sum() / n;');
    const r = await grade(readFolder(submission({ '01_forward.ts': src })), { oracle, steps: ['01'] });
    const ja = renderTerminal(r, { lang: 'ja' }), en = renderTerminal(r, { lang: 'en' });
    // The squared-error check and the purity check (a right result is part of purity): 14 / 17.
    expect(ja).toContain('合計: 14 / 17');
    expect(ja).toContain('二乗誤差に ½ がない');
    expect(en).toContain('total: 14 / 17');
    expect(en).toContain('squared error without the ½');
    expect(en).not.toMatch(/[\u3040-\u30ff]/); // no kana in the English report
    expect(toGradescope(r, 'ja').tests.find(t => t.extra_data.check === '01.loss.squared')!.output).toContain('期待');
  });
});
