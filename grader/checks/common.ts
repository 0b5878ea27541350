// grader/checks/common.ts — what every check does: build seeded cases, run them in the
// sandbox, compare with the oracle, and on a mismatch look for the fault variant that
// produced the same output.
import { Matrix } from '../../lib/matrix.ts';
import type { Params } from '../../lib/model.ts';
import { Rng } from '../../lib/random.ts';
import type { MnistSplit } from '../../lib/mnist.ts';
import { compareValue, TIGHT, type Tolerance } from '../compare.ts';
import { variantKey, variantThrew, type Call, type FaultInfo, type Oracle } from '../oracle.ts';
import { MAX_ERROR_MESSAGE, type ErrorInfo } from '../sandbox/protocol.ts';
import type { Outcome, StudentRunner } from '../student.ts';
import { msg, type FaultMatch, type Msg, type RubricEntry } from '../types.ts';

export interface Finding {
  message: Msg;
  fault?: FaultMatch;
  error?: boolean;
  /** The function that still throws the stub's "not implemented". */
  missing?: string;
}

/** The function named by a not-implemented error, else undefined. */
export const missingFn = (out: Outcome): string | undefined =>
  !out.ok && out.error.kind === 'not-implemented' ? (out.error.fn ?? '?') : undefined;

export interface CheckContext {
  entry: RubricEntry;
  rng: Rng;
  oracle: Oracle;
  student: StudentRunner;
  findings: Finding[];
  /** Making fixtures: ask every variant for every call, so diagnosis works offline. */
  recordVariants: boolean;
  mnist(): Promise<MnistSplit>;
}

export type CheckFn = (ctx: CheckContext) => Promise<void>;

// ── seeded inputs ─────────────────────────────────────────────────────────────────────────
export function uniformMatrix(rng: Rng, rows: number, cols: number, lo = -1, hi = 1): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = lo + (hi - lo) * rng.uniform();
  return m;
}

/** Weights big enough that f(A1) leaves sigmoid's linear part (so f' mistakes show). */
export function randomParams(rng: Rng, d: number, q: number, std = 0.8): Params {
  return { W0: Matrix.randn(q, d + 1, rng, std), W1: Matrix.randn(d, q + 1, rng, std) };
}

/** Pixel-like data in (0.02, 0.98): valid for cross entropy. */
export const pixels = (rng: Rng, d: number, n: number) => uniformMatrix(rng, d, n, 0.02, 0.98);

export const caseLabel = (parts: Record<string, unknown>): string =>
  Object.entries(parts).map(([k, v]) => `${k}=${v}`).join(', ');

// ── running and comparing ─────────────────────────────────────────────────────────────────
function withLabel(label: string, m: Msg): Msg {
  return label ? msg(`[${label}] ${m.ja}`, `[${label}] ${m.en}`) : m;
}

/**
 * Run the student's call; a failure to run becomes an error finding. A call that throws the
 * same error as a fault variant (a shape error, most often) is diagnosed as that mistake.
 */
export async function run(ctx: CheckContext, call: Call, label = ''): Promise<Outcome> {
  const out = await ctx.student.call(ctx.entry.step, call);
  await variantsOf(ctx, call);
  if (!out.ok) {
    const fault = await diagnoseThrow(ctx, call, out.error);
    // The same reason for every case (a missing function, a hang) is said once, without a case label.
    const again = ctx.findings.filter(f => f.error && f.message.en.endsWith(out.explain.en));
    if (again.length === 0) ctx.findings.push({ message: withLabel(label, out.explain), error: true, fault, missing: missingFn(out) });
    else for (const f of again) { f.message = out.explain; f.fault ??= fault; }
  }
  return out;
}

export interface SameOptions { only?: readonly string[]; tol?: Tolerance; name?: string }

/** The student's result must equal the reference's; returns the student's value when it ran. */
export async function same(ctx: CheckContext, call: Call, label = '', opts: SameOptions = {}): Promise<unknown> {
  const [out, expected] = await Promise.all([run(ctx, call, label), ctx.oracle.reference(call)]);
  if (!out.ok) return undefined;
  const diffs = compareValue(opts.name ?? call.fn, expected, out.value, opts.tol ?? TIGHT, opts.only);
  if (diffs.length > 0) {
    const fault = await diagnose(ctx, call, out.value, opts);
    ctx.findings.push({ message: withLabel(label, joinMsgs(diffs)), fault });
  }
  return out.value;
}

/**
 * The fault forms whose output may explain a failure of this call: every form of every
 * output-detected fault of the call's module. `proven`: on a public check, only the forms
 * test/faults.test.ts proves to fail it; a form that passes a check gives the reference's output
 * there and cannot match a student who fails it, so the fixture need not hold its answers.
 */
function* candidates(ctx: CheckContext, call: Call, proven = false): Generator<[FaultInfo, string]> {
  for (const f of ctx.oracle.faults()) {
    if (f.module !== call.module || f.detect !== 'output') continue;
    for (const [k, checks] of f.forms.entries()) {
      if (!proven || ctx.entry.visibility !== 'public' || checks.includes(ctx.entry.id)) yield [f, variantKey(f.id, k)];
    }
  }
}

/** Fixture making: ask every form proven to fail the check, so that an offline diagnose() of
 *  the same call finds the answers the live oracle would compute. Every call goes through
 *  run(), so every call is recorded, including those of checks that diagnose only on failure
 *  (02.gradcheck, 05.stats), which the reference never reaches. */
async function variantsOf(ctx: CheckContext, call: Call): Promise<void> {
  if (!ctx.recordVariants) return;
  for (const [, key] of candidates(ctx, call, true)) await ctx.oracle.variant(key, call);
}

const matchOf = (f: FaultInfo): FaultMatch => ({ id: f.id, title: f.title, hint: f.hint });

/** The first candidate form whose answer passes `matches`, named by its fault. */
async function firstVariant(ctx: CheckContext, call: Call, matches: (answer: unknown) => boolean): Promise<FaultMatch | undefined> {
  for (const [f, key] of candidates(ctx, call)) {
    if (matches(await ctx.oracle.variant(key, call))) return matchOf(f);
  }
  return undefined;
}

/** The first fault variant whose output equals the student's; no match, no guess. */
export function diagnose(ctx: CheckContext, call: Call, got: unknown, opts: SameOptions = {}): Promise<FaultMatch | undefined> {
  return firstVariant(ctx, call, v => v !== undefined && !variantThrew(v) && compareValue('', v, got, opts.tol ?? TIGHT, opts.only).length === 0);
}

/** The first fault variant that throws exactly the error the student's call threw. */
async function diagnoseThrow(ctx: CheckContext, call: Call, error: ErrorInfo): Promise<FaultMatch | undefined> {
  if (error.kind !== 'throw') return undefined;
  return firstVariant(ctx, call, v => variantThrew(v) && v.$threw.slice(0, MAX_ERROR_MESSAGE) === error.message);
}

/** The call must leave its arguments as they were. */
export async function pure(ctx: CheckContext, call: Call, label = ''): Promise<void> {
  const out = await run(ctx, call, label);
  if (!out.ok || out.mutated.length === 0) return;
  const f = ctx.oracle.faults().find(x => x.detect === 'mutation');
  ctx.findings.push({
    message: withLabel(label, msg(`${call.fn}() が引数を書き換えました: ${out.mutated.join(', ')}`,
      `${call.fn}() modified its arguments: ${out.mutated.join(', ')}`)),
    fault: f && matchOf(f),
  });
}

export function fail(ctx: CheckContext, message: Msg, fault?: FaultMatch): void {
  ctx.findings.push({ message, fault });
}

export function joinMsgs(ms: Msg[]): Msg {
  const shown = ms.slice(0, 4);
  const more = ms.length > shown.length ? [msg(`…ほか ${ms.length - shown.length} 件`, `…and ${ms.length - shown.length} more`)] : [];
  return msg([...shown, ...more].map(m => m.ja).join('\n  '), [...shown, ...more].map(m => m.en).join('\n  '));
}
