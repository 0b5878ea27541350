// grader/batch/gradebook.ts — what a batch writes: each submission's meta.json (the row and the
// hashes that decide whether a rerun may skip it), the student's feedback.md, and the cohort's
// grades.csv and summary.md. grades.csv and summary.md are always regenerated from the
// meta.json files alone, so a merge of shard outputs produces exactly what one run would.
//
// Layout of an output folder: the gradebook's own files at the top (grades.csv, summary.md and
// their temporary files), every student below `students/`, in a folder whose name is an
// injective encoding of the id (folderName). No id can name a gradebook file, and no two ids
// share a folder, on any file system. Student text reaches these files only through
// grader/report/neutral.ts.
import { createHash } from 'node:crypto';
import type { GradeReport } from '../engine.ts';
import { COURSE } from '../course.ts';
import { diagnosisParts, faultsOf } from '../report/diagnosis.ts';
import { csvCell, mdCode, mdFence, nameText, oneLine } from '../report/neutral.ts';
import { RUBRIC, STEP_FILES as STEP_FILE_OF, STEP_IDS, STEP_TITLES } from '../rubric.ts';
import type { Lang, Msg, StepId, Verdict } from '../types.ts';
import { plural, STEP_FILES, type BatchSubmission } from './intake.ts';

export type Status = 'ok' | 'partial' | 'incomplete' | 'error';

export { csvCell };

/** Bumped when meta.json or the layout changes: results in an older format are regraded. */
export const META_FORMAT = 2;

export interface Meta {
  format: typeof META_FORMAT;
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
  /** The time budget ran out: a rerun with a larger --budget regrades this submission. */
  budget?: { ms: number; during: string[] };
}

// ── folder names and shards ────────────────────────────────────────────────────────────────

/** Where the per-student folders live, below the output folder. */
export const STUDENTS_DIR = 'students';

/** Longest injective folder name; a longer encoding is cut and hashed (see folderName). */
const MAX_FOLDER = 96;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
/** Names Windows reserves, with any extension (`con.txt` too). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/;

/**
 * The output folder of an id (below `students/`), as an injective encoding: lowercase ASCII
 * letters, digits, `.`, `_` and `-` stand for themselves; every other character (capitals and
 * spaces included) becomes `+<hex code point>+`. So `s1234567` stays `s1234567`, `Bob` is
 * `+42+ob`, `weird!` is `weird+21+`, `田中` is `+7530++4e2d+`.
 *   - injective: idOfFolder() decodes any name back to its id, so two ids never share a name;
 *   - lowercase ASCII only: no two names differ only in case or in Unicode normalisation, so
 *     `Bob` and `bob`, NFC and NFD `é` stay apart on macOS and Windows file systems too;
 *   - safe: no leading `.` or `-`, no trailing `.`, no Windows device name (their first or
 *     last character is escaped as well), at most MAX_FOLDER + 65 characters.
 * An encoding longer than MAX_FOLDER is cut at an escape boundary and followed by `~` and the
 * SHA-256 of the whole id: `~` never occurs in an injective name, and two long ids would need a
 * SHA-256 collision to meet (runBatch and merge check for it anyway). The name depends on the
 * id alone, so shards and merges agree on it.
 */
export function folderName(id: string): string {
  const chars = [...id];
  const parts = chars.map((ch, i) => {
    const keep = /^[a-z0-9._-]$/.test(ch) && !(i === 0 && (ch === '.' || ch === '-')) && !(i === chars.length - 1 && ch === '.');
    return keep ? ch : `+${ch.codePointAt(0)!.toString(16)}+`;
  });
  if (WINDOWS_RESERVED.test(parts.join(''))) parts[0] = `+${parts[0].codePointAt(0)!.toString(16)}+`;
  const name = parts.join('');
  if (name.length > 0 && name.length <= MAX_FOLDER) return name;
  let prefix = '';
  for (const p of parts) { if (prefix.length + p.length > 40) break; prefix += p; }
  return `${prefix || 'id'}~${sha256(id)}`;
}

/** The id a folder name stands for; undefined for a hashed (long) name or no folderName at all. */
export function idOfFolder(name: string): string | undefined {
  if (!/^(?:[a-z0-9._-]|\+[0-9a-f]{1,6}\+)+$/.test(name)) return undefined;
  const id = name.replace(/\+([0-9a-f]{1,6})\+/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)));
  return folderName(id) === name ? id : undefined;
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
    // Checks the time budget stopped or never ran: said once, below, not once per step.
    const cut = new Set(report.budget?.checks ?? []);
    const missing: string[] = [];
    for (const step of STEP_IDS) {
      // A step whose file was not taken already has its reason above.
      const file = STEP_FILE_OF[step];
      if (COURSE.step(step).program ? sub.sources.size < STEP_FILES.length : !sub.sources.has(file)) continue;
      const v = report.verdicts.find(x => x.step === step && x.status === 'error' && !cut.has(x.id));
      const first = v?.messages[0]?.en.split('\n')[0];
      if (!first) continue;
      if (v?.missing) missing.push(...v.missing.map(f => `${f} (${step})`));
      else parts.push(`${step}: ${oneLine(first, 140)}`);
    }
    if (missing.length) parts.push(`not implemented: ${missing.join(', ')}`);
    const b = report.budget;
    if (b?.exhausted) {
      const during = b.during.map(d => d.check).join(', ') || 'preparation';
      parts.push(`time budget of ${+(b.ms / 1000).toFixed(1)} s ran out during ${during}; ${plural(b.checks.length, 'check')} stopped or not run`);
    }
    const faults = [...new Set(report.verdicts.flatMap(v => faultsOf(v).map(f => `${f.id} (${v.step})`)))];
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
    format: META_FORMAT, id: sub.id, folder: folderName(sub.id), contentHash: sub.hash, graderHash, lang,
    total: report?.score ?? 0, max: report?.checkedPoints ?? max, steps,
    status: statusOf(sub, report, graderError), reason: reasonOf(sub, report, graderError),
    seconds: Math.round(seconds * 10) / 10,
    checks: (report?.verdicts ?? []).map(v => ({ id: v.id, passed: v.status === 'passed', ...(v.fault ? { fault: { id: v.fault.id, title: v.fault.title.en } } : {}) })),
    ...(graderError ? { graderError } : {}),
    ...(report?.budget?.exhausted ? { budget: { ms: report.budget.ms, during: report.budget.during.map(d => d.check) } } : {}),
  };
}

// ── grades.csv ─────────────────────────────────────────────────────────────────────────────

/** One column per step, named by the manifest (`01_forward`, …, `06_training`). */
export const CSV_HEADER = ['id', 'total', ...COURSE.steps.map(s => s.csv), 'status', 'reason', 'seconds'];

const byId = (a: Meta, b: Meta) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function gradesCsv(metas: readonly Meta[]): string {
  const rows = [...metas].sort(byId).map(m => [
    m.id, m.total, ...STEP_IDS.map(s => m.steps[s]), m.status, m.reason, m.seconds.toFixed(1),
  ].map(csvCell).join(','));
  return [CSV_HEADER.join(','), ...rows, ''].join('\n');
}

// ── summary.md ─────────────────────────────────────────────────────────────────────────────

/** Our own text in a table cell (check titles, fault titles). */
const mdCell = (s: string) => oneLine(s, 300).replace(/\|/g, '\\|').replace(/[<>]/g, c => (c === '<' ? '&lt;' : '&gt;'));
/** Student text in a table cell (ids, reasons that quote messages): a code span, never markup. */
const mdStudent = (s: string, max = 300) => mdCode(oneLine(s, max), { table: true });
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
  // Out of time is listed too: on a busy machine a correct submission can run out, and a
  // rerun with a larger --budget regrades exactly those.
  const bad = all.filter(m => m.status === 'error' || m.status === 'incomplete' || m.budget);
  L.push('', '## Submissions to look at (status error or incomplete, or out of time)', '');
  if (bad.length === 0) L.push('None.');
  else {
    L.push('| id | status | total | reason |', '| --- | --- | ---: | --- |');
    for (const m of bad) L.push(`| ${mdStudent(nameText(m.id))} | ${m.status} | ${m.total} | ${mdStudent(m.reason)} |`);
  }
  return `${L.join('\n')}\n`;
}

// ── feedback.md (the student's report) ─────────────────────────────────────────────────────

const T = {
  ja: {
    title: '第4回 オートエンコーダ 採点結果', total: '合計', intake: '提出物', graded: '採点したファイル',
    problems: '採点できなかったファイル', notes: '注意', ignored: (n: number) => `ほかの ${n} 個のファイルは無視しました (採点するのは 5 つの課題ファイルだけです)`,
    steps: 'ステップごとの得点', step: 'ステップ', what: '内容', points: '得点', lost: '失点したチェック',
    allPassed: 'すべてのチェックに合格しました。', mistake: 'よくある間違い', mistakes: 'よくある間違い (2 つ同時)', hint: 'ヒント',
    notGraded: 'この提出物は採点できませんでした', hidden: '非公開', footer: '採点プログラム',
    same: '(上と同じ理由)',
    internal: '採点プログラムの内部エラーです。あなたの提出物の問題ではありません。TA が再採点します。',
  },
  en: {
    title: 'Lec4 autoencoder: grading report', total: 'Total', intake: 'Your submission', graded: 'Files graded',
    problems: 'Files that could not be graded', notes: 'Notes', ignored: (n: number) => `ignored ${plural(n, 'other file')} (only the five assignment files are graded)`,
    steps: 'Points per step', step: 'step', what: 'what', points: 'points', lost: 'Checks that lost points',
    allPassed: 'Every check passed.', mistake: 'known mistake', mistakes: 'known mistakes (two at once)', hint: 'hint',
    notGraded: 'This submission could not be graded', hidden: 'hidden', footer: 'grader',
    same: '(the same reason as above)',
    internal: 'An internal error of the grader, not a problem of your submission. The TAs will regrade it.',
  },
};

/** A name from the submission (its id, paths in its zip) as a code span: never markup. */
const code = (s: string) => mdCode(nameText(s));
/** A message that may quote the submission, as a fenced block the message cannot end early. */
const fence = mdFence;

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
  // The same diagnosis as every other output (grader/report/diagnosis.ts): observations, then
  // the mistake (or two at once) with their hints. Observations may quote numbers: code spans.
  const d = diagnosisParts(v, lang);
  for (const o of d.observations) out.push(`- ${mdText(o)}`);
  const fs = faultsOf(v);
  if (fs.length) {
    out.push(`- ${fs.length > 1 ? t.mistakes : t.mistake}: ${fs.map(f => `${ours(f.title[lang])} (\`${f.id}\`)`).join(' + ')}`);
    for (const f of fs) out.push(`- ${t.hint}${fs.length > 1 ? ` (\`${f.id}\`)` : ''}: ${ours(f.hint[lang])}`);
  }
  if (d.observations.length || fs.length) out.push('');
  return out;
}

/** A message that quotes the submission (paths from its zip) on a Markdown line: a code span,
 *  so no link, image, autolink, HTML or emphasis in it is ever rendered. */
const mdText = (s: string) => mdCode(s);

/** Our own text (titles, hints): only line breaks matter (and pipes, inside a table). */
const ours = (s: string) => s.replace(/\s+/g, ' ');
const cell = (s: string) => ours(s).replace(/\|/g, '\\|');
