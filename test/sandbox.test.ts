// The sandbox's layers, each on its own: the compile step leaves student code no
// import() of its own, and beneath that refusal the permission model and the runner's locks
// still hold for code that got hold of a built-in module anyway (a module written straight into
// the sandbox folder stands in for a hole in the refusal).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFile, prepareSandbox } from '../grader/sandbox/compile.ts';
import { SandboxChild } from '../grader/sandbox/child.ts';
import { lineSplitter } from '../grader/sandbox/protocol.ts';
import { removeTempDir } from '../grader/tmp.ts';
import { StudentRunner } from '../grader/student.ts';
import { COURSE } from '../grader/course.ts';
import { base } from '../course/checks/step06.ts';
import { Matrix } from '../lib/matrix.ts';
import { Rng } from '../lib/random.ts';
import { reference as solution } from './helpers/submission.ts';


const marks = mkdtempSync(join(tmpdir(), 'lec4-sandbox-marks-'));
afterAll(() => rmSync(marks, { recursive: true, force: true }));

/** The compiled JavaScript without its inline source map (which quotes the source). */
async function compiled(source: string, file = '02_backward.ts'): Promise<string> {
  const r = await compileFile(file, source);
  if ('error' in r) throw new Error(`did not compile: ${r.error.message}`);
  return r.code.replace(/\/\/# sourceMappingURL=.*$/m, '');
}

describe('compile: no import() reaches the child', () => {
  it('an import() of a name known only at run time becomes a require() call, in every form', async () => {
    for (const source of [
      "const spec = ['node', 'fs'].join(':'); export const p = import(spec);",
      'const x = String(1); export const p = import(`node:${x}`);',
      "const s = String('node:fs'); export const p = import(s, { with: { type: 'json' } });",
      "export const p = (async () => (await import(String('data:text/javascript,export default 1'))).default)();",
    ]) {
      const code = await compiled(source);
      expect(code, source).not.toMatch(/\bimport\s*\(/);
      expect(code, source).toMatch(/__require\(/);
    }
  });

  it('a literal import() or require() is refused when compiling, saying to use an import statement', async () => {
    for (const [source, what] of [
      ["export const p = import('node:os');", 'import("node:os")'],
      ["export const p = import('./02_backward');", 'import("./02_backward")'],
      ["export const p = import('no' + 'de:crypto');", 'import("node:crypto")'],
      ["export const r = () => require('../lib/matrix');", 'require("../lib/matrix")'],
    ]) {
      const r = await compileFile('01_forward.ts', source);
      expect('error' in r && r.error.message, source).toBe(
        `${what} は使えません。ファイルの先頭で import 文を使ってください / ${what} is not allowed: use an import statement at the top of the file`);
    }
  });

  it('import statements of the given library and of earlier steps still compile', async () => {
    const code = await compiled("import { Matrix } from '../lib/matrix.ts';\nimport { sigmoid } from './01_forward.ts';\nexport const m = () => [Matrix, sigmoid];");
    expect(code).toMatch(/from "\.\.\/lib\/matrix\.mjs"/);
    expect(code).toMatch(/from "\.\/01_forward\.mjs"/);
  }, 30_000);
});

/** A module with static imports of built-ins, written into the sandbox as if it had passed. */
const RAW = `
import fs from 'node:fs';
import cp from 'node:child_process';
import { Worker } from 'node:worker_threads';
import os from 'node:os';
const attempt = f => { try { const v = f(); return 'ALLOWED ' + typeof v; } catch (e) { return String(e.code ?? e.message).slice(0, 80); } };
export function sigmoid() {
  let prepare = 'not replaced';
  try { Error.prepareStackTrace = () => 'forged stack'; prepare = 'replaced'; } catch (e) { prepare = e.constructor.name; }
  return {
    read: attempt(() => fs.readFileSync('/etc/hostname', 'utf8')),
    readRepo: attempt(() => fs.readFileSync(${JSON.stringify(join(import.meta.dirname, '..', 'package.json'))}, 'utf8')),
    write: attempt(() => fs.writeFileSync(${JSON.stringify(join(marks, 'written'))}, 'x')),
    spawn: attempt(() => cp.execFileSync('/bin/sh', ['-c', 'touch ${join(marks, 'spawned')}'])),
    worker: attempt(() => new Worker('1', { eval: true })),
    setPriority: attempt(() => os.setPriority(process.pid, 19)),
    kill: attempt(() => process.kill(process.ppid, 0)),
    binding: typeof process.binding, dlopen: typeof process.dlopen, report: typeof process.report,
    prepare, require: attempt(() => require('fs')),
  };
}`;

describe('beneath the refusal: a module that has built-ins anyway', () => {
  it('reads outside the sandbox, writes, processes and workers are denied; signals and reports are locked', async () => {
    const prepared = await prepareSandbox(new Map([['01_forward.ts', 'export function sigmoid(a: number): number { return a; }']]));
    writeFileSync(join(prepared.dir, 'assignments', '01_forward.mjs'), RAW);
    const child = new SandboxChild(prepared.dir);
    try {
      const r = await child.run({ kind: 'call', module: '01_forward', fn: 'sigmoid', args: [] });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      const got = (r as { value: Record<string, string> }).value;
      expect(got).toMatchObject({
        read: 'ERR_ACCESS_DENIED', readRepo: 'ERR_ACCESS_DENIED', write: 'ERR_ACCESS_DENIED',
        spawn: 'ERR_ACCESS_DENIED', worker: 'ERR_ACCESS_DENIED',
        setPriority: 'os.setPriority is not available in the grading sandbox',
        kill: 'process.kill is not available in the grading sandbox',
        binding: 'undefined', dlopen: 'undefined', report: 'undefined', prepare: 'TypeError',
      });
      expect(got.require).toMatch(/^"fs": 採点環境では実行時の import\(\) \/ require\(\) は使えません/);
      expect(existsSync(join(marks, 'written'))).toBe(false);
      expect(existsSync(join(marks, 'spawned'))).toBe(false);
    } finally {
      child.close();
      removeTempDir(prepared.dir);
    }
  }, 30_000);
});

describe('the channel: long lines in many pieces, training data as files', () => {
  it('lineSplitter: lines across pieces and several in one piece, in order; waiting counts the unfinished line', () => {
    const got: string[] = [];
    const lines = lineSplitter(l => got.push(l));
    lines.write('{"a":');
    lines.write('1}\n{"b"');
    expect(got).toEqual(['{"a":1}']);
    expect(lines.waiting()).toBe(4);
    lines.write(':2}\n\nlast\n');
    expect(got).toEqual(['{"a":1}', '{"b":2}', '', 'last']);
    expect(lines.waiting()).toBe(0);
  });

  const sources = (patch: Record<string, string> = {}) => new Map(COURSE.files.map(f => [f, patch[f] ?? solution(f)]));

  it('an answer of megabytes of multi-byte text arrives whole: no character is cut where a chunk ends', async () => {
    const text = `${'あ'.repeat(300_000)}終`;
    const prepared = await prepareSandbox(new Map([['01_forward.ts', `export function sigmoid(a: number): string { return ${JSON.stringify('あ')}.repeat(300_000) + ${JSON.stringify('終')}; }`]]));
    const child = new SandboxChild(prepared.dir);
    try {
      const r = await child.run({ kind: 'call', module: '01_forward', fn: 'sigmoid', args: [0] });
      expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(true);
      expect((r as { value: string }).value === text).toBe(true);
    } finally {
      child.close();
      removeTempDir(prepared.dir);
    }
  }, 30_000);

  it('every training job reads the data afresh: a corrupt() that changes X in place cannot reach the next job', async () => {
    const inPlace = solution('05_denoising.ts').replace('return X.map(x => x + sigma * rng.normal());',
      'for (let i = 0; i < X.data.length; i++) X.data[i] += sigma * rng.normal();\n  return X;');
    expect(inPlace).not.toBe(solution('05_denoising.ts'));
    const prepared = await prepareSandbox(sources({ '05_denoising.ts': inPlace }));
    const runner = new StudentRunner(prepared);
    const rng = new Rng(3);
    const data = { train: Matrix.randn(784, 100, rng, 0.3), test: Matrix.randn(784, 100, rng, 0.3) };
    const job = { train: { ...base(5), epochs: 2, sigma: 0.3 } };
    try {
      const first = await runner.program('06', job, data);
      const second = await runner.program('06', job, data);
      expect(first.ok && second.ok, JSON.stringify([first, second]).slice(0, 300)).toBe(true);
      const history = (o: typeof first) => (o as { value: { history: { trainLoss: number }[] } }).value.history.map(h => h.trainLoss);
      expect(history(second)).toEqual(history(first));
      // The data went as one file, written once, not as base64 in each job.
      expect(readdirSync(prepared.dir).filter(f => /^matrix-[0-9a-f]{32}\.f64$/.test(f))).toHaveLength(2);
    } finally {
      runner.close();
      removeTempDir(prepared.dir);
    }
  }, 60_000);
});
