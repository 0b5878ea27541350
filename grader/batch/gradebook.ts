// grader/batch/gradebook.ts — what a batch writes: each submission's meta.json (the row and the
// hashes that decide whether a rerun may skip it), the student's feedback.md, and the cohort's
// grades.csv and summary.md. grades.csv and summary.md are always regenerated from the
// meta.json files alone, so a merge of shard outputs produces exactly what one run would.
import { createHash } from 'node:crypto';
import type { GradeReport } from '../engine.ts';
import { sanitize } from '../report/terminal.ts';
import { COURSE } from '../course.ts';
import { RUBRIC, STEP_FILES as STEP_FILE_OF, STEP_IDS, STEP_TITLES } from '../rubric.ts';
import type { Lang, Msg, StepId, Verdict } from '../types.ts';
import { plural, STEP_FILES, type BatchSubmission } from './intake.ts';

export type Status = 'ok' | 'partial' | 'incomplete' | 'error';

export interface Meta {
  format: 1;
  /** The student id as submitted (the folder name may differ: see folderName). */
  id: string;
  folder: string;
  contentHash: string;
  graderHash: string;
  lang: Lang;
  total: number;
  /** Points the run could award (100 with every step; less with --step). */
  max: number;
  steps: Record<StepId, number>;
  status: Status;
  /** Staff-facing, English, one line. */
  reason: string;
  seconds: number;
  checks: { id: string; passed: boolean; fault?: { id: string; title: string } }[];
  /** The grader itself failed: a rerun retries this submission instead of skipping it. */
  graderError?: string;
}

// ── folder names and shards ────────────────────────────────────────────────────────────────

const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
const shortHash = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 8);

/**
 * The output folder of an id: the id itself when it is a plain name; otherwise its safe
 * characters plus a hash of the whole id, so that two odd ids never share a folder and the
 * name depends on the id alone (shards and merges agree on it).
 */
export function folderName(id: string): string {
  if (PLAIN.test(id) && !WINDOWS_RESERVED.test(id) && !id.endsWith('.')) return id;
  const safe = id.normalize('NFC').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+|[._]+$/g, '').slice(0, 40);
  return `${safe || 'id'}-${shortHash(id)}`;
}

export interface Shard { index: number; count: number }

/** `I/N` with 1 ≤ I ≤ N (a CI matrix counts from 1). */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new Error(`--shard: expected I/N with 1 ≤ I ≤ N, got "${value}"`);
  return { index, count };
}

/**
 * Which shard grades an id: a hash of the id, so an id stays in its shard when other ids are
 * added or removed (a sorted-index split would move half the cohort after one late submission).
 */
export function shardOf(id: string, count: number): number {
  return (createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0) % count) + 1;
}

// ── one submission's row ───────────────────────────────────────────────────────────────────

const oneLine = (s: string, max = 160) => {
  const t = sanitize(s).replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/** The reason column: what kept points from being awarded by the grader's own verdict. */
export function reasonOf(sub: BatchSubmission, report?: GradeReport, graderError?: string): string {
  const parts: string[] = [];
  if (graderError) parts.push(`internal grader error: ${graderError}`);
  if (sub.reason) parts.push(sub.reason.en);
  else {
    for (const m of sub.issues.values()) parts.push(m.en);
    for (const w of sub.warnings) parts.push(w.en);
  }
  if (report) {
    const missing: string[] = [];
    for (const step of STEP_IDS) {
      // A step whose file was not taken already has its reason above.
      const file = STEP_FILE_OF[step];
      if (COURSE.step(step).program ? sub.sources.size < STEP_FILES.length : !sub.sources.has(file)) continue;
      const v = report.verdicts.find(x => x.step === step && x.status === 'error');
      const first = v?.messages[0]?.en.split('\n')[0];
      if (!first) continue;
      if (v?.missing) missing.push(...v.missing.map(f => `${f} (${step})`));
      else parts.push(`${step}: ${oneLine(first, 140)}`);
    }
    if (missing.length) parts.push(`not implemented: ${missing.join(', ')}`);
    const faults = [...new Set(report.verdicts.filter(v => v.fault).map(v => `${v.fault!.id} (${v.step})`))];
    if (faults.length) parts.push(`known mistakes: ${faults.join(', ')}`);
  }
  return oneLine([...new Set(parts)].join('; '), 600);
}

export function statusOf(sub: BatchSubmission, report?: GradeReport, graderError?: string): Status {
  if (graderError || sub.reason || !report || sub.sources.size === 0) return 'error';
  if (sub.issues.size > 0) return 'incomplete';
  return report.score === report.checkedPoints ? 'ok' : 'partial';
}

/** `max`: the points this run could award (used for rows that were not graded). */
export function metaOf(sub: BatchSubmission, graderHash: string, lang: Lang, report: GradeReport | undefined, seconds: number, max: number, graderError?: string): Meta {
  const steps = Object.fromEntries(STEP_IDS.map(s => [s, 0])) as Record<StepId, number>;
  for (const v of report?.verdicts ?? []) steps[v.step] += v.points;
  return {
    format: 1, id: sub.id, folder: folderName(sub.id), contentHash: sub.hash, graderHash, lang,
    total: report?.score ?? 0, max: report?.checkedPoints ?? max, steps,
    status: statusOf(sub, report, graderError), reason: reasonOf(sub, report, graderError),
    seconds: Math.round(seconds * 10) / 10,
    checks: (report?.verdicts ?? []).map(v => ({ id: v.id, passed: v.status === 'passed', ...(v.fault ? { fault: { id: v.fault.id, title: v.fault.title.en } } : {}) })),
    ...(graderError ? { graderError } : {}),
  };
}

// ── grades.csv ─────────────────────────────────────────────────────────────────────────────

/** One column per step, named by the manifest (`01_forward`, …, `06_training`). */
export const CSV_HEADER = ['id', 'total', ...COURSE.steps.map(s => s.csv), 'status', 'reason', 'seconds'];

/**
 * RFC 4180 quoting. A cell that a spreadsheet would run as a formula (= + - @ first) gets a
 * leading apostrophe: ids and reasons come from students, and TAs open this file in Excel.
 */
export function csvCell(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const byId = (a: Meta, b: Meta) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function gradesCsv(metas: readonly Meta[]): string {
  const rows = [...metas].sort(byId).map(m => [
    m.id, m.total, ...STEP_IDS.map(s => m.steps[s]), m.status, m.reason, m.seconds.toFixed(1),
  ].map(csvCell).join(','));
  return [CSV_HEADER.join(','), ...rows, ''].join('\n');
}

// ── summary.md ─────────────────────────────────────────────────────────────────────────────

const mdCell = (s: string) => oneLine(s, 300).replace(/\|/g, '\\|').replace(/[<>]/g, c => (c === '<' ? '&lt;' : '&gt;'));
const pct = (a: number, b: number) => (b === 0 ? '–' : `${Math.round((100 * a) / b)}%`);

export function summaryMd(metas: readonly Meta[]): string {
  const all = [...metas].sort(byId);
  const graded = all.filter(m => m.status !== 'error');
  const L: string[] = ['# Batch grading summary', ''];
  const totals = all.map(m => m.total).sort((a, b) => a - b);
  const mean = totals.length ? totals.reduce((a, b) => a + b, 0) / totals.length : 0;
  const median = totals.length ? (totals[(totals.length - 1) >> 1] + totals[totals.length >> 1]) / 2 : 0;
  const count = (s: Status) => all.filter(m => m.status === s).length;
  L.push(`${plural(all.length, 'submission')} · mean ${mean.toFixed(1)} · median ${median} · full marks ${all.filter(m => m.total === m.max && m.status !== 'error').length}`);
  L.push(`status: ok ${count('ok')} · partial ${count('partial')} · incomplete ${count('incomplete')} · error ${count('error')}`);
  const hashes = [...new Set(all.map(m => m.graderHash))];
  L.push(`grader: ${hashes.join(', ')}${hashes.length > 1 ? ' — **mixed grader versions: regrade with --force**' : ''}`);
  const maxes = [...new Set(all.map(m => m.max))];
  if (maxes.some(x => x !== 100)) L.push(`points checked: ${maxes.join(', ')} (not every step was graded)`);
  L.push('', '## Scores', '', '| total | submissions | |', '| ---: | ---: | --- |');
  const bins = Array.from({ length: 11 }, (_, i) => i);
  for (const b of bins) {
    const n = all.filter(m => (b === 10 ? m.total >= 100 : m.total >= b * 10 && m.total < b * 10 + 10)).length;
    L.push(`| ${b === 10 ? '100' : `${b * 10}–${b * 10 + 9}`} | ${n} | ${'█'.repeat(n)} |`);
  }
  L.push('', `## Pass rate per check`, '', `Over the ${plural(graded.length, 'graded submission')} (status error excluded).`, '',
    '| check | step | points | visibility | passed | rate |', '| --- | --- | ---: | --- | ---: | ---: |');
  for (const e of RUBRIC) {
    const ran = graded.filter(m => m.checks.some(c => c.id === e.id));
    if (ran.length === 0) continue;
    const passed = ran.filter(m => m.checks.find(c => c.id === e.id)!.passed).length;
    L.push(`| ${e.id} ${mdCell(e.title.en)} | ${e.step} | ${e.points} | ${e.visibility} | ${passed}/${ran.length} | ${pct(passed, ran.length)} |`);
  }
  const faults = new Map<string, { title: string; ids: Set<string>; checks: Set<string> }>();
  for (const m of graded) {
    for (const c of m.checks) {
      if (!c.fault) continue;
      const f = faults.get(c.fault.id) ?? { title: c.fault.title, ids: new Set(), checks: new Set() };
      f.ids.add(m.id); f.checks.add(c.id);
      faults.set(c.fault.id, f);
    }
  }
  L.push('', '## Most frequent diagnosed mistakes', '');
  if (faults.size === 0) L.push('None diagnosed.');
  else {
    L.push('| mistake | what | submissions | failed checks |', '| --- | --- | ---: | --- |');
    const ranked = [...faults].sort((a, b) => b[1].ids.size - a[1].ids.size || (a[0] < b[0] ? -1 : 1));
    for (const [id, f] of ranked) L.push(`| \`${id}\` | ${mdCell(f.title)} | ${f.ids.size} | ${[...f.checks].sort().join(', ')} |`);
  }
  const bad = all.filter(m => m.status === 'error' || m.status === 'incomplete');
  L.push('', '## Submissions to look at (status error or incomplete)', '');
  if (bad.length === 0) L.push('None.');
  else {
    L.push('| id | status | total | reason |', '| --- | --- | ---: | --- |');
    for (const m of bad) L.push(`| ${mdCell(m.id)} | ${m.status} | ${m.total} | ${mdCell(m.reason)} |`);
  }
  return `${L.join('\n')}\n`;
}

// ── feedback.md (the student's report) ─────────────────────────────────────────────────────

const T = {
  ja: {
    title: '第4回 オートエンコーダ 採点結果', total: '合計', intake: '提出物', graded: '採点したファイル',
    problems: '採点できなかったファイル', notes: '注意', ignored: (n: number) => `ほかの ${n} 個のファイルは無視しました (採点するのは 5 つの課題ファイルだけです)`,
    steps: 'ステップごとの得点', step: 'ステップ', what: '内容', points: '得点', lost: '失点したチェック',
    allPassed: 'すべてのチェックに合格しました。', mistake: 'よくある間違い', hint: 'ヒント',
    notGraded: 'この提出物は採点できませんでした', hidden: '非公開', footer: '採点プログラム',
    same: '(上と同じ理由)',
    internal: '採点プログラムの内部エラーです。あなたの提出物の問題ではありません。TA が再採点します。',
  },
  en: {
    title: 'Lec4 autoencoder: grading report', total: 'Total', intake: 'Your submission', graded: 'Files graded',
    problems: 'Files that could not be graded', notes: 'Notes', ignored: (n: number) => `ignored ${plural(n, 'other file')} (only the five assignment files are graded)`,
    steps: 'Points per step', step: 'step', what: 'what', points: 'points', lost: 'Checks that lost points',
    allPassed: 'Every check passed.', mistake: 'known mistake', hint: 'hint',
    notGraded: 'This submission could not be graded', hidden: 'hidden', footer: 'grader',
    same: '(the same reason as above)',
    internal: 'An internal error of the grader, not a problem of your submission. The TAs will regrade it.',
  },
};

/** Inline code that cannot be broken out of (paths come from the student's zip). */
const code = (s: string) => `\`${sanitize(s).replace(/`/g, "'").replace(/\s+/g, ' ')}\``;

/** A fenced block longer than any backtick run inside, so a message cannot end it early. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map(m => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}text\n${sanitize(text)}\n${f}`;
}

/** `max`: the points of the run, shown for a submission that could not be graded. */
export function feedbackMd(sub: BatchSubmission, report: GradeReport | undefined, lang: Lang, max = 100): string {
  const t = T[lang];
  const L: string[] = [`# ${t.title}: ${code(sub.id)}`, ''];
  if (sub.reason || !report) {
    // No report: the whole upload was unusable, none of the five files could be taken, or the
    // grader itself failed (then there is no student-side reason to show).
    const why = sub.reason ? sub.reason[lang] : [...sub.issues.values()].map(m => m[lang]).join('\n') || t.internal;
    L.push(`**${t.notGraded}.**`, '', fence(why), '', `**${t.total}: 0 / ${max}**`, '');
    return L.join('\n');
  }
  L.push(`**${t.total}: ${report.score} / ${report.checkedPoints}**`, '', `## ${t.intake}`, '');
  if (sub.taken.size) L.push(`- ${t.graded}: ${[...sub.taken.values()].map(code).join(', ')}`);
  for (const [f, m] of sub.issues) L.push(`- ${t.problems}: ${code(f)} — ${mdText(m[lang])}`);
  for (const w of sub.warnings) L.push(`- ${t.notes}: ${mdText(w[lang])}`);
  if (sub.ignored) L.push(`- ${t.ignored(sub.ignored)}`);
  L.push('', `## ${t.steps}`, '', `| ${t.step} | ${t.what} | ${t.points} |`, '| --- | --- | ---: |');
  for (const s of STEP_IDS) {
    const vs = report.verdicts.filter(v => v.step === s);
    if (!vs.length) continue;
    L.push(`| ${s} | ${cell(STEP_TITLES[s][lang])} (${STEP_FILE_OF[s]}) | ${vs.reduce((a, v) => a + v.points, 0)} / ${vs.reduce((a, v) => a + v.maxPoints, 0)} |`);
  }
  const failed = report.verdicts.filter(v => v.status !== 'passed');
  L.push('', `## ${t.lost}`, '');
  if (!failed.length) L.push(t.allPassed);
  // A file that does not load fails every check of its step the same way: say it once.
  let previous: Verdict | undefined;
  for (const v of failed) {
    const same = previous?.step === v.step && messagesOf(previous, lang) === messagesOf(v, lang) && previous.fault?.id === v.fault?.id;
    L.push(...failure(v, lang, same));
    previous = v;
  }
  L.push('', '---', `${t.footer} ${report.graderVersion} · rubric ${report.rubricHash}`, '');
  return L.join('\n');
}

const messagesOf = (v: Verdict, lang: Lang) => v.messages.map((m: Msg) => m[lang]).join('\n');

function failure(v: Verdict, lang: Lang, sameAsAbove: boolean): string[] {
  const t = T[lang];
  const out = [`### ${v.id}: ${ours(v.title[lang])} (0 / ${v.maxPoints}${v.visibility === 'hidden' ? `, ${t.hidden}` : ''})`, ''];
  if (sameAsAbove) return [...out, t.same, ''];
  if (v.messages.length) out.push(fence(messagesOf(v, lang)), '');
  if (v.fault) out.push(`- ${t.mistake}: ${ours(v.fault.title[lang])} (\`${v.fault.id}\`)`, `- ${t.hint}: ${ours(v.fault.hint[lang])}`, '');
  return out;
}

/** Text that quotes a submission (paths from its zip) on a markdown line: no HTML, no links,
 *  no line breaks. Emphasis characters stay: at worst they format, and `01_forward.ts` stays
 *  readable in the raw file. */
function mdText(s: string): string {
  return sanitize(s).replace(/\s+/g, ' ').replace(/[\\`[\]<>|]/g, c => `\\${c}`);
}

/** Our own text (titles, hints): only line breaks matter (and pipes, inside a table). */
const ours = (s: string) => s.replace(/\s+/g, ' ');
const cell = (s: string) => ours(s).replace(/\|/g, '\\|');
