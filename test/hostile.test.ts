// Hostile submissions: each case is the reference with one hostile file from
// test/fixtures/hostile/<case>/assignments/. Each is graded without harm (nothing written,
// nothing read outside the sandbox, no connection, bounded time), gains no points it should
// not, costs only the steps it touches, and the report says why, in words a student can act on.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade, type GradeReport } from '../grader/engine.ts';
import { readFolder } from '../grader/intake.ts';
import type { Oracle } from '../grader/oracle.ts';
import { toGradescope, toJUnit } from '../grader/report/results.ts';
import { renderTerminal } from '../grader/report/terminal.ts';
import { RUBRIC } from '../grader/rubric.ts';
import { DEFAULT_LIMITS, type Limits } from '../grader/sandbox/child.ts';
import { liveOracle } from '../grader/setup.ts';
import type { StepId, Verdict } from '../grader/types.ts';
import { hostileCase, hostileFiles, lineOf, removeSubmissions, ROOT } from './helpers/submission.ts';

/**
 * The grader's own limits (4 s a call): shorter ones would save a few seconds but make the
 * innocent steps' first calls (a process start each) flaky on a busy two-core machine.
 */
const LIMITS: Limits = DEFAULT_LIMITS;

let oracle: Oracle;
let server: Server;
let port = 0;
let connections = 0;
const marks = mkdtempSync(join(tmpdir(), 'lec4-hostile-marks-'));

beforeAll(async () => {
  oracle = await liveOracle(ROOT);
  // A port on this machine that the network case tries to reach; it must see nothing.
  server = createServer(socket => { connections++; socket.destroy(); });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  removeSubmissions();
  rmSync(marks, { recursive: true, force: true });
  await new Promise(resolve => server.close(resolve));
});

async function gradeCase(name: string, steps: StepId[], limits: Limits = LIMITS, vars: Record<string, string> = {}): Promise<GradeReport> {
  const dir = hostileCase(name, { __PORT__: String(port), __REPO__: ROOT, __TMP__: marks, ...vars });
  return grade(readFolder(dir), { oracle, steps, limits });
}

const fixture = (name: string, file: string) => hostileFiles(name)[file];
const verdict = (r: GradeReport, id: string): Verdict => r.verdicts.find(v => v.id === id)!;
const stepVerdicts = (r: GradeReport, step: StepId) => r.verdicts.filter(v => v.step === step);
const text = (v: Verdict) => v.messages.map(m => m.en).join('\n');
const stepPoints = (step: StepId) => RUBRIC.filter(e => e.step === step && e.visibility === 'public').reduce((s, e) => s + e.points, 0);

/** The runner's answer to a module asked for at run time, in both languages. */
const REFUSED = (module: string) => new RegExp(`"${module}": 採点環境では実行時の import\\(\\) / require\\(\\) は使えません.* / `
  + `import\\(\\) and require\\(\\) at run time are not available in the grading sandbox: only static imports of \\.\\./lib/\\{matrix,random,model\\}\\.ts and your own assignment files`);

/** Every public check of these steps passes: the hostile file costs nothing elsewhere. */
function expectFull(r: GradeReport, ...steps: StepId[]): void {
  for (const s of steps) {
    const vs = stepVerdicts(r, s);
    expect(vs.length, `step ${s} graded`).toBeGreaterThan(0);
    for (const v of vs) expect(v.status, `${v.id}: ${text(v)}`).toBe('passed');
  }
}

/** Every check of the step scores 0, each with a reason that matches. */
function expectZero(r: GradeReport, step: StepId, reason: RegExp): void {
  const vs = stepVerdicts(r, step);
  expect(vs.length).toBeGreaterThan(0);
  for (const v of vs) {
    expect(v.points, v.id).toBe(0);
    expect(text(v), v.id).toMatch(reason);
  }
}

describe('hangs, exits and throws', () => {
  it('an infinite loop while loading 03_sgd.ts costs step 03 and training, nothing else, killed after 4 s, in bounded time', async () => {
    const r = await gradeCase('import-loop', ['01', '02', '03', '04', '05', '06']);
    expectZero(r, '03', /time limit: no answer within 4 s while importing 03_sgd\.ts \(infinite loop\?\)/);
    for (const v of stepVerdicts(r, '03')) expect(v.status).toBe('error');
    expectFull(r, '01', '02', '04', '05');
    // Training loads every file: it stops at the same import, after the per-call limit (not the
    // 90 s training budget).
    expectZero(r, '06', /no answer within 4 s while importing 03_sgd\.ts/);
    expect(r.score).toBe(81 - stepPoints('03') - stepPoints('06'));
    expect(r.seconds).toBeLessThan(60); // the old behaviour waited out the 90 s training budget
  }, 90_000);

  it('an infinite loop inside corrupt(): its checks and the denoising run fail, named; plain training passes', async () => {
    const r = await gradeCase('function-loop', ['05', '06']);
    expectZero(r, '05', /corrupt\(\).*(no answer within 4 s while running 05_denoising\.ts corrupt\(\)|timed out before)/);
    expect(text(verdict(r, '05.exact'))).toMatch(/no answer within 4 s while running 05_denoising\.ts corrupt\(\) \(infinite loop\?\)/);
    // The denoising run calls corrupt(); the plain run never does.
    expect(verdict(r, '06.train').status, text(verdict(r, '06.train'))).toBe('passed');
    expect(text(verdict(r, '06.denoise'))).toMatch(/no answer within 4 s while running corrupt\(\) during training/);
    expect(r.seconds).toBeLessThan(60); // the old behaviour waited out the 90 s training budget
  }, 90_000);

  it('process.exit(0) while loading: that step scores 0, "process.exit?"', async () => {
    const r = await gradeCase('process-exit', ['01', '02']);
    expectZero(r, '01', /the sandbox process exited with code 0 \(process\.exit\?\) while importing 01_forward\.ts/);
    expectFull(r, '02');
  });

  it('a throw while loading: the error and its line', async () => {
    const line = lineOf(fixture('import-throw', '02_backward.ts'), "throw new Error('boom");
    const r = await gradeCase('import-throw', ['02', '03']);
    expectZero(r, '02', new RegExp(`02_backward\\.ts failed while loading \\(02_backward\\.ts line ${line}\\): Error: boom while loading`));
    expectFull(r, '03');
  });
});

describe('files, network, processes', () => {
  it('a static import of node:fs is refused when compiling, with the reason and the line', async () => {
    const r = await gradeCase('static-fs', ['01']);
    // (The policy's text carries both languages: it comes through esbuild as one string.)
    expectZero(r, '01', /01_forward\.ts does not compile \(01_forward\.ts line 2, column \d+\): .*import "node:fs" is not allowed: only \.\.\/lib\/\{matrix,random,model\}\.ts and your own assignment files/);
  });

  it('node:fs at run time (a computed import(), process.getBuiltinModule) is refused: nothing is read', async () => {
    const r = await gradeCase('read-files', ['01']);
    for (const id of ['01.sigmoid', '01.forward.identity', '01.forward.sigmoid', '01.loss.squared', '01.pure']) {
      expect(verdict(r, id).points, id).toBe(0);
      expect(text(verdict(r, id)), id).toMatch(REFUSED('(node:)?fs'));
    }
    // crossEntropy reads nothing and is right: it keeps its points.
    expect(verdict(r, '01.loss.cross').status).toBe('passed');
    expect(r.score).toBe(2);
    const all = JSON.stringify(r);
    expect(all).not.toContain('root:');
    expect(all).not.toContain('BEGIN SOLUTION');
  });

  it('writing files is refused and nothing appears on disk', async () => {
    const r = await gradeCase('write-file', ['05']);
    expectZero(r, '05', /writes refused: pwned\.txt: "fs": 採点環境では実行時の[^;]*; \S+\/pwned\.txt: "fs": 採点環境では[^;]*; \S+\/pwned\.txt: "fs": 採点環境では/);
    expect(existsSync(join(ROOT, 'pwned.txt'))).toBe(false);
    expect(existsSync(join(marks, 'pwned.txt'))).toBe(false);
  });

  it('no connection leaves the sandbox (TCP and fetch to a port on this machine)', async () => {
    const r = await gradeCase('network', ['04']);
    expectZero(r, '04', /04_adam\.ts failed while loading .*network probe: tcp=no net \("node:net": 採点環境では.*\), fetch=\w+/);
    expect(text(verdict(r, '04.init'))).not.toMatch(/tcp=connected|fetch=fetched/);
    if (r.protections.network) expect(connections).toBe(0);
    else expect(r.protections.notes.join(' ')).toMatch(/network not isolated/);
  });

  it('child processes, workers, eval and new Function are all refused, each check saying which', async () => {
    const r = await gradeCase('capabilities', ['01']);
    expect(text(verdict(r, '01.sigmoid'))).toMatch(REFUSED('child_process'));
    expect(text(verdict(r, '01.forward.identity'))).toMatch(REFUSED('worker_threads'));
    const noEval = /EvalError: Code generation from strings disallowed for this context — eval and new Function are disabled in the grading sandbox/;
    expect(text(verdict(r, '01.loss.squared'))).toMatch(noEval); // eval
    expect(text(verdict(r, '01.loss.cross'))).toMatch(noEval); // new Function
    expect(r.score).toBe(0);
    expect(existsSync(join(marks, 'spawned'))).toBe(false);
    expect(existsSync(join(marks, 'worker'))).toBe(false);
  });
});

describe('signals', () => {
  it('process.kill, its raw binding and os.setPriority are refused: another process of the same user is untouched', async () => {
    // A stand-in for the grader (the child's parent) and any other process of the user.
    const victim = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const before = getPriority(victim.pid!);
      const r = await gradeCase('signals', ['03'], LIMITS, { __VICTIM__: String(victim.pid) });
      expectZero(r, '03', /signals: kill: process\.kill is not available in the grading sandbox; _kill: .*is not a function; setPriority: "os": .*not available in the grading sandbox/);
      expect(victim.exitCode).toBeNull();
      expect(victim.signalCode).toBeNull();
      expect(() => process.kill(victim.pid!, 0)).not.toThrow();
      expect(getPriority(victim.pid!)).toBe(before);
    } finally {
      victim.kill('SIGKILL');
    }
  });
});

describe('memory', () => {
  it('a 3.2 GB typed array fails with "out of memory"', async () => {
    const r = await gradeCase('typed-array-hog', ['02']);
    if (!r.protections.memory) return; // no prlimit: the OS may grant it (the report says this protection is off)
    expectZero(r, '02', /backward\(\) threw .*RangeError: Array buffer allocation failed — out of memory/);
  });

  it('filling the JavaScript heap stops the process with "ran out of memory"', async () => {
    const r = await gradeCase('heap-hog', ['05'], { ...LIMITS, memoryMiB: 512, callMs: 6000 });
    expect(text(verdict(r, '05.exact'))).toMatch(/the sandbox process ran out of memory \(limit 512 MiB\) while running 05_denoising\.ts corrupt\(\)/);
    expectZero(r, '05', /ran out of memory/);
  });
});

describe('cheating', () => {
  it('a printed fake score changes nothing and never reaches the report', async () => {
    const r = await gradeCase('fake-score', ['03']);
    // The update has the sign mistake: no check passes (purity is paid only with a right
    // result), as without the printing.
    expect(r.score).toBe(0);
    expect(verdict(r, '03.one').fault?.id).toBe('sgd-sign');
    expect(r.output).toContain('total: 100 / 100'); // captured, for display only
    for (const report of [renderTerminal(r, { lang: 'en' }), renderTerminal(r, { lang: 'ja' }),
      JSON.stringify(toGradescope(r, 'en')), toJUnit(r, 'en')]) {
      expect(report).not.toContain('100 / 100');
      expect(report).not.toContain('All public checks pass');
      expect(report).not.toContain('\x1b[2J');
    }
  });

  it('patching Matrix.prototype, Math.exp and JSON.stringify changes only the submission\'s own results', async () => {
    const r = await gradeCase('monkey-patch', ['01', '05', '06']);
    // corrupt() uses none of them; other steps run in other processes; the judge is untouched.
    expectFull(r, '01', '05');
    // Training loads the patched file, so its own training breaks: a normal failure, no crash.
    for (const v of stepVerdicts(r, '06')) {
      expect(v.status, v.id).toBe('failed');
      expect(text(v), v.id).toMatch(/loss does not fall|test error|reference/);
    }
    expect(Math.exp(1)).toBe(Math.E);
  }, 60_000);

  it('answers forged on the grader\'s channel are refused as forged, even the right one', async () => {
    const r = await gradeCase('forge-channel', ['04']);
    // adamInit forges the right answer (zeros of the right shapes) and throws: no points.
    expect(r.score).toBe(0);
    expect(verdict(r, '04.init').status).toBe('error');
    expect(text(verdict(r, '04.init'))).toMatch(/grader's channel was disturbed .*forged output\?/);
    for (const v of r.verdicts) expect(text(v), v.id).toMatch(/forged output\?/);
  });
});

describe('the runner shares a realm with the submission', () => {
  it('in-place updates hidden by replacing Array.prototype.forEach, JSON.stringify and Object.keys for one call lose 03.pure', async () => {
    const r = await gradeCase('hidden-mutation', ['03']);
    const pure = verdict(r, '03.pure');
    expect(pure.status).toBe('failed');
    expect(text(pure)).toMatch(/sgdStep\(\) modified its arguments: params\.W0, params\.W1$/m);
    expect(pure.fault?.id).toBe('mutates-arguments');
    expect(verdict(r, '03.one').status, text(verdict(r, '03.one'))).toBe('passed'); // the result itself is right
  });

  it('matrices updated in place and then swapped for copies of their old values lose 03.pure', async () => {
    const r = await gradeCase('swapped-arguments', ['03']);
    const pure = verdict(r, '03.pure');
    expect(pure.status).toBe('failed');
    expect(text(pure)).toMatch(/sgdStep\(\) modified its arguments: params\.W0, params\.W1$/m);
    expect(verdict(r, '03.one').status, text(verdict(r, '03.one'))).toBe('passed');
  });

  it('toJSON, setters, Symbol.toPrimitive, JSON.stringify and Array hooks neither see an answer nor change it: 12345 stays 12345', async () => {
    const r = await gradeCase('forge-hooks', ['01']);
    const v = verdict(r, '01.sigmoid');
    expect(v.points).toBe(0);
    expect(v.status).toBe('failed');
    expect(text(v)).toMatch(/\[a=0\] sigmoid: expected 0\.500000, got 1\.235e\+4/);
    expect(text(v)).not.toMatch(/forged|disturbed/);
    expect(r.output).not.toContain('HOOK-SAW-AN-ANSWER');
    expect(r.score).toBe(0);
    // A thrown Proxy is described without touching its traps.
    expect(text(verdict(r, '01.forward.identity'))).toMatch(/forward\(\) threw.*non-Error thrown: an object/);
    expect(r.output).not.toContain('RUNNER-RAN-A-TRAP');
  });

  it('modules asked for at run time are refused by every route, with the reason in both languages', async () => {
    const r = await gradeCase('runtime-imports', ['01']);
    expectZero(r, '01', /01_forward\.ts failed while loading/);
    const report = text(verdict(r, '01.sigmoid'));
    expect(report).toMatch(REFUSED('node:fs')); // the whole answer, once
    for (const [route, spec] of [['crypto', 'node:crypto'], ['data', 'data:text/javascript,export default 42'],
      ['file', 'file:///etc/hostname'], ['vm', 'node:vm'], ['createRequire', 'node:module'], ['getBuiltinModule', 'os'], ['require', 'os']]) {
      expect(report).toContain(`${route}: "${spec}": 採点環境では実行時の`);
    }
    expect(report).toMatch(/binding: \S*process\.binding is not a function/);
    expect(report).toMatch(/report: Cannot read properties of undefined \(reading 'getReport'\)/);
    expect(report).not.toContain(': GOT ');
  });
});

describe('honest mistakes', () => {
  it('a syntax error costs its step only; the message has line, column and the line', async () => {
    const src = fixture('syntax-error', '04_adam.ts');
    const line = lineOf(src, 'grads.dW0.mul(1 - beta1);');
    const column = src.split('\n')[line - 1].lastIndexOf(';') + 1;
    const r = await gradeCase('syntax-error', ['03', '04']);
    expectZero(r, '04', new RegExp(`04_adam\\.ts does not compile \\(04_adam\\.ts line ${line}, column ${column}\\): Expected "\\)" but found ";"`));
    expect(text(verdict(r, '04.init'))).toContain('const m = state.m.dW0.mul(beta1).add(grads.dW0.mul(1 - beta1);');
    expectFull(r, '03');
  });

  it('transposed results: the message says "transposed?"; the other checks keep their points', async () => {
    const r = await gradeCase('transposed', ['01']);
    for (const id of ['01.forward.identity', '01.forward.sigmoid']) {
      expect(text(verdict(r, id))).toMatch(/forward\.Xb: wrong shape, expected \(8×5\), got \(5×8\) \(転置\? \/ transposed\?\)/);
    }
    expect(r.score).toBe(7); // sigmoid 3, both losses 2 + 2 (purity needs forward's right result)
  });

  it('updating the optimiser state in place fails only the purity check, diagnosed', async () => {
    const r = await gradeCase('mutates', ['04']);
    const pure = verdict(r, '04.pure');
    expect(pure.status).toBe('failed');
    expect(text(pure)).toMatch(/adamStep\(\) modified its arguments: state\.m\.dW0, state\.m\.dW1, state\.v\.dW0, state\.v\.dW1/);
    expect(pure.fault?.id).toBe('mutates-arguments');
    expect(r.score).toBe(stepPoints('04') - pure.maxPoints);
  });
});
