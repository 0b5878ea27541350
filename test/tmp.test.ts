// Grading leaves nothing in the temp folder: lec4-runtime-*, lec4-sandbox-* and
// lec4-variants-* go on every exit, signals and crashes included, and a sandbox child does not
// outlive its grader. Each process here gets a private TMPDIR, so other tests do not interfere.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileCase, removeSubmissions, ROOT } from './helpers/submission.ts';

// `node --import tsx`, not the tsx CLI: that one runs the script in a second process and reports a
// signal as an exit code; here the process under test is the one that gets the signal.
const TSX = ['--import', 'tsx'];
const privates: string[] = [];
afterAll(() => {
  removeSubmissions();
  for (const d of privates) rmSync(d, { recursive: true, force: true });
});

function privateTmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lec4-tmptest-'));
  privates.push(dir);
  return dir;
}

const leftovers = (dir: string) => readdirSync(dir).filter(n => n.startsWith('lec4-'));

/** Processes whose command line mentions `dir` (sandbox children run runner.mjs from there). */
function processesUsing(dir: string): string[] {
  if (process.platform !== 'linux') return [];
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter(n => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) found.push(pid);
    } catch { /* gone */ }
  }
  return found;
}

function gradeArgs(submission: string): string[] {
  return [...TSX, join(ROOT, 'grader/cli.ts'), 'grade', '--submission', submission, '--step', '3', '--no-typecheck', '--lang', 'en'];
}

const env = (tmp: string) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmp, TMPDIR: tmp });

const until = async (cond: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise(r => setTimeout(r, 50))) if (cond()) return true;
  return cond();
};

describe('temp folders of a grading process', () => {
  it('a grade that ends normally (with a diagnosis, so fault variants are compiled) leaves none', () => {
    const tmp = privateTmp();
    // The sign mistake in sgdStep: diagnosis compiles the fault variants into lec4-variants-*.
    const r = spawnSync(process.execPath, gradeArgs(hostileCase('fake-score')), { cwd: ROOT, encoding: 'utf8', env: env(tmp) });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sign/i); // the diagnosis ran
    expect(leftovers(tmp)).toEqual([]);
  });

  it('a grade stopped by SIGTERM mid-run leaves none, ends as killed by SIGTERM, and takes its sandbox child along', async () => {
    const tmp = privateTmp();
    // 03_sgd.ts never finishes loading: the grade is surely still running when the signal comes.
    const child = spawn(process.execPath, gradeArgs(hostileCase('import-loop')), { cwd: ROOT, env: env(tmp), stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => child.on('exit', (code, signal) => resolve({ code, signal })));
    // Wait for the sandbox and its child process (the infinite loop) to exist.
    expect(await until(() => leftovers(tmp).some(n => n.startsWith('lec4-sandbox-')) && processesUsing(tmp).length > 0, 45_000)).toBe(true);
    child.kill('SIGTERM');
    const end = await exited;
    expect(end.signal).toBe('SIGTERM');
    expect(leftovers(tmp)).toEqual([]);
    expect(await until(() => processesUsing(tmp).length === 0, 5000)).toBe(true);
  }, 90_000);
});

describe('grader/tmp.ts on every way out', () => {
  /** Runs a small script that makes a temp folder and then ends as `how` says. */
  function runScript(how: string): { status: number | null; signal: NodeJS.Signals | null; stdout: string; tmp: string } {
    const tmp = privateTmp();
    const script = join(tmp, 'script.mts');
    writeFileSync(script, `import { makeTempDir } from ${JSON.stringify(join(ROOT, 'grader/tmp.ts'))};\n`
      + `const dir = makeTempDir('lec4-sandbox-');\nconsole.log('made', dir);\n${how}\n`);
    const r = spawnSync(process.execPath, [...TSX, script], { cwd: ROOT, encoding: 'utf8', env: env(tmp), timeout: 30_000 });
    rmSync(script);
    expect(r.stdout).toContain(`made ${tmp}/lec4-sandbox-`);
    return { status: r.status, signal: r.signal, stdout: r.stdout, tmp };
  }

  it('an uncaught exception: exit code 1, folder gone', () => {
    const r = runScript("throw new Error('boom');");
    expect(r.status).toBe(1);
    expect(leftovers(r.tmp)).toEqual([]);
  });

  it('a rejected promise nobody handles: exit code 1, folder gone', () => {
    const r = runScript("Promise.reject(new Error('boom'));");
    expect(r.status).toBe(1);
    expect(leftovers(r.tmp)).toEqual([]);
  });

  it('SIGINT and SIGHUP with no handler of the program: killed by that signal, folder gone', () => {
    for (const signal of ['SIGINT', 'SIGHUP'] as const) {
      const r = runScript(`setTimeout(() => {}, 20_000); process.kill(process.pid, '${signal}');`);
      expect(r.signal, signal).toBe(signal);
      expect(leftovers(r.tmp), signal).toEqual([]);
    }
  });

  it('a program with its own SIGINT handler (like batch) keeps it: its exit code, its message, folder gone', () => {
    const r = runScript("process.once('SIGINT', () => { console.log('own handler'); process.exit(130); });\n"
      + "setTimeout(() => {}, 20_000); process.kill(process.pid, 'SIGINT');");
    expect(r.stdout).toContain('own handler');
    expect(r.status).toBe(130);
    expect(leftovers(r.tmp)).toEqual([]);
  });
});
