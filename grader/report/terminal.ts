// grader/report/terminal.ts — the report a student reads after `make grade`.
// One line per step with its points, then each failing check: what was expected and what
// came, the diagnosed mistake and its hint. A step whose every failure is "not implemented"
// is one line, not a wall of identical messages. Then the total, what share of the points
// this run could check, and one "next:" line: which function in which file, and the command
// to run. The submission's own output is never mixed in. `make watch` reuses these pieces.
import { Chalk } from 'chalk';
import { neutral } from './neutral.ts';
import type { GradeReport } from '../engine.ts';
import { COURSE } from '../course.ts';
import { diagnosisParts, faultsOf } from './diagnosis.ts';
import { STEP_FILES, STEP_IDS, STEP_TITLES } from '../rubric.ts';
import type { Lang, StepId, Verdict } from '../types.ts';

export interface TerminalOptions { lang: Lang; color?: boolean; verbose?: boolean }
/** What a step block shows; the watch screen hides hints until `h`. */
export interface StepOptions extends TerminalOptions { hints?: boolean }
type Colors = InstanceType<typeof Chalk>;

/** "01–05": the code steps, for what a program step needs first. */
const CODE_RANGE = `${COURSE.codeSteps[0]?.id ?? ''}–${COURSE.codeSteps.at(-1)?.id ?? ''}`;
const isProgram = (step: StepId) => !!COURSE.step(step).program;

const T = {
  ja: {
    total: '合計', mistakes: 'よくある間違い (2 つ同時)', checked: 'この実行で採点できた配点', hidden: '残りは TA 採点の非公開チェック', mistake: 'よくある間違い', hint: 'ヒント',
    next: '次にやること', done: '公開チェックはすべて通りました。make train で学習させてみましょう。', protections: '保護', all: 'すべて有効',
    time: '時間', typesPending: '型チェック (減点なし) は裏で実行中です。結果は次の make grade で表示します。', types: '型チェックの警告 (減点はありません):', notImplemented: '未実装', needsEarlier: `${CODE_RANGE} の実装が先です`, asAbove: '上と同じ',
    stepDone: (s: string) => `${s} は完了です。次は `,
  },
  en: {
    total: 'total', mistakes: 'known mistakes (two at once)', checked: 'points this run could check', hidden: 'the rest are hidden checks, run by TA grading', mistake: 'known mistake', hint: 'hint',
    next: 'next', done: 'All public checks pass. Try make train.', protections: 'protections', all: 'all on',
    time: 'time', typesPending: 'the type check (never costs points) is running in the background; its warnings show on the next make grade.', types: 'type-check warnings (they cost no points):', notImplemented: 'not implemented yet', needsEarlier: `implement ${CODE_RANGE} first`, asAbove: 'as above',
    stepDone: (s: string) => `step ${s} passes; now `,
  },
};

/** The functions students write, per step (for "next:" when a message names none). */
const STEP_FUNCTIONS: Record<StepId, readonly string[]> = Object.fromEntries(COURSE.steps.map(s => [s.id, s.functions.map(f => f.name)]));
/** The function a check is about, where its rubric entry names one. */
const CHECK_FUNCTION: Record<string, string | undefined> = Object.fromEntries(COURSE.rubric.map(e => [e.id, e.fn]));
const ALL_FUNCTIONS = new Set(Object.values(STEP_FUNCTIONS).flat());

/** Anything that came from a submission, inert on a terminal: escape sequences removed, C0, C1
 *  and bidi controls shown as escapes (grader/report/neutral.ts). */
export const sanitize = neutral;

/** Columns a string takes in a terminal: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
const padDisplay = (s: string, width: number) => s + ' '.repeat(Math.max(1, width - displayWidth(s)));

/**
 * The functions a step is missing, when every failure of the step is "not implemented"
 * (an untouched stub); undefined when anything else went wrong, or nothing did.
 */
export function notImplemented(verdicts: readonly Verdict[]): string[] | undefined {
  const failing = verdicts.filter(v => v.status !== 'passed');
  if (failing.length === 0) return undefined;
  const fns = new Set<string>();
  for (const v of failing) {
    if (!v.missing) return undefined;
    for (const f of v.missing) fns.add(f);
  }
  return [...fns];
}

/** One step: its line with the points, then its failing checks (or one "not implemented" line). */
export function renderStep(step: StepId, verdicts: readonly Verdict[], opts: StepOptions, c: Colors = colors(opts)): string[] {
  const L = opts.lang, t = T[L];
  const got = verdicts.reduce((a, v) => a + v.points, 0), max = verdicts.reduce((a, v) => a + v.maxPoints, 0);
  const mark = got === max ? c.green('✓') : got === 0 ? c.red('✗') : c.yellow('△');
  // Pad the plain text, then colour: escape codes have no width on screen.
  const head = `${mark} ${padDisplay(`${step} ${STEP_TITLES[step][L]}`, 40)} ${c.bold(`${got}/${max}`.padStart(5))}  ${c.dim(STEP_FILES[step])}`;
  const missing = notImplemented(verdicts);
  if (missing) {
    // A program step (training) fails with the code steps' "not implemented": what is missing is elsewhere.
    const why = isProgram(step) ? t.needsEarlier
      : got === 0 ? t.notImplemented : `${t.notImplemented}: ${missing.map(f => `${f}()`).join(', ')}`;
    return [`${head} ${c.dim(`— ${why}`)}`];
  }
  const lines = [head];
  // One mistake usually fails several checks: its hint is said once per step.
  const said = new Set<string>();
  for (const v of verdicts.filter(x => x.status !== 'passed')) lines.push(...renderFailure(v, opts, c, said));
  return lines;
}

export function renderFailure(v: Verdict, opts: StepOptions, c: Colors = colors(opts), said = new Set<string>()): string[] {
  const L = opts.lang, t = T[L];
  const out = [`    ${c.red('✗')} ${v.title[L]} ${c.dim(`(${v.id}, 0/${v.maxPoints})`)}`];
  const shown = opts.verbose ? v.messages : v.messages.slice(0, 3);
  for (const m of shown) out.push(...sanitize(m[L]).split('\n').map(line => `        ${line}`));
  if (shown.length < v.messages.length) out.push(c.dim(`        … +${v.messages.length - shown.length}`));
  const d = diagnosisParts(v, L);
  for (const o of d.observations) out.push(`        ${c.magenta(sanitize(o))}`);
  const fs = faultsOf(v);
  const key = fs.map(f => f.id).join('+');
  if (fs.length > 0 && said.has(key)) {
    out.push(`        ${c.yellow(`${t.mistake}: ${t.asAbove}`)} ${c.dim(`[${key}]`)}`);
  } else if (fs.length > 0) {
    said.add(key);
    out.push(`        ${c.yellow(`${fs.length > 1 ? t.mistakes : t.mistake}: ${fs.map(f => f.title[L]).join(' + ')}`)} ${c.dim(`[${key}]`)}`);
    if (opts.hints !== false) for (const h of d.hints) out.push(`        ${c.cyan(h)}`);
  }
  return out;
}

export function firstFailure(verdicts: Verdict[]): Verdict | undefined {
  return verdicts.find(v => v.status !== 'passed');
}

/** The student function a failing check is about: named in its message, else known by its id. */
export function functionOf(v: Verdict): string | undefined {
  for (const m of v.messages) {
    for (const hit of m.en.matchAll(/\b(\w+)(?:\(\)|\.\w+:|:)/g)) if (ALL_FUNCTIONS.has(hit[1])) return hit[1];
  }
  return CHECK_FUNCTION[v.id] ?? STEP_FUNCTIONS[v.step].at(-1);
}

export interface NextAction {
  /** What to do, in the report's language: file, function, check. */
  text: string;
  /** The command that re-checks it; undefined when everything passes. */
  command?: string;
  step?: StepId;
}

const stepCommand = (s: StepId) => `make grade STEP=${Number(s)}`;
const where = (L: Lang, file: string, fn: string | undefined) =>
  fn ? (L === 'ja' ? `${file} の ${fn}()` : `${fn}() in ${file}`) : file;

/**
 * The next thing to do after a run: the first failing check's file and function, or, when the
 * run graded one step and it passes, the next step.
 */
export function nextAction(verdicts: Verdict[], lang: Lang): NextAction {
  const t = T[lang];
  const failing = firstFailure(verdicts);
  if (failing) {
    const step = failing.step;
    const missing = notImplemented(verdicts.filter(v => v.step === step));
    if (isProgram(step)) {
      return { step, command: stepCommand(step), text: `${step} ${STEP_TITLES[step][lang]} — ${missing ? t.needsEarlier : failing.title[lang]}` };
    }
    if (missing) {
      const fns = missing.map(f => `${f}()`).join(', ');
      const text = lang === 'ja' ? `${STEP_FILES[step]} の ${fns} を実装する` : `implement ${fns} in ${STEP_FILES[step]}`;
      return { step, command: stepCommand(step), text };
    }
    return { step, command: stepCommand(step), text: `${where(lang, STEP_FILES[step], functionOf(failing))} — ${failing.title[lang]}` };
  }
  const steps = STEP_IDS.filter(s => verdicts.some(v => v.step === s));
  if (steps.length === 1) {
    // A single-step run that passes: point at the step after it (the full grade after 05).
    const s = steps[0];
    const following = STEP_IDS[STEP_IDS.indexOf(s) + 1];
    if (following && !isProgram(following)) {
      return { step: following, command: stepCommand(following), text: `${t.stepDone(s)}${where(lang, STEP_FILES[following], STEP_FUNCTIONS[following][0])}` };
    }
    return { command: 'make grade', text: `${t.stepDone(s)}${lang === 'ja' ? '全体を採点 (学習を含む)' : 'grade everything (training included)'}` };
  }
  return { text: t.done };
}

export function renderTerminal(report: GradeReport, opts: TerminalOptions): string {
  const c = colors(opts);
  const t = T[opts.lang];
  const lines: string[] = [];
  for (const step of STEP_IDS) {
    const vs = report.verdicts.filter(v => v.step === step);
    if (vs.length > 0) lines.push(...renderStep(step, vs, opts, c));
  }
  if (report.typeWarnings.length > 0) {
    lines.push('', c.yellow(t.types));
    for (const w of report.typeWarnings) lines.push(c.dim(`    ${w.file}:${w.line}:${w.column} ${w.code} ${sanitize(w.message)}`));
  }
  if (report.typecheckPending) lines.push('', c.dim(t.typesPending));
  lines.push('');
  lines.push(c.bold(`${t.total}: ${report.score} / ${report.checkedPoints}`) +
    (report.checkedPoints < report.totalPoints ? c.dim(`  (${t.checked}: ${report.checkedPoints}/${report.totalPoints}; ${t.hidden})`) : ''));
  const next = nextAction(report.verdicts, opts.lang);
  lines.push(next.command ? `${t.next}: ${next.text}  →  ${c.bold(next.command)}` : c.green(next.text));
  const notes = report.protections.notes;
  lines.push(c.dim(`${t.protections}: ${notes.length ? notes.join('; ') : t.all} · ${t.time} ${report.seconds.toFixed(1)} s`));
  return lines.join('\n');
}

function colors(opts: TerminalOptions): Colors {
  return new Chalk({ level: opts.color ? 1 : 0 });
}
