// grader/lms/moodle.ts — a Moodle assignment round trip for `batch`: the zip (or its unpacked
// folder) that "Download all submissions" gives, and the offline grading worksheet filled with
// the batch's grades, ready for "Upload grading worksheet".
//
// Followed: Moodle's own code, mod/assign/classes/downloader.php (4.1+) and the older
// download_submissions() in mod/assign/locallib.php (3.1–4.0) for the folder names;
// mod/assign/gradingtable.php for the worksheet's columns; mod/assign/feedback/offline/
// importgradeslib.php and locallib.php for what the upload accepts: columns found by their
// header in the TA's language, the participant number at the end of the identifier, a grade
// as a plain number no larger than the maximum grade, an empty grade skipped.
//
// Grading is batch's own (runBatch, the same intake, sandbox and hidden checks): this module
// only says which folder is whose, and writes grades into cells. Student text never reaches
// the worksheet: the comment is built from our own words and numbers.
import { isUtf8 } from 'node:buffer';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Meta } from '../batch/gradebook.ts';
import { nameText, zipEntryNames, type Listing, type SubmissionEntry } from '../batch/intake.ts';
import { writeAtomic } from '../report/results.ts';
import { sanitize } from '../report/terminal.ts';
import { RUBRIC, STEP_IDS, TOTAL_POINTS } from '../rubric.ts';
import { msg, type Msg, type StepId } from '../types.ts';

// ── the download ───────────────────────────────────────────────────────────────────────────

/**
 * One participant's folder: `<full name>_<participant number>_assignsubmission_<plugin>`, with a
 * trailing `_` before Moodle 4.1. Underscores in the name became spaces, so the number is the
 * last `_<digits>_` before the plugin. Blind marking names it `Participant_<number>_…`.
 */
export const MOODLE_FOLDER = /^(.*)_(\d+)_assignsubmission_([a-z0-9]+)_?$/;
/** "Download submissions in folders" switched off: `<name>_<number>_assignsubmission_file_<file>`. */
const MOODLE_FLAT = /^(.*)_(\d+)_assignsubmission_file_(.+)$/;
const JUNK = /^(\.|__MACOSX$|Thumbs\.db$|desktop\.ini$)/i;

export interface MoodleListing extends Listing {
  /** participant number → the full name in the folder name (for the TA's log only). */
  names: Map<string, string>;
  /** Folders of other submission plugins (online text), not graded. */
  otherPlugins: string[];
}

/** A participant number as Moodle compares it (an integer): `007` and `7` are one participant. */
export const participantKey = (digits: string) => digits.replace(/^0+(?=\d)/, '');

/** True when `path` is laid out as a Moodle download: a .zip file, or a folder holding at
 *  least one participant folder (or a participant's file, from a download without folders). */
export function looksLikeMoodle(path: string): boolean {
  let st;
  try { st = statSync(path); } catch { return false; }
  if (st.isFile()) return /\.zip$/i.test(path);
  if (!st.isDirectory()) return false;
  return readdirSync(path, { encoding: 'buffer' }).some(raw => {
    const { text } = nameText(raw);
    // A flat download (files, not folders) counts too: moodleListing then says how to redo it.
    try { return lstatSync(join(path, text)).isDirectory() ? MOODLE_FOLDER.test(text) : MOODLE_FLAT.test(text); } catch { return false; }
  });
}

/**
 * The submissions of a Moodle download, one per participant number. The upload inside each
 * folder may be the five files or a zip of them (read in memory, never extracted). A zip is
 * never extracted to disk: each participant reads only its own folder's entries.
 */
export async function moodleListing(path: string, exclude: readonly string[] = []): Promise<MoodleListing> {
  const abs = resolve(path);
  const listing: MoodleListing = { entries: [], skipped: [], names: new Map(), otherPlugins: [] };
  const byId = new Map<string, SubmissionEntry>();
  const add = (id: string, name: string, item: SubmissionEntry['items'][number]) => {
    const e = byId.get(id) ?? { id, items: [] };
    e.items.push(item);
    byId.set(id, e);
    if (!listing.names.has(id)) listing.names.set(id, name.trim());
  };
  const st = statSync(abs);
  if (st.isFile()) {
    let names: string[];
    try { names = await zipEntryNames(abs); } catch (err) {
      throw new MoodleError(msg(`Moodle のダウンロード zip として読めません: ${(err as Error).message}`, `not a readable zip (Moodle download): ${(err as Error).message}`));
    }
    const tops = new Map<string, boolean>(); // top-level name → is a folder
    for (const n of names) {
      const [top, ...rest] = n.split(/[/\\]/);
      tops.set(top, (tops.get(top) ?? false) || rest.length > 0);
    }
    for (const [top, isFolder] of [...tops].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const m = MOODLE_FOLDER.exec(top);
      const flat = MOODLE_FLAT.exec(top);
      if (isFolder && m) {
        if (m[3] !== 'file') { listing.otherPlugins.push(top); continue; }
        add(participantKey(m[2]), m[1], { path: `${abs}/${top}`, raw: Buffer.from(abs), kind: 'zip', within: top, openNested: true });
      } else if (!isFolder && flat) {
        listing.skipped.push(top);
        throw new MoodleError(flatMessage(top));
      } else listing.skipped.push(top);
    }
  } else {
    const root = realpathSync(abs);
    const skip = new Set(exclude.map(p => { try { return realpathSync(p); } catch { return resolve(p); } }));
    for (const raw of readdirSync(root, { encoding: 'buffer' })) {
      const { text } = nameText(raw);
      const full = Buffer.concat([Buffer.from(`${root}/`), raw]);
      if (JUNK.test(text) || skip.has(join(root, text))) { listing.skipped.push(text); continue; }
      let isDir = false;
      try { isDir = lstatSync(full).isDirectory(); } catch { /* vanished */ }
      const m = MOODLE_FOLDER.exec(text);
      if (isDir && m) {
        if (m[3] !== 'file') { listing.otherPlugins.push(text); continue; }
        add(participantKey(m[2]), m[1], { path: join(root, text), raw: full, kind: 'folder', openNested: true });
      } else if (!isDir && MOODLE_FLAT.test(text)) {
        throw new MoodleError(flatMessage(text));
      } else listing.skipped.push(text);
    }
  }
  if (byId.size === 0) {
    throw new MoodleError(msg(`${basename(abs)} に Moodle の提出フォルダ (「氏名_番号_assignsubmission_file」) がありません`,
      `${basename(abs)} holds no Moodle submission folder ("<full name>_<number>_assignsubmission_file")`));
  }
  listing.entries = [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  listing.skipped.sort();
  return listing;
}

const flatMessage = (name: string) => msg(
  `${name}: 「フォルダに分けてダウンロード」がオフのダウンロードです。オンにして、もう一度「すべての提出をダウンロードする」を実行してください`,
  `${name}: this download was made with "Download submissions in folders" off; switch it on and download all submissions again`);

export class MoodleError extends Error {
  readonly why: Msg;
  constructor(why: Msg) { super(`${why.ja}\n${why.en}`); this.why = why; }
}

// ── the worksheet ──────────────────────────────────────────────────────────────────────────

/** Column headers as Moodle writes them, in the English and Japanese language packs (the
 *  importer finds its columns by these exact strings in the uploading TA's language). */
export const HEADERS = {
  /** get_string('recordid', 'assign'): 'ID' in older Japanese packs. */
  id: ['Identifier', '識別子', 'ID'],
  /** get_string('grade') */
  grade: ['Grade', '評点'],
  /** get_string('maxgrade', 'assign') */
  max: ['Maximum grade', '最大評点'],
  /** get_string('scale', 'assign'): the assignment is graded on a scale, not points. */
  scale: ['Scale', '評価尺度'],
  /** get_string('pluginname', 'assignfeedback_comments') */
  comments: ['Feedback comments', 'フィードバックコメント'],
  /** get_string('lastmodifiedgrade', 'assign'): the importer refuses a worksheet without it. */
  modified: ['Last modified (grade)', '最終更新日時 (評定)'],
  /** get_string('fullname') */
  fullname: ['Full name', 'フルネーム', '氏名'],
} as const;

interface Cell { start: number; end: number; quoted: boolean; value: string }

export interface Worksheet {
  text: string;
  delimiter: string;
  rows: Cell[][];
  col: { id: number; grade: number; max: number; comments?: number; modified?: number; fullname?: number };
}

/** Cells of a CSV text with their positions, so a fill can replace exactly those characters. */
function cellsOf(text: string, delimiter: string): Cell[][] {
  const rows: Cell[][] = [];
  let row: Cell[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const start = i;
    let value = '', quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        if (i >= text.length) break; // an unclosed quote runs to the end, as PHP's reader does
        if (text[i] === '"') {
          if (text[i + 1] === '"') { value += '"'; i += 2; continue; }
          i++;
          break;
        }
        value += text[i++];
      }
      // Characters between the closing quote and the delimiter are kept as part of the cell.
      while (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') value += text[i++];
    } else {
      while (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') value += text[i++];
    }
    row.push({ start, end: i, quoted, value });
    if (text[i] === delimiter) { i++; if (i === text.length) row.push({ start: i, end: i, quoted: false, value: '' }); continue; }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    rows.push(row);
    row = [];
  }
  if (row.length) rows.push(row);
  return rows;
}

const norm = (s: string) => s.replace(/^\uFEFF/, '').trim().normalize('NFC');
const findCol = (header: Cell[], names: readonly string[]) => header.findIndex(c => names.includes(norm(c.value)));

/** Reads a worksheet; refuses (with what was expected and what came) one Moodle would refuse. */
export function parseWorksheet(bytes: Buffer, file = 'worksheet'): Worksheet {
  if (!isUtf8(bytes)) {
    throw new MoodleError(msg(`${file} が UTF-8 ではありません (Excel で保存し直しましたか?)。Moodle からダウンロードしたままのファイルか、「CSV UTF-8」で保存したものを使ってください`,
      `${file} is not UTF-8 (saved again from Excel?); use the file as Moodle gave it, or save it as "CSV UTF-8"`));
  }
  const text = bytes.toString('utf8');
  for (const delimiter of [',', ';', '\t']) {
    const firstLine = cellsOf(text.slice(0, (text.search(/[\r\n]/) + 1 || text.length + 1) - 1), delimiter)[0] ?? [];
    if (findCol(firstLine, HEADERS.id) < 0) continue;
    const rows = cellsOf(text, delimiter);
    const header = rows[0];
    const id = findCol(header, HEADERS.id), grade = findCol(header, HEADERS.grade), max = findCol(header, HEADERS.max);
    if (findCol(header, HEADERS.scale) >= 0) {
      throw new MoodleError(msg(`${file}: この課題は評価尺度で評定されています。自動採点は点数を付けるので、課題の評定タイプを「点」にしてください`,
        `${file}: this assignment is graded with a scale; the autograder gives points, so set the assignment's grade type to "Point"`));
    }
    const missing = [grade < 0 ? HEADERS.grade : undefined, max < 0 ? HEADERS.max : undefined].filter(Boolean).map(h => `"${h!.join('" / "')}"`);
    if (missing.length) {
      throw new MoodleError(msg(`${file}: 列 ${missing.join(', ')} がありません (見出し: ${header.map(c => norm(c.value)).join(', ')})`,
        `${file}: no column ${missing.join(', ')} (the headers are: ${header.map(c => norm(c.value)).join(', ')})`));
    }
    const opt = (names: readonly string[]) => { const c = findCol(header, names); return c >= 0 ? c : undefined; };
    return { text, delimiter, rows, col: { id, grade, max, comments: opt(HEADERS.comments), modified: opt(HEADERS.modified), fullname: opt(HEADERS.fullname) } };
  }
  throw new MoodleError(msg(`${file}: Moodle の評定ワークシートではありません (1 行目に "${HEADERS.id.join('" / "')}" の列がありません)`,
    `${file}: not a Moodle grading worksheet (no "${HEADERS.id.join('" / "')}" column in the first line)`));
}

// ── filling it ─────────────────────────────────────────────────────────────────────────────

export interface FillRow {
  /** 1-based line of the worksheet's row (the header is row 1). */
  row: number;
  participant: string;
  name: string;
  grade?: string;
  /** Why the grade stays empty (English, for the TA). */
  blank?: string;
  /** The row had a grade that this fill replaced. */
  replaced?: string;
}

export interface FillResult {
  bytes: Buffer;
  rows: FillRow[];
  /** Graded participants with no row in the worksheet (not enrolled any more, another group). */
  notInWorksheet: string[];
  /** Problems with the worksheet itself that Moodle would mind. */
  warnings: string[];
}

/** The grade scaled to the worksheet's maximum, written like Moodle writes that maximum
 *  (same decimals, same decimal mark), never above it (the importer skips such a grade). */
export function scaleGrade(total: number, max: number, maxCell: string): string | undefined {
  const m = /^\s*(\d+)(?:([.,])(\d+))?\s*$/.exec(maxCell);
  if (!m || max <= 0) return undefined;
  const maxGrade = Number(`${m[1]}.${m[3] ?? '0'}`);
  const decimals = m[3]?.length ?? 0;
  const scaled = Math.min(maxGrade, Math.max(0, (total / max) * maxGrade));
  const text = scaled.toFixed(decimals);
  return m[2] === ',' ? text.replace('.', ',') : text;
}

/** The feedback comment: our own words and numbers only (no student text), Japanese first. */
export function commentOf(meta: Meta): string {
  const ran = new Set(meta.checks.map(c => c.id));
  const stepMax = new Map<StepId, number>();
  for (const e of RUBRIC) if (ran.has(e.id)) stepMax.set(e.step, (stepMax.get(e.step) ?? 0) + e.points);
  const steps = STEP_IDS.filter(s => stepMax.has(s)).map(s => `${s}: ${meta.steps[s]}/${stepMax.get(s)}`).join(', ');
  const partly = meta.status === 'incomplete';
  return `自動採点 ${meta.total} / ${TOTAL_POINTS} 点 (${steps})${partly ? '。一部のファイルを採点できませんでした' : ''}。`
    + ` / Autograder: ${meta.total} / ${TOTAL_POINTS} points (${steps})${partly ? '; some files could not be graded' : ''}.`;
}

/** A cell's new text: quoted as the original was, or where the value needs it (as PHP's
 *  fputcsv, which Moodle's writer uses, quotes: delimiter, quote, space, tab, line breaks). */
function cellText(value: string, was: Cell, delimiter: string): string {
  const needs = was.quoted || value.includes(delimiter) || /[" \t\r\n]/.test(value);
  return needs ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Fills the grade (and the feedback comment, where that column exists) of every participant the
 * batch graded; leaves every other character of the worksheet as it was. A participant with no
 * gradable upload keeps an empty grade (the row's `blank` says why); so does one whose
 * identifier cannot be read.
 */
export function fillWorksheet(ws: Worksheet, metas: readonly Meta[]): FillResult {
  const byId = new Map(metas.map(m => [participantKey(m.id), m]));
  const edits: { cell: Cell; text: string }[] = [];
  const rows: FillRow[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  if (ws.col.modified === undefined) warnings.push(`no "${HEADERS.modified.join('" / "')}" column: Moodle's upload refuses a worksheet without it`);
  if (metas.some(m => m.max < TOTAL_POINTS)) warnings.push(`only some steps were graded (--step): the grades are out of ${TOTAL_POINTS} with the other steps at 0; do not upload them as final`);
  ws.rows.forEach((cells, i) => {
    if (i === 0 || (cells.length === 1 && cells[0].value === '')) return;
    const idCell = cells[ws.col.id];
    const digits = /(\d+)\s*$/.exec(idCell?.value ?? '')?.[1];
    const row: FillRow = { row: i + 1, participant: digits ? participantKey(digits) : '', name: cells[ws.col.fullname ?? -1]?.value ?? '' };
    rows.push(row);
    if (!digits) { row.blank = `identifier not understood: ${JSON.stringify(idCell?.value ?? '')}`; return; }
    seen.add(row.participant);
    const gradeCell = cells[ws.col.grade], maxCell = cells[ws.col.max];
    if (!gradeCell || !maxCell) { row.blank = 'the row has fewer cells than the header'; return; }
    const meta = byId.get(row.participant);
    if (!meta) { row.blank = 'no file submission in the download'; return; }
    if (meta.status === 'error') { row.blank = `not gradable: ${meta.reason || 'nothing could be graded'}`; return; }
    // Out of the whole rubric: after a `--step` trial run the steps not graded count 0.
    const grade = scaleGrade(meta.total, TOTAL_POINTS, maxCell.value);
    if (grade === undefined) { row.blank = `maximum grade not understood: ${JSON.stringify(maxCell.value)}`; return; }
    if (gradeCell.value.trim() !== '' && gradeCell.value.trim() !== grade) row.replaced = gradeCell.value.trim();
    row.grade = grade;
    edits.push({ cell: gradeCell, text: cellText(grade, gradeCell, ws.delimiter) });
    const commentCell = ws.col.comments === undefined ? undefined : cells[ws.col.comments];
    if (commentCell) edits.push({ cell: commentCell, text: cellText(commentOf(meta), commentCell, ws.delimiter) });
  });
  let text = ws.text;
  for (const e of edits.sort((a, b) => b.cell.start - a.cell.start)) text = text.slice(0, e.cell.start) + e.text + text.slice(e.cell.end);
  const notInWorksheet = metas.map(m => participantKey(m.id)).filter(id => !seen.has(id)).sort((a, b) => Number(a) - Number(b));
  return { bytes: Buffer.from(text, 'utf8'), rows, notInWorksheet, warnings };
}

/** The "Moodle worksheet" section of summary.md and the batch log: every blank row and why. */
export function fillReport(result: FillResult, worksheet: string, out: string, names: Map<string, string>): string {
  const filled = result.rows.filter(r => r.grade !== undefined);
  const blank = result.rows.filter(r => r.grade === undefined);
  const replaced = filled.filter(r => r.replaced !== undefined);
  const cell = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/[\\`*_[\]<>|#!()]/g, c => `\\${c}`).slice(0, 200);
  const L = ['', '## Moodle worksheet', '',
    `\`${cell(basename(worksheet))}\` → \`${cell(out)}\`: ${filled.length} grades filled, ${blank.length} left empty` +
    (replaced.length ? `, ${replaced.length} earlier grades replaced` : '') + '.'];
  for (const w of result.warnings) L.push('', `**warning:** ${cell(w)}`);
  if (blank.length) {
    L.push('', '| row | participant | name | why the grade is empty |', '| ---: | ---: | --- | --- |');
    for (const r of blank) L.push(`| ${r.row} | ${cell(r.participant)} | ${cell(r.name)} | ${cell(r.blank ?? '')} |`);
  }
  if (replaced.length) {
    L.push('', 'Replaced grades (the worksheet had a grade already):', '', '| row | participant | was | now |', '| ---: | ---: | ---: | ---: |');
    for (const r of replaced) L.push(`| ${r.row} | ${r.participant} | ${cell(r.replaced!)} | ${r.grade} |`);
  }
  if (result.notInWorksheet.length) {
    L.push('', `Graded but not in the worksheet (no row to fill): ${result.notInWorksheet.map(id => `${id}${names.get(id) ? ` (${cell(names.get(id)!)})` : ''}`).join(', ')}`);
  }
  return `${L.join('\n')}\n`;
}

// ── the batch hook (grader/batch/command.ts) ───────────────────────────────────────────────

export interface MoodleRun {
  /** The download's participants, when SUBMISSIONS is a Moodle download; else batch lists it. */
  listing?: MoodleListing;
  /** After the batch: fills the worksheet (if one was given) and reports. */
  finish(metas: readonly Meta[]): void;
}

/**
 * Before grading: recognises a Moodle download and reads the worksheet, so that a wrong file
 * stops the run before minutes of grading, not after. `--shard` is refused with a worksheet:
 * one shard's grades would leave everyone else's cell empty.
 */
export async function prepareMoodle(o: { submissions: string; out: string; worksheet?: string; worksheetOut?: string; sharded?: boolean; log?: (line: string) => void }): Promise<MoodleRun> {
  const log = o.log ?? (line => console.log(line));
  if (o.worksheetOut && !o.worksheet) throw new MoodleError(msg('--moodle-out には --moodle-worksheet が必要です', '--moodle-out needs --moodle-worksheet'));
  if (o.worksheet && o.sharded) {
    throw new MoodleError(msg('--moodle-worksheet は --shard と一緒には使えません (ほかのシャードの学生の評点が空になります)。シャードなしで実行してください',
      '--moodle-worksheet cannot be used with --shard (the other shards\' participants would get empty grades); run without --shard'));
  }
  let ws: Worksheet | undefined;
  if (o.worksheet) {
    if (!existsSync(o.worksheet)) throw new MoodleError(msg(`--moodle-worksheet: ファイルがありません: ${o.worksheet}`, `--moodle-worksheet: no such file: ${o.worksheet}`));
    ws = parseWorksheet(readFileSync(o.worksheet), basename(o.worksheet));
  }
  const listing = looksLikeMoodle(o.submissions) ? await moodleListing(o.submissions, [o.out]) : undefined;
  if (listing) {
    log(`Moodle download: ${listing.entries.length} participants with a file submission` +
      (listing.otherPlugins.length ? `, ${listing.otherPlugins.length} folders of other submission types not graded` : '') +
      (listing.skipped.length ? sanitize(`, not participant folders (skipped): ${listing.skipped.slice(0, 5).join(', ')}${listing.skipped.length > 5 ? ', …' : ''}`) : ''));
  }
  const names = listing?.names ?? new Map<string, string>();
  return {
    listing,
    finish(metas) {
      if (!ws || !o.worksheet) return;
      const dest = resolve(o.worksheetOut ?? join(o.out, `${basename(o.worksheet).replace(/\.csv$/i, '')}-filled.csv`));
      if (dest === resolve(o.worksheet) && !o.worksheetOut) throw new MoodleError(msg('出力先が入力の評定ワークシートと同じです', 'the filled worksheet would overwrite the input'));
      const result = fillWorksheet(ws, metas);
      writeAtomic(dest, result.bytes);
      const shownDest = relative(process.cwd(), dest).startsWith('..') ? dest : relative(process.cwd(), dest);
      const report = fillReport(result, o.worksheet, shownDest, names);
      const summary = join(o.out, 'summary.md');
      if (existsSync(summary)) writeAtomic(summary, readFileSync(summary, 'utf8') + report);
      const blank = result.rows.filter(r => r.grade === undefined);
      log(`Moodle worksheet → ${shownDest}: ${result.rows.length - blank.length} grades filled, ${blank.length} left empty (reasons in summary.md)`);
      for (const r of blank.slice(0, 10)) log(sanitize(`  row ${r.row} participant ${r.participant || '?'}: ${r.blank}`));
      if (blank.length > 10) log(`  … ${blank.length - 10} more in summary.md`);
      for (const w of result.warnings) log(`warning: ${w}`);
      if (result.notInWorksheet.length) log(`note: graded but not in the worksheet: ${result.notInWorksheet.join(', ')}`);
    },
  };
}
