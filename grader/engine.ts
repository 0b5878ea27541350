// grader/engine.ts — grades one submission: compile, run every selected check, collect verdicts.
// Steps run in parallel (one sandbox child each); checks within a step run in rubric order.
import { hashFiles, tsFilesUnder } from './hash.ts';
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist, type MnistSplit } from '../lib/mnist.ts';
import { Rng } from '../lib/random.ts';
import { Budget, BudgetedRunner, type BudgetReport } from './budget.ts';
import { loadChecks } from './checks/index.ts';
import type { CheckContext, Finding } from './checks/common.ts';
import type { Submission } from './intake.ts';
import type { Oracle } from './oracle.ts';
import { RUBRIC, TOTAL_POINTS } from './rubric.ts';
import { prepareSandbox } from './sandbox/compile.ts';
import { detectProtections, DEFAULT_LIMITS, type Limits, type Protections } from './sandbox/child.ts';
import { StudentRunner } from './student.ts';
import { typecheck, type TypeWarning } from './typecheck.ts';
import { msg, STEP_IDS, type FaultMatch, type StepId, type Verdict } from './types.ts';

export const GRADER_VERSION = '1.0.0';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface GradeOptions {
  oracle: Oracle;
  hidden?: boolean;
  steps?: StepId[];
  limits?: Limits;
  /** Fixture making: ask every fault variant for every call. */
  recordVariants?: boolean;
  jobs?: number;
  /** Run tsc on the submission and report its findings as warnings (never points). */
  typecheck?: boolean;
  mnist?: () => Promise<MnistSplit>;
  /** Time budget for the whole submission: wall time its code runs (grader/budget.ts); none when unset. */
  budgetMs?: number;
}

export interface GradeReport {
  graderVersion: string;
  rubricHash: string;
  verdicts: Verdict[];
  score: number;
  /** Points of the checks that ran (a student's local run cannot run the hidden ones). */
  checkedPoints: number;
  totalPoints: number;
  protections: Protections;
  /** What the submission printed, for display only. */
  output: string;
  /** tsc's findings: shown, never scored. */
  typeWarnings: TypeWarning[];
  seconds: number;
  /** Present when grading had a budget: whether it ran out, and where. */
  budget?: BudgetReport;
}

/** A hash of what decides a grade: rubric, checks, comparison, fault catalogue. */
export function rubricHash(): string {
  return hashFiles(root, ['grader/rubric.ts', 'grader/compare.ts', 'grader/codec.ts', ...tsFilesUnder(root, 'grader/checks'),
    // Not in the student release: there the hash differs, which only marks it as a local run.
    'grader/faults/catalogue.ts']);
}

let mnistCache: Promise<MnistSplit> | undefined;
const defaultMnist = () => (mnistCache ??= Promise.resolve().then(() => loadMnist()));

export async function grade(sub: Submission, opts: GradeOptions): Promise<GradeReport> {
  const started = performance.now();
  const budget = opts.budgetMs ? new Budget(opts.budgetMs) : undefined;
  const checks = await loadChecks(!!opts.hidden);
  const entries = RUBRIC.filter(e => (opts.hidden || e.visibility === 'public') && (!opts.steps || opts.steps.includes(e.step)));
  // tsc runs in its own process while the sandbox grades.
  const typeWarnings = opts.typecheck ? typecheck(sub.sources).catch(() => []) : Promise.resolve([]);
  const prepared = await prepareSandbox(sub.sources);
  for (const [file, why] of sub.problems) prepared.compileErrors.set(file, { file, message: why });
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const student = budget ? new BudgetedRunner(prepared, limits, budget) : new StudentRunner(prepared, limits);
  const verdicts = new Map<string, Verdict>();

  const runStep = async (step: StepId) => {
    for (const entry of entries.filter(e => e.step === step)) {
      if (budget && !budget.enter(step, entry.id)) { verdicts.set(entry.id, budget.notRun(entry)); continue; }
      const t0 = performance.now();
      const ctx: CheckContext = {
        entry, rng: new Rng(entry.seed), oracle: opts.oracle, student, findings: [],
        recordVariants: !!opts.recordVariants, mnist: opts.mnist ?? defaultMnist,
      };
      try {
        await checks[entry.id](ctx);
      } catch (err) {
        // A fault in the grader itself: say so plainly rather than blame the student.
        ctx.findings.push({ message: msg(`採点プログラムの内部エラー: ${String(err)}`, `internal grader error: ${String(err)}`), error: true });
      }
      const verdict = verdictOf(entry, ctx.findings, (performance.now() - t0) / 1000);
      verdicts.set(entry.id, budget ? budget.leave(step, verdict) : verdict);
    }
  };
  // Training is the longest step: start it first so the others run beside it.
  const steps = ['06' as StepId, ...STEP_IDS.filter(s => s !== '06')].filter(s => entries.some(e => e.step === s));
  await pool(steps, opts.jobs ?? Math.max(1, availableParallelism()), runStep);
  budget?.stop();
  student.close();
  rmSync(prepared.dir, { recursive: true, force: true });
  opts.oracle.flush?.();

  const ordered = entries.map(e => verdicts.get(e.id)!);
  return {
    graderVersion: GRADER_VERSION,
    rubricHash: rubricHash(),
    verdicts: ordered,
    score: ordered.reduce((s, v) => s + v.points, 0),
    checkedPoints: ordered.reduce((s, v) => s + v.maxPoints, 0),
    totalPoints: TOTAL_POINTS,
    protections: detectProtections(limits).protections,
    output: student.output(),
    typeWarnings: await typeWarnings,
    seconds: (performance.now() - started) / 1000,
    ...(budget ? { budget: budget.report() } : {}),
  };
}

function verdictOf(entry: (typeof RUBRIC)[number], findings: Finding[], seconds: number): Verdict {
  const passed = findings.length === 0;
  return {
    id: entry.id, step: entry.step, visibility: entry.visibility, title: entry.title,
    status: passed ? 'passed' : findings.some(f => f.error) ? 'error' : 'failed',
    points: passed ? entry.points : 0, maxPoints: entry.points,
    messages: findings.map(f => f.message),
    fault: faultOf(findings),
    missing: findings.length > 0 && findings.every(f => f.missing) ? [...new Set(findings.map(f => f.missing!))] : undefined,
    seed: entry.seed, seconds,
  };
}

/**
 * The mistake a check's failures point to: named only when every failure of the check matches
 * the same variant. One case matching by coincidence (every gradient ×3 equals "no 1/n" when
 * n = 3) while another contradicts it is no diagnosis: no match, no guess.
 */
function faultOf(findings: Finding[]): FaultMatch | undefined {
  const first = findings[0]?.fault;
  return first && findings.every(f => f.fault?.id === first.id) ? first : undefined;
}

export async function pool<T>(items: readonly T[], jobs: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await fn(items[next++]); };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
}
