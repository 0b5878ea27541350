// bench/grading.ts — wall time of `make grade` on the reference, as a student or TA waits for
// it: a fresh process each time (tsx start-up, compile, sandbox, checks, report).
// Measured twice: with the live oracle (course repo; reference training cached on disk) and
// with the shipped fixture (what the student release runs); and one step alone. Budgets: ≤ 5 s, ≤ 1.5 s.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_PATH, ROOT } from '../grader/setup.ts';
import { median } from './training.ts';

export interface GradingBench { mode: string; runs: number[]; median: number }

function timeGrade(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'grader/cli.ts'), 'grade', '--submission', join(ROOT, 'solutions'), '--lang', 'en', ...args],
    { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`grade failed (${r.status}): ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

export function benchGrading(runs = 5): GradingBench[] {
  const out: GradingBench[] = [];
  // As `make grade` runs (the type check never delays the verdict), complete and one step.
  const modes: [string, string[]][] = [['live oracle (repo)', []]];
  if (existsSync(FIXTURE_PATH)) {
    modes.push(['fixture (student release)', ['--fixture', FIXTURE_PATH]]);
    modes.push(['fixture, make grade STEP=1', ['--fixture', FIXTURE_PATH, '--step', '1']]);
  }
  for (const [mode, args] of modes) {
    timeGrade(args); // warm-up: fills the reference-training cache and the OS file cache
    const times = Array.from({ length: runs }, () => timeGrade(args));
    out.push({ mode, runs: times, median: median(times) });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of benchGrading()) console.log(`make grade, reference, ${r.mode}: median ${r.median.toFixed(2)} s  [${r.runs.map(s => s.toFixed(2)).join(', ')}]`);
}
