// grader/batch/command.ts — `batch` and `merge`; grader/cli.ts registers them.
//   npx tsx grader/cli.ts batch --submissions DIR --out DIR [--jobs N] [--shard I/N] [--force] [--lang ja|en] [--budget SECONDS]
//   npx tsx grader/cli.ts merge --out DIR SHARD_DIR...
import { InvalidArgumentError, type Command } from 'commander';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { DEFAULT_BUDGET_MS } from '../budget.ts';
import { LANG_HELP, parseLang } from '../report/lang.ts';
import { parseStep } from '../cli-args.ts';
import type { StepId } from '../types.ts';
import { parseShard, type Shard } from './gradebook.ts';
import { mergeShards, runBatch } from './run.ts';
import { prepareMoodle } from '../lms/moodle.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}"`);
  return n;
}

/** Seconds (decimals allowed) → milliseconds; a budget under a second could not grade anyone. */
export function budgetArg(value: string): number {
  const s = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(s >= 1)) throw new InvalidArgumentError(`expected seconds ≥ 1, got "${value}"`);
  return Math.round(s * 1000);
}

function shardArg(value: string): Shard {
  try { return parseShard(value); } catch (err) { throw new InvalidArgumentError((err as Error).message.replace(/^--shard: /, '')); }
}

/** SIGKILL every direct child of this process (Linux: read from /proc; elsewhere nothing). */
function killOwnChildren(): void {
  if (process.platform !== 'linux') return;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count from the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) process.kill(Number(name), 'SIGKILL');
    } catch { /* gone already */ }
  }
}

export function register(program: Command): void {
  program.command('batch')
    .description('TA grading: every submission (a folder or a .zip named by the student id) in a folder, hidden checks included')
    .requiredOption('--submissions <dir>', 'folder that holds one folder or .zip per student')
    .requiredOption('--out <dir>', 'where grades.csv, summary.md and students/<id>/ results go')
    .option('--jobs <n>', 'submissions graded at a time (default: the number of cores)', positiveInt)
    .option('--shard <i/n>', 'grade only shard i of n (1-based, stable by a hash of the id); join the outputs with merge', shardArg)
    .option('--force', 'regrade submissions whose content and grader are unchanged')
    .option('--lang <ja|en>', `feedback.md, results.json: ${LANG_HELP}`)
    .option('--budget <seconds>', `wall-clock time per submission, all steps together; checks not finished by then score 0 (default ${DEFAULT_BUDGET_MS / 1000})`, budgetArg)
    .option('--step <n...>', 'grade only these steps, for a quick trial run (totals are then out of fewer points)')
    .option('--moodle-worksheet <csv>', "fill this Moodle offline grading worksheet with the grades (SUBMISSIONS may be Moodle's \"Download all submissions\" zip or folder)")
    .option('--moodle-out <csv>', 'where the filled worksheet goes (default: OUT/<worksheet name>-filled.csv)')
    .action(async (o: { submissions: string; out: string; jobs?: number; shard?: Shard; force?: boolean; lang?: string; step?: string[]; budget?: number; moodleWorksheet?: string; moodleOut?: string }) => {
      const steps: StepId[] | undefined = o.step?.map(parseStep);
      // Interrupted: finished submissions are on disk already; stop the sandboxes in flight (a
      // child stuck in an infinite loop would otherwise outlive us, its timer gone) and say how
      // to continue.
      for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
        process.once(signal, () => {
          killOwnChildren();
          console.error(`\ninterrupted (${signal}): finished submissions are saved; run the same command again to continue`);
          process.exit(code);
        });
      }
      // A Moodle download is laid out by participant; a worksheet is read before grading starts.
      const moodle = await prepareMoodle({ submissions: o.submissions, out: o.out, worksheet: o.moodleWorksheet, worksheetOut: o.moodleOut, sharded: !!o.shard });
      const outcome = await runBatch({
        submissions: o.submissions, out: o.out, lang: parseLang(o.lang), jobs: o.jobs ?? availableParallelism(),
        shard: o.shard, force: o.force, steps, listing: moodle.listing, budgetMs: o.budget,
      });
      moodle.finish(outcome.metas);
    });

  program.command('merge')
    .description('join the outputs of batch --shard runs: copies every graded submission, regenerates grades.csv and summary.md')
    .requiredOption('--out <dir>', 'merged output folder')
    .argument('<shard-dirs...>', 'output folders of the shard runs')
    .action((shardDirs: string[], o: { out: string }) => {
      mergeShards(o.out, shardDirs);
    });
}
