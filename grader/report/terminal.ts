// grader/report/terminal.ts — the report a student reads after `make grade`.
// One line per step with its points, then each failing check: what was expected and what
// came, the diagnosed mistake and its hint. Then the total, and what share of the points this
// run could check. The submission's own output is never mixed in.
import { Chalk } from 'chalk';
import type { GradeReport } from '../engine.ts';
import { STEP_FILES, STEP_TITLES } from '../rubric.ts';
import { STEP_IDS, type Lang, type Verdict } from '../types.ts';

export interface TerminalOptions { lang: Lang; color?: boolean; verbose?: boolean }

const T = {
  ja: { total: '合計', checked: 'この実行で採点できた配点', hidden: '残りは TA 採点の非公開チェック', mistake: 'よくある間違い', hint: 'ヒント', next: '次にやること', done: '公開チェックはすべて通りました。make train で学習させてみましょう。', protections: '保護', all: 'すべて有効', time: '時間', types: '型チェックの警告 (減点はありません):' },
  en: { total: 'total', checked: 'points this run could check', hidden: 'the rest are hidden checks, run by TA grading', mistake: 'known mistake', hint: 'hint', next: 'next', done: 'All public checks pass. Try make train.', protections: 'protections', all: 'all on', time: 'time', types: 'type-check warnings (they cost no points):' },
};

/** Strip terminal control sequences from anything that came from a submission. */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)|[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

export function renderTerminal(report: GradeReport, opts: TerminalOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const t = T[opts.lang];
  const L = opts.lang;
  const lines: string[] = [];
  const byStep = (s: string) => report.verdicts.filter(v => v.step === s);
  for (const step of STEP_IDS) {
    const vs = byStep(step);
    if (vs.length === 0) continue;
    const got = vs.reduce((a, v) => a + v.points, 0), max = vs.reduce((a, v) => a + v.maxPoints, 0);
    const mark = got === max ? c.green('✓') : got === 0 ? c.red('✗') : c.yellow('△');
    const head = `${mark} ${step} ${STEP_TITLES[step][L]}`;
    lines.push(`${head.padEnd(44)} ${c.bold(`${String(got).padStart(2)}/${max}`)}  ${c.dim(STEP_FILES[step])}`);
    for (const v of vs.filter(x => x.status !== 'passed')) lines.push(...renderFailure(v, opts, c));
  }
  if (report.typeWarnings.length > 0) {
    lines.push('', c.yellow(t.types));
    for (const w of report.typeWarnings) lines.push(c.dim(`    ${w.file}:${w.line}:${w.column} ${w.code} ${sanitize(w.message)}`));
  }
  lines.push('');
  lines.push(c.bold(`${t.total}: ${report.score} / ${report.checkedPoints}`) +
    (report.checkedPoints < report.totalPoints ? c.dim(`  (${t.checked}: ${report.checkedPoints}/${report.totalPoints}; ${t.hidden})`) : ''));
  const next = firstFailure(report.verdicts);
  lines.push(next ? `${t.next}: ${next.step} ${STEP_FILES[next.step]} — ${next.title[L]}` : c.green(t.done));
  const notes = report.protections.notes;
  lines.push(c.dim(`${t.protections}: ${notes.length ? notes.join('; ') : t.all} · ${t.time} ${report.seconds.toFixed(1)} s`));
  return lines.join('\n');
}

function renderFailure(v: Verdict, opts: TerminalOptions, c: InstanceType<typeof Chalk>): string[] {
  const L = opts.lang, t = T[L];
  const out = [`    ${c.red('✗')} ${v.title[L]} ${c.dim(`(${v.id}, 0/${v.maxPoints})`)}`];
  const shown = opts.verbose ? v.messages : v.messages.slice(0, 3);
  for (const m of shown) out.push(...sanitize(m[L]).split('\n').map(line => `        ${line}`));
  if (shown.length < v.messages.length) out.push(c.dim(`        … +${v.messages.length - shown.length}`));
  if (v.fault) {
    out.push(`        ${c.yellow(`${t.mistake}: ${v.fault.title[L]}`)} ${c.dim(`[${v.fault.id}]`)}`);
    out.push(`        ${c.cyan(`${t.hint}: ${v.fault.hint[L]}`)}`);
  }
  return out;
}

export function firstFailure(verdicts: Verdict[]): Verdict | undefined {
  return verdicts.find(v => v.status !== 'passed');
}
