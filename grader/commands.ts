// grader/commands.ts — the grader's commands (grade; batch, merge and watch register themselves); grader/cli.ts runs them.
import { Command, CommanderError } from 'commander';
import { basename, resolve } from 'node:path';
import { grade } from './engine.ts';
import { readFolder, sourcesHash } from './intake.ts';
import { createdNotice, taSeeding } from './secret.ts';
import { LANG_HELP, parseLang } from './report/lang.ts';
import { renderTerminal } from './report/terminal.ts';
import { toGradescope, toJUnit, writeAtomic } from './report/results.ts';
import { chooseOracle } from './setup.ts';
import { COURSE } from './course.ts';
import type { StepId } from './types.ts';
import { parseStep } from './cli-args.ts';

const program = new Command('lec4-grader')
  .description('Lec4 autoencoder grader / 第4回 オートエンコーダ 採点')
  .showHelpAfterError()
  // Usage errors throw (commander has printed them) and exit 2 below; set before the commands,
  // which inherit it.
  .exitOverride();

program.command('grade')
  .description('grade one submission (a folder that holds assignments/) and print the report')
  .option('--submission <dir>', 'folder with assignments/ (or the five files)', '.')
  .option('--results <file>', 'write Gradescope results.json')
  .option('--junit <file>', 'write JUnit XML')
  .option('--lang <ja|en>', LANG_HELP)
  .option('--hidden', 'also run the hidden checks (needs solutions/)')
  .option('--step <n>', `grade one step (${COURSE.stepIds.map(Number).join(', ')})`, parseStep)
  .option('--verbose', 'show every message of a failing check')
  .option('--no-typecheck', 'skip the type-check warnings (they never cost points)')
  .option('--fixture <file>', 'answer from this fixture file even where solutions/ exists (as the student release does)')
  .option('--id <student>', 'with --hidden: the student id the secret seeds depend on (default: the folder name)')
  .action(async (o: { submission: string; results?: string; junit?: string; lang?: string; hidden?: boolean; step?: StepId; verbose?: boolean; typecheck: boolean; fixture?: string; id?: string }) => {
    const lang = parseLang(o.lang);
    const oracle = await chooseOracle({ hidden: o.hidden, fixture: o.fixture });
    const sub = readFolder(resolve(o.submission));
    // TA grading draws every check's cases from the course secret (grader/secret.ts).
    const seeding = o.hidden ? taSeeding(COURSE.root, step => !!COURSE.step(step).program) : undefined;
    const notice = seeding && createdNotice(seeding.source);
    if (notice) console.error(notice);
    const seedOf = seeding?.seedsFor({ studentId: o.id ?? basename(resolve(o.submission)), filesHash: sourcesHash(sub.sources) });
    const report = await grade(sub, { oracle, hidden: o.hidden, steps: o.step ? [o.step] : undefined, typecheck: o.typecheck, seedOf, seedTag: seeding?.tag });
    console.log(renderTerminal(report, { lang, color: process.stdout.isTTY, verbose: o.verbose }));
    if (o.results) writeAtomic(o.results, JSON.stringify(toGradescope(report, lang), null, 2));
    if (o.junit) writeAtomic(o.junit, toJUnit(report, lang));
  });

// Further commands register themselves here (batch grading, watch mode).
const extensions = ['./batch/command.ts', './watch/command.ts'];
for (const ext of extensions) {
  try {
    const mod = (await import(ext)) as { register(p: Command): void };
    mod.register(program);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
}

// Exit 0 when grading ran, whatever the score; 2 when it could not run (bad usage included).
program.parseAsync().catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2); // --help, --version: 0
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
