// grader/checks/common.ts — what every check does: build seeded cases, run them in the
// sandbox, compare with the oracle, and on a mismatch look for the fault variant that
// produced the same output.
import { Matrix } from '../../lib/matrix.ts';
import type { Params } from '../../lib/model.ts';
import { Rng } from '../../lib/random.ts';
import type { MnistSplit } from '../../lib/mnist.ts';
import { compareValue, TIGHT, type Tolerance } from '../compare.ts';
import { COURSE } from '../course.ts';
import { variantKey, variantThrew, type Call, type FaultInfo, type Oracle } from '../oracle.ts';
import { digest, isDigested } from '../diagnosis/digest.ts';
import { relate, sizesOf } from '../diagnosis/relations.ts';
import { MAX_ERROR_MESSAGE } from '../sandbox/protocol.ts';
import type { Outcome, StudentRunner } from '../student.ts';
import { msg, type FaultMatch, type Msg, type RubricEntry } from '../types.ts';

export interface Finding {
  message: Msg;
  fault?: FaultMatch;
  error?: boolean;
  /** The function that still throws the stub's "not implemented". */
  missing?: string;
  /**
   * What the step's diagnosis needs to try any variant (one fault or a pair) on this failure:
   * the call and what the student's code returned or threw. Absent where no variant can
   * explain the failure (a hang, a crash, training).
   */
  probe?: Probe;
  /** Every catalogued fault whose variant reproduces this failure, in catalogue order. */
  matches?: FaultMatch[];
  /** 'mutation': a modified argument; 'nondeterministic': two answers for the same inputs. */
  kind?: 'output' | 'mutation' | 'nondeterministic';
  /** A measured relation to the expected output (a factor, a transpose, one row): never a diagnosis. */
  observation?: Msg;
}

/** A failure as the diagnosis re-examines it: the call, and the student's answer or error. */
export interface Probe { call: Call; got?: unknown; threw?: string; opts: SameOptions }

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
    const threw = out.error.kind === 'throw' ? out.error.message : undefined;
    const matches = threw === undefined ? [] : await matchingVariants(ctx, call, v => variantThrew(v) && v.$threw.slice(0, MAX_ERROR_MESSAGE) === threw);
    const probe = threw === undefined ? undefined : { call, threw, opts: {} };
    // The same reason for every case (a missing function, a hang) is said once, without a case label.
    const again = ctx.findings.filter(f => f.error && f.message.en.endsWith(out.explain.en));
    if (again.length === 0) ctx.findings.push({ message: withLabel(label, out.explain), error: true, fault: matches[0], matches, probe, missing: missingFn(out) });
    else for (const f of again) { f.message = out.explain; f.fault ??= matches[0]; }
  }
  return out;
}

export interface SameOptions { only?: readonly string[]; tol?: Tolerance; name?: string }

/** The student's result must equal the reference's; returns the student's value when it ran. */
export async function same(ctx: CheckContext, call: Call, label = '', opts: SameOptions = {}): Promise<unknown> {
  const [out, expected] = await Promise.all([run(ctx, call, label), ctx.oracle.reference(call)]);
  if (!out.ok) return undefined;
  const diffs = compareValue(opts.name ?? call.fn, expected, out.value, opts.tol ?? TIGHT, opts.only);
  if (diffs.length > 0) ctx.findings.push(await wrongOutput(ctx, call, expected, out.value, withLabel(label, joinMsgs(diffs)), opts));
  return out.value;
}

/**
 * The finding for a wrong output: nondeterminism when the same call answers differently again,
 * else the catalogued faults that reproduce it and an observation of how it relates to the expected.
 */
async function wrongOutput(ctx: CheckContext, call: Call, expected: unknown, got: unknown, message: Msg, opts: SameOptions = {}): Promise<Finding> {
  const again = await nondeterminism(ctx, call, got, opts);
  if (again) return { ...again, message: joinMsgs([message, again.message]) };
  return { message, ...findingOf(await diagnose(ctx, call, got, opts)), observation: observe(call, expected, got, opts) };
}

/** A measured relation between the expected and the student's output (grader/diagnosis/relations.ts). */
export function observe(call: Call, expected: unknown, got: unknown, opts: SameOptions = {}): Msg | undefined {
  const names = COURSE.paramsOf(call.fn) ?? [];
  return relate(expected, got, sizesOf(names, call.args), opts.only);
}

/**
 * A wrong answer that changes when the very same call is made again (same inputs, an Rng in the
 * same state): Math.random, or state kept between calls. Said as such, and named when the
 * catalogue has a nondeterministic fault for the module.
 */
async function nondeterminism(ctx: CheckContext, call: Call, first: unknown, opts: SameOptions): Promise<Finding | undefined> {
  const out = await ctx.student.call(ctx.entry.step, call);
  if (!out.ok || compareValue('', first, out.value, opts.tol ?? TIGHT, opts.only).length === 0) return undefined;
  const matches = ctx.oracle.faults().filter(f => f.module === call.module && f.detect === 'nondeterministic').map(matchOf);
  return {
    message: msg(`${call.fn}() は同じ入力 (同じ状態の Rng) で呼ぶたびに違う結果を返します: Math.random や呼び出しをまたぐ状態を使っていませんか`,
      `${call.fn}() returns a different result each time for the same inputs (an Rng in the same state): Math.random, or state kept between calls?`),
    kind: 'nondeterministic', matches, fault: matches[0], probe: { call, got: first, opts },
  };
}

/** What a finding records of a diagnosis. */
const findingOf = (d: Diagnosis): Pick<Finding, 'fault' | 'matches' | 'probe'> => ({ fault: d.matches[0], matches: d.matches, probe: d.probe });

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

export const matchOf = (f: FaultInfo): FaultMatch => ({ id: f.id, title: f.title, hint: f.hint });

/** Every fault with a candidate form whose answer passes `accept`, in catalogue order. */
async function matchingVariants(ctx: CheckContext, call: Call, accept: (answer: unknown) => boolean): Promise<FaultMatch[]> {
  const out: FaultMatch[] = [];
  for (const [f, key] of candidates(ctx, call)) {
    if (out.some(m => m.id === f.id)) continue;
    if (accept(await ctx.oracle.variant(key, call))) out.push(matchOf(f));
  }
  return out;
}

/** Does a variant's answer reproduce the probe (the same output within tolerance, or the same error)? */
export function reproduces(answer: unknown, p: Probe): boolean {
  if (answer === undefined) return false;
  // The release keeps only a digest of a pair's answer (grader/diagnosis/digest.ts).
  if (isDigested(answer)) return answer.$digest === digest(p.threw !== undefined ? { $threw: p.threw } : p.got);
  if (p.threw !== undefined) return variantThrew(answer) && answer.$threw.slice(0, MAX_ERROR_MESSAGE) === p.threw;
  return !variantThrew(answer) && compareValue('', answer, p.got, p.opts.tol ?? TIGHT, p.opts.only).length === 0;
}

/** The catalogued faults whose output equals the student's (no match, no guess), and the probe that shows it. */
export interface Diagnosis { matches: FaultMatch[]; probe: Probe }

export async function diagnose(ctx: CheckContext, call: Call, got: unknown, opts: SameOptions = {}): Promise<Diagnosis> {
  const probe: Probe = { call, got, opts };
  return { matches: await matchingVariants(ctx, call, v => reproduces(v, probe)), probe };
}

/** `arg0.W0` → `params.W0`: mutated arguments by the names students gave them. */
export function argPath(fn: string, path: string): string {
  const names = COURSE.paramsOf(fn) ?? [];
  return path.replace(/^arg(\d+)/, (all, i: string) => names[Number(i)] ?? all);
}

/**
 * The call must leave its arguments as they were, and purity is paid only with correct
 * behaviour: a call that returns something wrong (null, the input, …) fails here too.
 */
export async function pure(ctx: CheckContext, call: Call, label = ''): Promise<void> {
  const [out, expected] = await Promise.all([run(ctx, call, label), ctx.oracle.reference(call)]);
  if (!out.ok) return;
  const diffs = compareValue(call.fn, expected, out.value, TIGHT);
  if (diffs.length > 0) {
    const why = msg(`${call.fn}() の結果が違うので、この点は与えられません (正しい結果を返し、引数を書き換えないこと):`,
      `${call.fn}() returned a wrong result, so this check cannot pass (it needs the right result and untouched arguments):`);
    ctx.findings.push(await wrongOutput(ctx, call, expected, out.value, withLabel(label, joinMsgs([why, ...diffs]))));
  }
  if (out.mutated.length === 0) return;
  const names = out.mutated.map(p => argPath(call.fn, p)).join(', ');
  const f = ctx.oracle.faults().find(x => x.detect === 'mutation');
  ctx.findings.push({
    message: withLabel(label, msg(`${call.fn}() が引数を書き換えました: ${names}`, `${call.fn}() modified its arguments: ${names}`)),
    fault: f && matchOf(f), matches: f ? [matchOf(f)] : [], kind: 'mutation',
  });
}

/** A failure found by the check itself (a gradient check, statistics), with the diagnosis of its call. */
export function fail(ctx: CheckContext, message: Msg, d?: Diagnosis, observation?: Msg): void {
  ctx.findings.push({ message, ...(d ? findingOf(d) : {}), observation });
}

export function joinMsgs(ms: Msg[]): Msg {
  const shown = ms.slice(0, 4);
  const more = ms.length > shown.length ? [msg(`…ほか ${ms.length - shown.length} 件`, `…and ${ms.length - shown.length} more`)] : [];
  return msg([...shown, ...more].map(m => m.ja).join('\n  '), [...shown, ...more].map(m => m.en).join('\n  '));
}
