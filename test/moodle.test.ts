// Moodle round trip (grader/lms/moodle.ts through `batch`): a download shaped like Moodle's
// "Download all submissions" (one folder per participant, uploads that are zips, a zip inside
// that, online-text folders, one participant without an upload, Japanese names), graded by the
// batch CLI as a zip and as its unpacked folder, and the offline grading worksheet (English and
// Japanese language packs) filled: every row has a grade or an explained blank, and every other
// byte of the worksheet is unchanged. Step 01 only: the grading path is batch's own and is
// tested there; what is tested here is who is who and what lands in which cell.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meta } from '../grader/batch/gradebook.ts';
import { STEP_IDS } from '../grader/rubric.ts';
import { commentOf, fillWorksheet, looksLikeMoodle, MOODLE_FOLDER, MoodleError, moodleListing, parseWorksheet, scaleGrade } from '../grader/lms/moodle.ts';
import { filesUnder, reference, ROOT, stubs, zipBytes, type ZipItem } from './batch-corpus.ts';

let base: string;
beforeAll(() => { base = mkdtempSync(join(tmpdir(), 'lec4-moodle-test-')); });
afterAll(() => rmSync(base, { recursive: true, force: true }));

// ── the download ───────────────────────────────────────────────────────────────────────────

const ref = reference();
const withoutHalf = ref.get('01_forward.ts')!.replace('diff.mul(diff).sum() / 2 / n', 'diff.mul(diff).sum() / n');
/** Moodle 4.1+ names folders `<full name>_<number>_assignsubmission_file`; 3.1–4.0 added a `_`. */
const download: ZipItem[] = [
  // A zip upload (Moodle keeps it as it came): graded from inside.
  { name: '山田 太郎_1001_assignsubmission_file/Lec4.zip', data: zipBytes(filesUnder('Lec4/assignments/', ref)) },
  { name: '山田 太郎_1001_assignsubmission_onlinetext/onlinetext.html', data: '<p>よろしくお願いします</p>' },
  // Loose files in a subfolder, the untouched stubs: graded, 0 points.
  ...filesUnder('Bob Smith_1002_assignsubmission_file_/assignments/', stubs()),
  // Not the assignment at all: an empty grade and the reason.
  { name: '佐藤 花子_1003_assignsubmission_file/レポート.txt', data: '提出します' },
  // 1004 鈴木 一郎 uploaded nothing: no folder.
  // A zip inside the uploaded zip: only one level is opened; the reason says so.
  { name: '髙橋 "ケン", Jr._1005_assignsubmission_file/提出.zip', data: zipBytes([{ name: 'Lec4.zip', data: zipBytes(filesUnder('Lec4/assignments/', ref)) }]) },
  // One mistake (the ½ of the squared error is missing): some points lost.
  ...filesUnder('Participant_1006_assignsubmission_file/Lec4/assignments/', new Map([...ref, ['01_forward.ts', withoutHalf]])),
];

/** The worksheet as Moodle writes it (fputcsv: cells with spaces quoted). GRADE / COMMENT mark
 *  the cells a fill may change; everything else must come back byte for byte. */
const EN_HEADER = ['Identifier', '"Full name"', '"Email address"', 'Status', 'Grade', '"Maximum grade"', '"Grade can be changed"', '"Last modified (submission)"', '"Last modified (grade)"', '"Feedback comments"'];
const JA_HEADER = ['識別子', 'フルネーム', 'メールアドレス', 'ステータス', '評点', '最大評点', '評点は変更可能です', '"最終更新日時 (提出)"', '"最終更新日時 (評定)"', 'フィードバックコメント'];
interface Row { id: string; name: string; grade: string; max: string; comment: string }
const people: [string, string, string][] = [
  ['1001', '山田 太郎', 'taro@example.jp'], ['1002', 'Bob Smith', 'bob@example.com'], ['1003', '佐藤 花子', 'hanako@example.jp'],
  ['1004', '鈴木 一郎', 'ichiro@example.jp'], ['1005', '髙橋 "ケン", Jr.', 'ken@example.jp'], ['1006', '伊藤 美咲', 'misaki@example.jp'],
  ['1007', '渡辺 翔', 'sho@example.jp'], // enrolled, but not in this download
];
const q = (s: string) => (/[", \t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function worksheet(lang: 'en' | 'ja', max: string, cells: (p: Row) => Row, opts: { bom: boolean; eol: string }): string {
  const header = lang === 'en' ? EN_HEADER : JA_HEADER;
  const rows = people.map(([id, name, email]) => {
    const r = cells({ id, name, grade: id === '1002' ? '55.00' : '', max, comment: '' });
    return [q(`${lang === 'en' ? 'Participant ' : '参加者 '}${r.id}`), q(r.name), email, q(lang === 'en' ? 'Submitted for grading' : '評定のため提出'), r.grade, r.max,
      lang === 'en' ? 'Yes' : 'Yes', q('Monday, 1 April 2024, 10:00 AM'), '-', r.comment].join(',');
  });
  return `${opts.bom ? '\uFEFF' : ''}${[header.join(','), ...rows].join(opts.eol)}${opts.eol}`;
}

function batch(args: string[]): { stdout: string; status: number | null } {
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'grader', 'cli.ts'), 'batch', '--step', '1', '--jobs', '2', '--lang', 'ja', ...args],
    // A secret of the test's own: TA grading would otherwise make .course-secret in the repository.
    { cwd: base, encoding: 'utf8', timeout: 300_000, env: { ...process.env, FORCE_COLOR: '0', LEC4_COURSE_SECRET: 'moodle-test-secret-0123456789' } });
  return { stdout: r.stdout + r.stderr, status: r.status };
}

/** grades.csv: id → [total, status] (ids and totals hold no commas). */
function grades(out: string): Map<string, { total: number; status: string }> {
  const [header, ...lines] = readFileSync(join(out, 'grades.csv'), 'utf8').trim().split('\n');
  const cols = header.split(',');
  return new Map(lines.map(l => {
    const cells = l.split(',');
    return [cells[0], { total: Number(cells[1]), status: cells[cols.indexOf('status')] }];
  }));
}

/** Out of the whole rubric (100): this test grades step 01 only, so at most 20 of it. */
const scaled = (total: number, max: number) => ((total / 100) * max).toFixed(2);

describe('a Moodle download through batch, and the worksheet filled', () => {
  let out: string, zipRun: { stdout: string; status: number | null }, graded: Map<string, { total: number; status: string }>;
  const en = (fill: (p: Row) => Row) => worksheet('en', '100.00', fill, { bom: true, eol: '\n' });

  beforeAll(() => {
    writeFileSync(join(base, 'Lec4-download.zip'), zipBytes(download));
    writeFileSync(join(base, 'Grades-Lec4.csv'), en(p => p));
    out = join(base, 'out-zip');
    zipRun = batch(['--submissions', 'Lec4-download.zip', '--out', out, '--moodle-worksheet', 'Grades-Lec4.csv']);
    graded = grades(out);
  }, 300_000);

  it('grades one submission per participant number, taken from the folder names', () => {
    expect(zipRun.status, zipRun.stdout).toBe(0);
    expect([...graded.keys()]).toEqual(['1001', '1002', '1003', '1005', '1006']);
    expect(graded.get('1001')).toEqual({ total: 20, status: 'ok' });
    expect(graded.get('1002')).toEqual({ total: 0, status: 'partial' });
    expect(graded.get('1003')?.status).toBe('error');
    expect(graded.get('1005')?.status).toBe('error');
    expect(graded.get('1006')!.total).toBeGreaterThan(0);
    expect(graded.get('1006')!.total).toBeLessThan(20);
    expect(zipRun.stdout).toMatch(/Moodle download: 5 participants with a file submission, 1 folders of other submission types not graded/);
  });

  it('fills each graded participant\'s grade (scaled to the maximum grade) and comment, and nothing else', () => {
    const got = readFileSync(join(out, 'Grades-Lec4-filled.csv'), 'utf8');
    const want = en(p => {
      const g = graded.get(p.id);
      return !g || g.status === 'error' ? p : { ...p, grade: scaled(g.total, 100), comment: 'COMMENT' };
    });
    // Byte for byte, once the comment cells (checked below) are set aside.
    const comment = /"自動採点 [^"\n]*"/g;
    expect(got.startsWith('\uFEFF')).toBe(true);
    expect(got.replace(comment, 'COMMENT')).toBe(want);
    const comments = got.match(comment)!;
    expect(comments).toHaveLength(3);
    expect(comments[0]).toBe('"自動採点 20 / 100 点 (01: 20/20)。 / Autograder: 20 / 100 points (01: 20/20)."');
    expect(got).toContain(`"Participant 1002","Bob Smith",bob@example.com,"Submitted for grading",0.00,100.00`);
  });

  it('every row left empty is explained in summary.md and the log, and the replaced grade too', () => {
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    const section = summary.slice(summary.indexOf('## Moodle worksheet'));
    expect(section).toMatch(/3 grades filled, 4 left empty, 1 earlier grades replaced/);
    expect(section).toMatch(/\*\*warning:\*\* only some steps were graded .*: the grades are out of 100/);
    expect(section).toMatch(/\| 4 \| 1003 \| 佐藤 花子 \| not gradable: none of the five files/);
    expect(section).toMatch(/\| 5 \| 1004 \| 鈴木 一郎 \| no file submission in the download \|/);
    expect(section).toMatch(/\| 6 \| 1005 \| .* \| not gradable: a zip inside the zip/);
    expect(section).toMatch(/\| 8 \| 1007 \| 渡辺 翔 \| no file submission in the download \|/);
    expect(section).toMatch(/\| 3 \| 1002 \| 55\.00 \| 0\.00 \|/);
    expect(zipRun.stdout).toMatch(/row 5 participant 1004: no file submission in the download/);
  });

  it('the unpacked download and a Japanese worksheet (no BOM, CRLF, another maximum) give the same grades', () => {
    const folder = join(base, 'unpacked');
    for (const item of download) {
      const to = join(folder, String(item.name));
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, item.data ?? '');
    }
    const ja = (fill: (p: Row) => Row) => worksheet('ja', '20.00', fill, { bom: false, eol: '\r\n' });
    writeFileSync(join(base, '評定-Lec4.csv'), ja(p => p));
    const r = batch(['--submissions', 'unpacked', '--out', join(base, 'out-folder'), '--moodle-worksheet', '評定-Lec4.csv', '--moodle-out', join(base, 'ja-filled.csv')]);
    expect(r.status, r.stdout).toBe(0);
    expect(grades(join(base, 'out-folder'))).toEqual(graded);
    const got = readFileSync(join(base, 'ja-filled.csv'), 'utf8');
    const want = ja(p => {
      const g = graded.get(p.id);
      return !g || g.status === 'error' ? p : { ...p, grade: scaled(g.total, 20), comment: 'COMMENT' };
    });
    expect(got.replace(/"自動採点 [^"\r\n]*"/g, 'COMMENT')).toBe(want);
  }, 300_000);
});

// ── the pieces, without grading ────────────────────────────────────────────────────────────

const meta = (id: string, total: number, status: Meta['status'] = 'partial'): Meta => ({
  format: 2, id, folder: id, contentHash: '', graderHash: '', lang: 'ja', total, max: 100,
  steps: Object.fromEntries(STEP_IDS.map((s, i) => [s, i === 0 ? total : 0])), status, reason: status === 'error' ? 'the zip is empty' : '', seconds: 1,
  checks: [{ id: '01.sigmoid', passed: true }],
});

describe('worksheet and folder details', () => {
  it('recognises participant folders of Moodle 3.1–4.0, 4.1+ and blind marking', () => {
    expect(MOODLE_FOLDER.exec('山田 太郎_1001_assignsubmission_file_')?.slice(1)).toEqual(['山田 太郎', '1001', 'file']);
    expect(MOODLE_FOLDER.exec('山田 太郎_1001_assignsubmission_file')?.slice(1)).toEqual(['山田 太郎', '1001', 'file']);
    expect(MOODLE_FOLDER.exec('Participant_77_assignsubmission_onlinetext')?.slice(1)).toEqual(['Participant', '77', 'onlinetext']);
    expect(MOODLE_FOLDER.test('alice')).toBe(false);
  });

  it('scales to the maximum grade as Moodle writes it, never above it', () => {
    expect(scaleGrade(85, 100, '100.00')).toBe('85.00');
    expect(scaleGrade(85, 100, '20.00')).toBe('17.00');
    expect(scaleGrade(2, 3, '10')).toBe('7');
    expect(scaleGrade(50, 100, '10,50')).toBe('5,25');
    expect(scaleGrade(120, 100, '100.00')).toBe('100.00');
    expect(scaleGrade(50, 100, '-')).toBeUndefined();
  });

  it('finds the columns by header with another delimiter, and keeps quoted cells quoted', () => {
    const text = 'Identifier;Grade;"Maximum grade";"Last modified (grade)"\r\n"Participant 9";"";"100.00";-\r\n';
    const ws = parseWorksheet(Buffer.from(text));
    expect(ws.delimiter).toBe(';');
    const r = fillWorksheet(ws, [meta('9', 40)]);
    expect(r.bytes.toString('utf8')).toBe('Identifier;Grade;"Maximum grade";"Last modified (grade)"\r\n"Participant 9";"40.00";"100.00";-\r\n');
    expect(r.warnings).toEqual([]);
  });

  it('refuses a worksheet Moodle would not take back or that the autograder cannot fill', () => {
    const refused = (text: string | Buffer) => { try { parseWorksheet(Buffer.isBuffer(text) ? text : Buffer.from(text), 'w.csv'); return ''; } catch (err) { expect(err).toBeInstanceOf(MoodleError); return (err as Error).message; } };
    expect(refused('Identifier,Grade,Scale\n')).toMatch(/graded with a scale/);
    expect(refused('Identifier,Status\n')).toMatch(/no column "Grade" \/ "評点", "Maximum grade" \/ "最大評点"/);
    expect(refused('name,score\n')).toMatch(/not a Moodle grading worksheet/);
    expect(refused(Buffer.from([0x8e, 0xaf, 0x95, 0xca, 0x8e, 0x71, 0x0a]))).toMatch(/not UTF-8/);
    const noModified = fillWorksheet(parseWorksheet(Buffer.from('Identifier,Grade,Maximum grade\nParticipant 1,,100.00\n')), [meta('1', 10)]);
    expect(noModified.warnings.join()).toMatch(/Moodle's upload refuses a worksheet without it/);
  });

  it('the comment holds our words and numbers only, Japanese first', () => {
    expect(commentOf({ ...meta('1', 3), status: 'incomplete' })).toBe('自動採点 3 / 100 点 (01: 3/3)。一部のファイルを採点できませんでした。 / Autograder: 3 / 100 points (01: 3/3); some files could not be graded.');
  });

  it('a download made with "in folders" off is refused with what to do', async () => {
    const dir = join(base, 'flat');
    mkdirSync(dir);
    writeFileSync(join(dir, '山田 太郎_1001_assignsubmission_file_01_forward.ts'), 'x');
    expect(looksLikeMoodle(dir)).toBe(true);
    await expect(moodleListing(dir)).rejects.toThrow(/Download submissions in folders/);
  });
});
