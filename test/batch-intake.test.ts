// Batch intake (grader/batch/intake.ts): the five files of each submission, from folders and
// zips, at any depth — and a clear reason for every kind of bad upload, without reading more
// than the caps or writing anything. No grading here: see test/batch.test.ts.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, feedbackMd, folderName, metaOf, parseShard, reasonOf, shardOf, statusOf } from '../grader/batch/gradebook.ts';
import type { GradeReport } from '../grader/engine.ts';
import { decodeSource, INTAKE_LIMITS, listSubmissions, readSubmission, STEP_FILES, type BatchSubmission } from '../grader/batch/intake.ts';
import { makeCorpus, reference, WEIRD_ID, zipBytes, type Expectation } from './batch-corpus.ts';

let base: string;
let dir: string;
let expected: Expectation[];
const subs = new Map<string, BatchSubmission>();

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'lec4-intake-test-'));
  dir = join(base, 'submissions');
  expected = makeCorpus(dir, { heavy: true });
  for (const e of listSubmissions(dir).entries) subs.set(e.id, await readSubmission(e));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the submissions folder', () => {
  it('lists one entry per id, skips hidden files, and keeps odd names and non-submissions', () => {
    const listing = listSubmissions(dir);
    expect(listing.entries.map(e => e.id)).toEqual(expected.map(e => e.id));
    expect(listing.skipped).toEqual(['.DS_Store', '.hidden']);
    expect(listing.entries.find(e => e.id === 'carol')!.items.map(i => i.kind).sort()).toEqual(['folder', 'zip']);
  });

  it('skips the output folder when it sits inside the submissions folder', () => {
    const inner = join(base, 'inner');
    mkdirSync(join(inner, 'out'), { recursive: true });
    mkdirSync(join(inner, 'alice'));
    expect(listSubmissions(inner, [join(inner, 'out')]).entries.map(e => e.id)).toEqual(['alice']);
  });
});

describe('every bad upload gets its reason, the rest is still taken', () => {
  it('matches the corpus expectations (status and reason)', () => {
    for (const e of expected) {
      const sub = subs.get(e.id)!;
      // Without grading, "ok"/"partial" both mean: all five files taken, nothing wrong at intake.
      const status = statusOf(sub, sub.reason || sub.sources.size === 0 ? undefined : { score: 1, checkedPoints: 1 } as never);
      expect({ id: e.id, status }).toEqual({ id: e.id, status: e.status === 'partial' ? 'ok' : e.status });
      if (e.fromGrading) continue;
      if (e.reason) expect(reasonOf(sub), e.id).toMatch(e.reason);
      else expect(reasonOf(sub), e.id).toBe('');
    }
  });

  it('finds the files at any depth and takes only the five', () => {
    const good = subs.get('good')!;
    expect([...good.taken.values()]).toEqual(STEP_FILES.map(f => `Lec4/assignments/${f}`));
    expect(good.sources.get('01_forward.ts')).toBe(reference().get('01_forward.ts'));
    expect(good.ignored).toBe(2); // README.md, package.json; __MACOSX is not counted
    expect(subs.get('ref')!.sources.size).toBe(5);
  });

  it('reads past Shift_JIS folder names in zips and on disk', () => {
    expect(subs.get('sjis-names')!.sources.size).toBe(5);
    expect([...subs.get('sjis-names')!.taken.values()][0]).toBe('%89%DB%91%E8/01_forward.ts');
    expect(subs.get('sjis-folder')!.sources.size).toBe(5);
  });

  it('duplicates: identical copies are fine, the assignments/ copy wins, otherwise none is graded', () => {
    const dup = subs.get('dup')!;
    expect(dup.sources.has('03_sgd.ts')).toBe(false);
    expect(dup.issues.get('03_sgd.ts')!.en).toMatch(/^ambiguous: 2 different copies of 03_sgd\.ts \(03_sgd\.ts, old\/03_sgd\.ts\)/);
    expect(dup.sources.size).toBe(4);
    const da = subs.get('dup-assign')!;
    expect(da.taken.get('01_forward.ts')).toBe('Lec4/assignments/01_forward.ts');
    expect(da.sources.get('01_forward.ts')).toBe(reference().get('01_forward.ts'));
    expect(da.taken.get('02_backward.ts')).toBe('Lec4/assignments/02_backward.ts'); // identical copy in backup/
    expect(da.issues.size).toBe(0);
  });

  it('symlinks are never followed, in folders and as zip entries', () => {
    expect(subs.get('symlinks')!.sources.has('01_forward.ts')).toBe(false);
    expect(subs.get('ziplink')!.sources.has('01_forward.ts')).toBe(false);
    expect(subs.get('linked')!.reason?.en).toMatch(/symlink/);
  });

  it('unsafe zip entries are not read, and nothing is written anywhere', () => {
    const evil = subs.get('evil')!;
    expect(evil.sources.has('01_forward.ts')).toBe(false);
    expect(evil.sources.size).toBe(4);
    expect(existsSync(join(base, 'evil.ts'))).toBe(false);
    expect(existsSync(join(dir, 'evil.ts'))).toBe(false);
    expect(existsSync('/abs')).toBe(false);
  });

  it('zip bombs and huge files: rejected by their size, a lying size stops the read at the cap', () => {
    expect(subs.get('bomb')!.sources.size).toBe(5); // the 100 MB entry is simply never unpacked
    expect(subs.get('bomb-step')!.issues.get('01_forward.ts')!.en).toMatch(/too large/);
    expect(subs.get('liar')!.issues.get('01_forward.ts')!.en).toMatch(/zip bomb or damaged zip|too large/);
    expect(subs.get('huge')!.issues.get('01_forward.ts')!.en).toMatch(/50\.0 MiB/);
  });

  it('a submission with an unusable whole has the reason on every file, and nothing to grade', () => {
    for (const id of ['empty', 'fake', 'bob', 'carol', 'linked', 'nested']) {
      const s = subs.get(id)!;
      expect(s.reason, id).toBeDefined();
      expect(s.sources.size).toBe(0);
      expect([...s.problems.keys()]).toEqual([...STEP_FILES]);
    }
  });

  it('the id is kept as submitted; its folder name is safe', () => {
    expect(subs.get(WEIRD_ID)!.sources.size).toBe(5);
    expect(folderName(WEIRD_ID)).toMatch(/^[a-z0-9._+-]+$/);
  });

  it('the content hash changes with the files and only with them', async () => {
    const d = join(base, 'hash');
    mkdirSync(join(d, 'x'), { recursive: true });
    for (const [f, t] of reference()) writeFileSync(join(d, 'x', f), t);
    const h1 = (await readSubmission(listSubmissions(d).entries[0])).hash;
    writeFileSync(join(d, 'x', 'notes.txt'), 'extra');
    const h2 = (await readSubmission(listSubmissions(d).entries[0])).hash;
    writeFileSync(join(d, 'x', '03_sgd.ts'), `${reference().get('03_sgd.ts')}\n// changed`);
    const h3 = (await readSubmission(listSubmissions(d).entries[0])).hash;
    expect(h2).not.toBe(h1); // the feedback mentions ignored files, so it is part of the record
    expect(h3).not.toBe(h2);
    expect((await readSubmission(listSubmissions(d).entries[0])).hash).toBe(h3);
  });
});

describe('caps', () => {
  it('a step file just over 512 KiB is refused, one just under is taken', async () => {
    const d = join(base, 'caps');
    mkdirSync(d, { recursive: true });
    const under = `// ${'x'.repeat(INTAKE_LIMITS.fileBytes - 10)}\n`;
    writeFileSync(join(d, 'under.zip'), zipBytes([{ name: '01_forward.ts', data: under }]));
    writeFileSync(join(d, 'over.zip'), zipBytes([{ name: '01_forward.ts', data: `${under}${'y'.repeat(20)}` }]));
    const [over, ok] = await Promise.all(listSubmissions(d).entries.map(e => readSubmission(e)));
    expect(ok.sources.get('01_forward.ts')).toBe(under);
    expect(over.issues.get('01_forward.ts')!.en).toMatch(/too large/);
  });

  it('stops at the total byte budget of a submission', async () => {
    const d = join(base, 'budget');
    mkdirSync(d, { recursive: true });
    const big = `// ${'x'.repeat(400 * 1024)}\n`;
    writeFileSync(join(d, 's.zip'), zipBytes(STEP_FILES.map(f => ({ name: f, data: big }))));
    const s = await readSubmission(listSubmissions(d).entries[0], { ...INTAKE_LIMITS, totalBytes: 1024 * 1024 });
    expect(s.sources.size).toBe(2);
    expect(s.issues.get('03_sgd.ts')!.en).toMatch(/too large in total \(limit 1\.0 MiB\)/);
  });
});

describe('source text', () => {
  it('strips a UTF-8 BOM and names UTF-16 and Shift_JIS files', () => {
    expect(decodeSource('a.ts', Buffer.from('\ufeffexport {}', 'utf8'))).toBe('export {}');
    expect((decodeSource('a.ts', Buffer.from('\ufeffexport', 'utf16le')) as { en: string }).en).toMatch(/UTF-16/);
    expect((decodeSource('a.ts', Buffer.from([0x61, 0x0a, 0x83, 0x6d])) as { en: string }).en).toMatch(/not UTF-8 text \(line 2/);
  });
});

describe('gradebook helpers', () => {
  it('folder names: lowercase plain ids as they are, others escaped, distinct and stable', () => {
    expect(folderName('s1234567')).toBe('s1234567');
    expect(folderName('a-12_b.c')).toBe('a-12_b.c');
    expect(folderName('A-12_b.c')).toBe('+41+-12_b.c');
    for (const id of ['..', '.', '', 'CON', 'con', 'nul.txt', 'a/b', 'a\\b', '田中', 'x y', 'é', 'e\u0301', 'a'.repeat(200), '-rf', 'end.']) {
      expect(folderName(id), id).toMatch(/^[a-z0-9_+][a-z0-9._+~-]*$/);
      expect(folderName(id), id).not.toMatch(/\.$|^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/);
    }
    expect(folderName('é')).not.toBe(folderName('e\u0301'));
    expect(folderName('a/b')).not.toBe(folderName('a\\b'));
    expect(folderName('田中')).toBe(folderName('田中'));
  });

  it('shards: stable by id, every id in exactly one shard, roughly even', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `s${1000 + i}`);
    const sizes = [0, 0, 0, 0];
    for (const id of ids) sizes[shardOf(id, 4) - 1]++;
    for (const n of sizes) expect(n).toBeGreaterThan(60);
    // Adding students never moves anyone else.
    const before = ids.map(id => shardOf(id, 4));
    expect([...ids, 'late1', 'late2'].slice(0, ids.length).map(id => shardOf(id, 4))).toEqual(before);
    expect(shardOf('s1000', 4)).toBe(shardOf('s1000', 4));
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1-3']) expect(() => parseShard(bad)).toThrow(/I\/N/);
  });

  it('CSV cells: quotes, commas, newlines and spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('two\\x0alines'); // an id with a newline stays one visible line
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell(42)).toBe('42');
  });

  it('a grader failure is an error row that the next run retries; diagnosed mistakes are named', () => {
    const sub = subs.get('ref')!;
    const failed = metaOf(sub, 'h', 'en', undefined, 1, 100, 'boom');
    expect([failed.status, failed.reason, failed.graderError]).toEqual(['error', 'internal grader error: boom', 'boom']);
    expect(feedbackMd(sub, undefined, 'en')).toMatch(/internal error of the grader/);
    const v = { id: '02.delta', step: '02', visibility: 'public', title: { ja: '', en: '' }, status: 'failed', points: 0, maxPoints: 6, messages: [],
      fault: { id: 'delta2-sign', title: { ja: '', en: 'sign of δ2' }, hint: { ja: '', en: '' } }, seed: 1, seconds: 0 } as const;
    const report = { verdicts: [v], score: 94, checkedPoints: 100 } as unknown as GradeReport;
    const meta = metaOf(sub, 'h', 'en', report, 1, 100);
    expect([meta.status, meta.reason]).toEqual(['partial', 'known mistakes: delta2-sign (02)']);
    expect(meta.checks).toEqual([{ id: '02.delta', passed: false, fault: { id: 'delta2-sign', title: 'sign of δ2' } }]);
  });

  it('no entries of any zip were written to disk', () => {
    const names = readdirSync(dir);
    expect(names).not.toContain('evil.ts');
    expect(names).not.toContain('Lec4');
  });
});
