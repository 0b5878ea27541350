// grader/engine.ts — grades one submission: compile, run every selected check, collect verdicts.
// Steps run in parallel (one sandbox child each); checks within a step run in rubric order.
import { gradingFingerprint } from './fingerprint.ts';
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadMnist, type MnistSplit } from '../lib/mnist.ts';
import { Rng } from '../lib/random.ts';
import { Budget, BudgetedRunner, type BudgetReport } from './budget.ts';
import { loadChecks } from './checks/load.ts';
import { COURSE } from './course.ts';
import type { CheckContext, Finding } from './checks/common.ts';
import { diagnoseStep } from './diagnosis/step.ts';
import type { Submission } from './intake.ts';
import type { Oracle } from './oracle.ts';
import { prepareSandbox } from './sandbox/compile.ts';
import { detectProtections, DEFAULT_LIMITS, type Limits, type Protections } from './sandbox/child.ts';
import { StudentRunner } from './student.ts';
import { typecheckCached, type TypeWarning } from './typecheck.ts';
import { msg, type FaultMatch, type RubricEntry, type StepId, type Verdict } from './types.ts';

export const GRADER_VERSION = '1.0.0';

export interface GradeOptions {
  oracle: Oracle;
  hidden?: boolean;
  steps?: StepId[];
  limits?: Limits;
  /** Fixture making: ask every fault variant for every call. */
  recordVariants?: boolean;
  jobs?: number;
  /** Try pairs of catalogued faults when no single one explains a step (default: yes; the release has digests of some). */
  pairs?: boolean;
  /**
   * Report tsc's findings as warnings (never points). The verdict never waits for tsc: the
   * findings of these exact files come from an earlier run, else tsc starts in the background
   * once grading is done and the report says they are pending.
   */
  typecheck?: boolean;
  mnist?: () => Promise<MnistSplit>;
  /**
   * The seed of each check's cases (default: the rubric's). TA grading passes secret seeds
   * (grader/secret.ts) so that nothing a student has can replay it.
   */
  seedOf?: (entry: RubricEntry) => number;
  /** Which secret drew the seeds (a tag, not the secret): recorded in results.json. */
  seedTag?: string;
  /** Time budget for the whole submission: wall time its code runs (grader/budget.ts); none when unset. */
  budgetMs?: number;
  /**
   * A sandbox the caller prepared from these sources and keeps: its children are reused and left
   * running (one submission graded against several oracles, as the fault tests do). Without it,
   * grade() prepares its own and removes it when done.
   */
  student?: StudentRunner;
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
  /** tsc is still running for these files (its findings show in the next run). */
  typecheckPending?: boolean;
  /** TA grading: the tag of the course secret that drew the seeds (each verdict has its seed). */
  seedTag?: string;
  seconds: number;
  /** Present when grading had a budget: whether it ran out, and where. */
  budget?: BudgetReport;
}

/**
 * The fingerprint of what decides a grade (grader/fingerprint.ts). The student release has no
 * solutions/, hidden checks or catalogue: there it differs, which only marks a local run.
 */
export const rubricHash = (): string => gradingFingerprint();

let mnistCache: Promise<MnistSplit> | undefined;
const defaultMnist = () => (mnistCache ??= Promise.resolve().then(() => loadMnist()));

export async function grade(sub: Submission, opts: GradeOptions): Promise<GradeReport> {
  const started = performance.now();
  const budget = opts.budgetMs ? new Budget(opts.budgetMs) : undefined;
  const checks = await loadChecks(!!opts.hidden);
  const entries = COURSE.rubric.filter(e => (opts.hidden || e.visibility === 'public') && (!opts.steps || opts.steps.includes(e.step)));
  if (opts.student && budget) throw new Error('grade(): a time budget needs a sandbox of its own (no `student`)');
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const student = opts.student ?? await ownSandbox(sub, limits, budget);
  const verdicts = new Map<string, Verdict>();

  const runStep = async (step: StepId) => {
    const ran: { entry: RubricEntry; findings: Finding[]; seconds: number }[] = [];
    for (const rubricEntry of entries.filter(e => e.step === step)) {
      if (budget && !budget.enter(step, rubricEntry.id)) { verdicts.set(rubricEntry.id, budget.notRun(rubricEntry)); continue; }
      const t0 = performance.now();
      const entry = opts.seedOf ? { ...rubricEntry, seed: opts.seedOf(rubricEntry) } : rubricEntry;
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
      const seconds = (performance.now() - t0) / 1000;
      // A check the time budget cut short gets the budget's verdict, and no diagnosis.
      const provisional = verdictOf(entry, ctx.findings, seconds);
      const after = budget ? budget.leave(step, provisional) : provisional;
      if (after !== provisional) { verdicts.set(entry.id, after); continue; }
      ran.push({ entry, findings: ctx.findings, seconds });
    }
    // The step's mistake is named only when it explains every failure of the step.
    const failing = new Map(ran.filter(r => r.findings.length > 0).map(r => [r.entry.id, r.findings]));
    const named = failing.size > 0 ? await diagnoseStep(failing, { oracle: opts.oracle, pairs: opts.pairs ?? true }) : undefined;
    for (const r of ran) verdicts.set(r.entry.id, verdictOf(r.entry, r.findings, r.seconds, named?.byCheck.get(r.entry.id)));
  };
  // Program steps (training) are the longest: start them first so the others run beside them.
  const order = [...COURSE.steps.filter(s => s.program), ...COURSE.steps.filter(s => !s.program)].map(s => s.id);
  const steps = order.filter(s => entries.some(e => e.step === s));
  await pool(steps, opts.jobs ?? Math.max(1, availableParallelism()), runStep);
  budget?.stop();
  if (!opts.student) {
    student.close();
    rmSync(student.prepared.dir, { recursive: true, force: true });
  }
  opts.oracle.flush?.();

  const ordered = entries.map(e => verdicts.get(e.id)!);
  return {
    graderVersion: GRADER_VERSION,
    rubricHash: rubricHash(),
    verdicts: ordered,
    score: ordered.reduce((s, v) => s + v.points, 0),
    checkedPoints: ordered.reduce((s, v) => s + v.maxPoints, 0),
    totalPoints: COURSE.totalPoints,
    protections: detectProtections(limits).protections,
    output: student.output(),
    ...typeWarningsOf(opts.typecheck ? sub.sources : undefined),
    ...(opts.seedTag ? { seedTag: opts.seedTag } : {}),
    seconds: (performance.now() - started) / 1000,
    ...(budget ? { budget: budget.report() } : {}),
  };
}

/** A fresh sandbox for this submission (its files compiled, what intake refused as compile errors). */
async function ownSandbox(sub: Submission, limits: Limits, budget?: Budget): Promise<StudentRunner> {
  const prepared = await prepareSandbox(sub.sources);
  for (const [file, why] of sub.problems) prepared.compileErrors.set(file, { file, message: why });
  return budget ? new BudgetedRunner(prepared, limits, budget) : new StudentRunner(prepared, limits);
}

function verdictOf(entry: RubricEntry, findings: Finding[], seconds: number, faults?: FaultMatch[]): Verdict {
  const passed = findings.length === 0;
  const observations = [...new Map(findings.flatMap(f => (f.observation ? [[f.observation.en, f.observation] as const] : []))).values()];
  return {
    id: entry.id, step: entry.step, visibility: entry.visibility, title: entry.title,
    status: passed ? 'passed' : findings.some(f => f.error) ? 'error' : 'failed',
    points: passed ? entry.points : 0, maxPoints: entry.points,
    messages: findings.map(f => f.message),
    fault: faults?.[0],
    ...(faults && faults.length > 1 ? { faults } : {}),
    ...(observations.length > 0 ? { observations } : {}),
    missing: findings.length > 0 && findings.every(f => f.missing) ? [...new Set(findings.map(f => f.missing!))] : undefined,
    seed: entry.seed, seconds,
  };
}

/** tsc's cached findings, or a background run started after grading (so it does not slow it). */
function typeWarningsOf(sources: ReadonlyMap<string, string> | undefined): Pick<GradeReport, 'typeWarnings' | 'typecheckPending'> {
  if (!sources) return { typeWarnings: [] };
  try {
    const r = typecheckCached(sources);
    return { typeWarnings: r.warnings ?? [], ...(r.pending ? { typecheckPending: true } : {}) };
  } catch {
    return { typeWarnings: [] }; // warnings are a courtesy: never a reason for grading to fail
  }
}

export async function pool<T>(items: readonly T[], jobs: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await fn(items[next++]); };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
}
