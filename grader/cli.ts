// grader/cli.ts — `npx tsx grader/cli.ts grade|batch|merge|watch …`
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { grade } from './engine.ts';
import { readFolder } from './intake.ts';
import { LANG_HELP, parseLang } from './report/lang.ts';
import { renderTerminal } from './report/terminal.ts';
import { toGradescope, toJUnit, writeAtomic } from './report/results.ts';
import { chooseOracle } from './setup.ts';
import { STEP_IDS, type StepId } from './types.ts';

export function parseStep(value: string): StepId {
  const s = value.padStart(2, '0') as StepId;
  if (!STEP_IDS.includes(s)) throw new InvalidArgumentError(`expected a step 1–6, got "${value}"`);
  return s;
}

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
  .option('--step <n>', 'grade one step (1–6)', parseStep)
  .option('--verbose', 'show every message of a failing check')
  .option('--no-typecheck', 'skip the type-check warnings (they never cost points)')
  .option('--fixture <file>', 'answer from this fixture file even where solutions/ exists (as the student release does)')
  .action(async (o: { submission: string; results?: string; junit?: string; lang?: string; hidden?: boolean; step?: StepId; verbose?: boolean; typecheck: boolean; fixture?: string }) => {
    const lang = parseLang(o.lang);
    const oracle = await chooseOracle({ hidden: o.hidden, fixture: o.fixture });
    const report = await grade(readFolder(resolve(o.submission)), { oracle, hidden: o.hidden, steps: o.step ? [o.step] : undefined, typecheck: o.typecheck });
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
