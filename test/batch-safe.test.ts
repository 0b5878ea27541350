// Batch outputs that no student text or id can break:
//   5. ids named like the gradebook's own files (grades.csv, summary.md, temp names) get their
//      own folder below students/, and the batch finishes with one row and one folder each;
//   6. ids that a file system could confuse (capitals, NFC/NFD, an id equal to another id's
//      escaped name) never share a folder, in a run and in a merge;
//   7. ids, file names and thrown messages full of escape sequences, C1 and bidi controls,
//      Markdown links and images, XML-forbidden characters reach every TA output inert;
//   8. hard links, FIFOs, sockets and devices are refused as step files, with a reason;
//   9. slow but correct code stops at the per-submission time budget and says where.
import { spawnSync } from 'node:child_process';
import { cpSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetArg } from '../grader/batch/command.ts';
import { CSV_HEADER, folderName, idOfFolder, shardOf, STUDENTS_DIR, type Meta } from '../grader/batch/gradebook.ts';
import { listSubmissions, readSubmission } from '../grader/batch/intake.ts';
import { mayReuse, mergeShards, runBatch } from '../grader/batch/run.ts';
import type { GradeReport } from '../grader/engine.ts';
import { readFolder } from '../grader/intake.ts';
import type { LiveOracle } from '../grader/oracle.ts';
import { csvCell, jsonInert, mdCode, mdFence, neutral, xmlText } from '../grader/report/neutral.ts';
import { toGradescope, toJUnit } from '../grader/report/results.ts';
import { renderTerminal } from '../grader/report/terminal.ts';
import { liveOracle } from '../grader/setup.ts';
import type { StepId } from '../grader/types.ts';
import { filesUnder, NO_BUDGET_MS, parseCsv, reference, stubs, writeFolder, zipBytes } from './batch-corpus.ts';

// ── what "inert" means, checked on every output ─────────────────────────────────────────────

/** Characters no TA output may hold raw: C0 but tab/LF, DEL, C1, bidi and zero-width
 *  controls, line separators, BOM, U+FFFE/U+FFFF (lone surrogates: isWellFormed). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
function expectInert(text: string, what: string): void {
  const bad = RAW_CONTROL.exec(text);
  expect(bad ? `${what}: U+${bad[0].codePointAt(0)!.toString(16)} at ${bad.index}: ${JSON.stringify(text.slice(Math.max(0, bad.index - 30), bad.index + 10))}` : 'clean').toBe('clean');
  expect(LONE_SURROGATE.test(text), `${what}: lone surrogate`).toBe(false);
}

/** Markdown with fenced blocks and code spans (CommonMark rules) taken out: what renders as
 *  markup. Student text must never be found here. */
function outsideCode(md: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && /^ {0,3}[`~]+\s*$/.test(line)) fence = undefined;
      continue;
    }
    if (m) { fence = m[1]; continue; }
    kept.push(line);
  }
  return kept.map(line => {
    let out = '';
    for (let i = 0; i < line.length;) {
      if (line[i] === '\\') { out += line.slice(i, i + 2); i += 2; continue; }
      if (line[i] !== '`') { out += line[i++]; continue; }
      const run = /^`+/.exec(line.slice(i))![0];
      let close = -1;
      for (let j = i + run.length; j < line.length;) {
        const r = /`+/.exec(line.slice(j));
        if (!r) break;
        if (r[0].length === run.length) { close = j + r.index; break; }
        j += r.index + r[0].length;
      }
      if (close < 0) { out += run; i += run.length; continue; }
      out += ' ';
      i = close + run.length;
    }
    return out;
  }).join('\n');
}

/** The text of the code spans of one Markdown line, as a renderer shows it. */
function codeSpanText(span: string): string {
  const run = /^`+/.exec(span)![0];
  let inner = span.slice(run.length, span.length - run.length);
  if (inner.startsWith(' ') && inner.endsWith(' ') && inner.trim()) inner = inner.slice(1, -1);
  return inner;
}

/** XML 1.0 well-formedness, enough for JUnit: legal characters, tags, quoted attributes, entities. */
function xmlProblem(x: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[^\x09\x0a\x0d\x20-\ufffd\ud800-\udfff]/.test(x) || LONE_SURROGATE.test(x)) return 'a character XML 1.0 forbids';
  if (x.includes(']]>')) return ']]> in text';
  const name = '[A-Za-z_][\\w.-]*';
  const ref = '&(?:lt|gt|amp|quot|apos|#\\d+|#x[0-9a-fA-F]+);';
  const open = new RegExp(`^<(${name})((?:\\s+${name}="(?:[^<&"]|${ref})*")*)\\s*(/?)>`);
  const close = new RegExp(`^</(${name})\\s*>`);
  const text = new RegExp(`^(?:[^<&]|${ref})*`);
  let i = /^<\?xml[^?]*\?>/.exec(x)?.[0].length ?? 0;
  const stack: string[] = [];
  let roots = 0;
  while (i < x.length) {
    const rest = x.slice(i);
    let m: RegExpExecArray | null;
    if ((m = close.exec(rest))) {
      if (stack.pop() !== m[1]) return `</${m[1]}> closes nothing open`;
    } else if ((m = open.exec(rest))) {
      if (stack.length === 0) roots++;
      if (!m[3]) stack.push(m[1]);
    } else {
      m = text.exec(rest)!;
      if (m[0].length === 0) return `not XML at ${i}: ${JSON.stringify(rest.slice(0, 20))}`;
      if (stack.length === 0 && m[0].trim()) return 'text outside the root element';
    }
    i += m[0].length;
  }
  return stack.length ? `<${stack.at(-1)}> not closed` : roots === 1 ? undefined : `${roots} root elements`;
}

/** Seeded strings of any UTF-16 code units, biased towards the troublesome ones. */
function* nastyStrings(count: number, seed = 16): Generator<string> {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pool = ['\x1b[31m', '\x1b]8;;https://evil.example\x07', '\x9b2J', '\u202e', '\u2066', '\u200f', '\u061c', '\ufffe', '\uffff',
    '\ud800', '\udc00', '\ud83d\ude00', '\r', '\n', '\t', '\x00', '\x85', '`', '``', '|', '\\', '<', '>', '&', '"', "'", ']]>',
    '![x](https://evil.example/x.png)', '[l](http://evil.example)', 'www.evil.example', '<img src=x>', '=1+2', '@SUM(A1)', '+', '-', '＝'];
  for (let n = 0; n < count; n++) {
    let t = '';
    const len = Math.floor(rnd() * 12);
    for (let k = 0; k < len; k++) t += rnd() < 0.6 ? pool[Math.floor(rnd() * pool.length)] : String.fromCharCode(Math.floor(rnd() * 0x10000));
    yield t;
  }
}

// ── the outputs' building blocks ────────────────────────────────────────────────────────────

describe('neutral text (grader/report/neutral.ts)', () => {
  it('removes escape sequences and shows every other control, bidi or invisible character as an escape', () => {
    const t = neutral('a\x1b[31mred\x1b[0m \x1b]8;;https://x.example\x07link\x1b]8;;\x07 \x9b2J\u202eabc\u2066 x\x85y\u200bz\r\nnext\rover\ufffe\ud800\x00');
    expect(t).toBe('ared link \\u202eabc\\u2066 x\\x85y\\u200bz\nnext\nover\\ufffe\\ud800\\x00');
    for (const s of nastyStrings(500)) expectInert(neutral(s), JSON.stringify(s));
  });

  it('CSV: formula prefixes (also after spaces, also full-width) get an apostrophe; tabs and newlines are shown', () => {
    for (const [cell, want] of [['=1+2', "'=1+2"], ['+1', "'+1"], ['-1', "'-1"], ['@SUM(A1)', "'@SUM(A1)"], [' =1', "' =1"], ['＝1+2', "'＝1+2"],
      ['\t=1', '\\x09=1'], ['\r=1', '\\x0d=1'], ['a\nb', 'a\\x0ab'], ['\u202e=1', '\\u202e=1'], ['\x1b[0m=1', "'=1"]] as const) {
      expect(csvCell(cell), JSON.stringify(cell)).toBe(want);
    }
    for (const s of nastyStrings(500)) {
      const c = csvCell(s);
      expectInert(c, JSON.stringify(s));
      const [[parsed]] = parseCsv(`${c}\n`);
      expect(parsed ?? '', JSON.stringify(s)).not.toMatch(/^\s*[=+\-@＝＋－＠]/);
    }
  });

  it('Markdown: student text is one code span (or fence) that renders as the text, never as markup', () => {
    for (const s of nastyStrings(500)) {
      const span = mdCode(s);
      expectInert(span, JSON.stringify(s));
      expect(outsideCode(span).trim(), JSON.stringify(s)).toBe('');
      if (span) expect(codeSpanText(span)).toBe(neutral(s).replace(/\s+/g, ' ').trim());
      const block = mdFence(s);
      expect(outsideCode(block).trim(), JSON.stringify(s)).toBe('');
      expect(outsideCode(`${block}\n![after](https://evil.example)`)).toBe('![after](https://evil.example)'); // the fence closes
    }
  });

  it('XML: any text makes well-formed JUnit', () => {
    const report = {
      verdicts: [...nastyStrings(300)].map((s, i) => ({
        id: `c${i}`, step: '01', visibility: 'public', title: { ja: s, en: s }, status: i % 3 ? 'failed' : 'error', points: 0, maxPoints: 1,
        messages: [{ ja: s, en: s }], seed: 1, seconds: 0,
      })),
      seconds: 1, score: 0, checkedPoints: 300, totalPoints: 100, typeWarnings: [], protections: { notes: [] },
    } as unknown as GradeReport;
    const xml = toJUnit(report, 'en');
    expect(xmlProblem(xml)).toBeUndefined();
    for (const s of nastyStrings(300, 7)) expect(xmlProblem(`<a b="${xmlText(s)}">${xmlText(s)}</a>`), JSON.stringify(s)).toBeUndefined();
    // The checker itself catches what the writer must prevent.
    expect(xmlProblem('<a>\ufffe</a>')).toBeDefined();
    expect(xmlProblem('<a>x & y</a>')).toBeDefined();
  });

  it('JSON: written inert, read back identical', () => {
    for (const s of nastyStrings(300)) {
      const j = jsonInert({ id: s, nested: [s] }, 2);
      expectInert(j, JSON.stringify(s));
      expect(JSON.parse(j)).toEqual({ id: s, nested: [s] });
    }
  });
});

describe('folder names (case 6)', () => {
  const confusable = ['weird!', folderName('weird!'), 'Bob', 'bob', 'BOB', '\u00e9', 'e\u0301', 'con', 'CON', 'a b', 'a+20+b', 'x.', 'x',
    'grades.csv', 'summary.md', 'students', '.hidden', '-rf', '田中', '田中'.normalize('NFD'), 'ﬁ', 'fi', 'ǅ', 'ǆ', 'Ǆ', 'K', '\u212a' /* Kelvin */];

  it('are injective: every name decodes back to its id, so no two ids share one', () => {
    const ids = [...confusable, ...nastyStrings(2000)].filter(id => !folderName(id).includes('~'));
    for (const id of ids) expect(idOfFolder(folderName(id)), JSON.stringify(id)).toBe(id);
    const names = new Set(ids.map(folderName));
    expect(names.size).toBe(new Set(ids).size);
  });

  it('are lowercase ASCII, so case folding and Unicode normalisation cannot merge two of them', () => {
    const names = [...confusable, ...nastyStrings(2000)].map(folderName);
    for (const n of names) {
      expect(n).toMatch(/^[a-z0-9_+][a-z0-9._+~-]*$/);
      expect(n).not.toMatch(/\.$|^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/);
      expect(Buffer.byteLength(n)).toBeLessThanOrEqual(170);
    }
    const folded = new Set(confusable.map(id => folderName(id).toUpperCase().normalize('NFKC')));
    expect(folded.size).toBe(new Set(confusable).size);
  });

  it('long ids: a cut name plus the SHA-256 of the whole id, apart from every injective name', () => {
    const a = `${'x'.repeat(150)}a`, b = `${'x'.repeat(150)}b`;
    expect(folderName(a)).toMatch(/^x{40}~[0-9a-f]{64}$/);
    expect(folderName(a)).not.toBe(folderName(b));
    expect(idOfFolder(folderName(a))).toBeUndefined();
  });
});

// ── case 8: only a regular file with one link is the student's own ─────────────────────────

describe('hard links, FIFOs, sockets and devices are refused (case 8)', () => {
  let base: string;
  const made: { name: string; kind: RegExp }[] = [];
  const server = createServer();
  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'lec4-safe-intake-'));
    const ref = reference();
    // A copy of the reference "solutions/" beside the submissions: the hard link target.
    mkdirSync(join(base, 'solutions'));
    for (const [f, t] of ref) writeFileSync(join(base, 'solutions', f), t);
    const make = (name: string, file: string, how: (p: string) => boolean, kind: RegExp) => {
      const dir = join(base, 'subs', name, 'assignments');
      writeFolder(dir, new Map([...ref].filter(([f]) => f !== file)));
      if (how(join(dir, file))) made.push({ name, kind });
    };
    make('hardlink', '01_forward.ts', p => { linkSync(join(base, 'solutions', '01_forward.ts'), p); return true; }, /01_forward\.ts is a hard link \(link count 2\)/);
    make('fifo', '02_backward.ts', p => spawnSync('mkfifo', [p]).status === 0, /02_backward\.ts is not a regular file \(a named pipe \(FIFO\)\)/);
    make('device', '03_sgd.ts', p => spawnSync('mknod', [p, 'c', '1', '3']).status === 0, /03_sgd\.ts is not a regular file \(a character device\)/);
    const sock = join(base, 'subs', 'socket', 'assignments');
    writeFolder(sock, new Map([...ref].filter(([f]) => f !== '04_adam.ts')));
    // Listening keeps the socket file (Node removes it on close).
    await new Promise<void>(res => server.listen(join(sock, '04_adam.ts'), res));
    server.unref();
    made.push({ name: 'socket', kind: /04_adam\.ts is not a regular file \(a socket\)/ });
    // A zip that is a hard link to another student's zip.
    writeFileSync(join(base, 'subs', 'alice.zip'), zipBytes(filesUnder('', ref)));
    linkSync(join(base, 'subs', 'alice.zip'), join(base, 'subs', 'mallory.zip'));
  });
  afterAll(() => { server.close(); rmSync(base, { recursive: true, force: true }); });

  it('make grade / grade --submission (grader/intake.ts) names the file and what it is', () => {
    expect(made.map(m => m.name)).toEqual(expect.arrayContaining(['hardlink', 'fifo', 'socket']));
    for (const m of made) {
      const sub = readFolder(join(base, 'subs', m.name));
      expect(sub.sources.size, m.name).toBe(4);
      expect([...sub.problems.values()].join('\n'), m.name).toMatch(m.kind);
      expect([...sub.problems.values()].join('\n'), m.name).toMatch(/ \/ /); // Japanese, then English
    }
  });

  it('a symlinked assignments/ folder is not followed', () => {
    const dir = join(base, 'linked-assignments');
    mkdirSync(dir);
    spawnSync('ln', ['-s', join(base, 'solutions'), join(dir, 'assignments')]);
    const sub = readFolder(dir);
    expect(sub.sources.size).toBe(0);
    expect([...sub.problems.values()][0]).toMatch(/assignments is a symlink/);
  });

  it('batch intake (grader/batch/intake.ts): the same reasons, at any depth; a hard-linked zip is refused too', async () => {
    const subs = new Map<string, Awaited<ReturnType<typeof readSubmission>>>();
    for (const e of listSubmissions(join(base, 'subs')).entries) subs.set(e.id, await readSubmission(e));
    for (const m of made) {
      const sub = subs.get(m.name)!;
      expect(sub.sources.size, m.name).toBe(4);
      const reason = [...sub.issues.values()].map(x => x.en).join('\n');
      expect(reason, m.name).toMatch(new RegExp(`assignments/${m.kind.source}`));
    }
    for (const id of ['alice', 'mallory']) {
      expect(subs.get(id)!.sources.size, id).toBe(0);
      expect(subs.get(id)!.reason?.en, id).toMatch(/\.zip is a hard link \(link count 2\)/);
    }
  });
});

// ── cases 5, 6, 7: one batch of hostile ids and messages ───────────────────────────────────

const STEP01: StepId[] = ['01'];
/** Everything a terminal, a spreadsheet or a Markdown renderer would act on, in an id. */
const NASTY_ID = '=HYPERLINK("https:evil.example")\x1b[2J\x1b]8;;https:evil.example\x07click\x1b]8;;\x07 \x9b31m \u202eexe.txt\u2066 ' +
  '![x](https:evil.example) [l](http:\\\\evil.example) <img src=evil> www.evil.example \ufeff|\ttab\nline'; // no "/": a file name
/** …and in a message thrown by the student's sigmoid(), with what a file name cannot hold. */
const NASTY_MESSAGE = `\x1b]0;pwned\x07\x1b[1A\rEVIL-MESSAGE ${NASTY_ID} ![y](https://evil.example/y.png) \ufffe\uffff\ud800 \x00 & < > " ' ]]> \`\`\` |`;

describe('a batch of ids named like its own outputs, confusable ids and hostile text (cases 5–7)', () => {
  let base: string, subs: string, out: string, oracle: LiveOracle;
  const log: string[] = [];
  /** id → what its submission is, so a shared folder would show as a wrong total. */
  const cohort = new Map<string, 'ref' | 'stub'>();
  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'lec4-safe-batch-'));
    subs = join(base, 'subs');
    out = join(base, 'out');
    oracle = await liveOracle();
    const ref = reference(), stub = stubs();
    const add = (id: string, kind: 'ref' | 'stub', zip = false) => {
      cohort.set(id, kind);
      if (zip) {
        mkdirSync(subs, { recursive: true });
        writeFileSync(join(subs, `${id}.zip`), zipBytes(filesUnder('Lec4/assignments/', kind === 'ref' ? ref : stub)));
      } else writeFolder(join(subs, id), kind === 'ref' ? ref : stub);
    };
    // Case 5: the gradebook's own names, a writeAtomic temp name, the students/ folder itself.
    add('grades.csv', 'ref');
    add('summary.md', 'stub', true);
    add(`grades.csv.tmp-${process.pid}`, 'stub');
    add('students', 'ref');
    // Case 6: an id equal to another id's escaped name; case; NFC and NFD.
    add('weird!', 'ref');
    add(folderName('weird!'), 'stub');
    add('Bob', 'ref');
    add('bob', 'stub');
    add('\u00e9', 'ref');
    add('e\u0301', 'stub');
    // Case 7: a hostile id whose sigmoid throws a hostile message; 04 missing, so it is listed
    // in summary.md's "submissions to look at".
    cohort.set(NASTY_ID, 'stub');
    const forward = ref.get('01_forward.ts')!.replace(/export function sigmoid\(a: number\): number \{/,
      m => `${m}\n  throw new Error(${JSON.stringify(NASTY_MESSAGE)});`);
    expect(forward).toContain('EVIL-MESSAGE');
    writeFolder(join(subs, NASTY_ID), new Map([...ref, ['01_forward.ts', forward] as const].filter(([f]) => f !== '04_adam.ts')));
    await runBatch({ submissions: subs, out, lang: 'en', jobs: 2, steps: STEP01, oracle, log: l => log.push(l), budgetMs: NO_BUDGET_MS });
  }, 180_000);
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const rows = () => {
    const [header, ...body] = parseCsv(readFileSync(join(out, 'grades.csv'), 'utf8'));
    expect(header).toEqual(CSV_HEADER);
    return body;
  };
  const metaOfDir = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, STUDENTS_DIR, name, 'meta.json'), 'utf8')) as Meta;

  it('finishes with one row and one folder per student; the gradebook files are its own', () => {
    expect(rows().length).toBe(cohort.size);
    expect(readdirSync(out).sort()).toEqual(['grades.csv', STUDENTS_DIR, 'summary.md']);
    const folders = readdirSync(join(out, STUDENTS_DIR));
    expect(folders.length).toBe(cohort.size);
    const ids = folders.map(f => metaOfDir(out, f).id);
    expect(new Set(ids)).toEqual(new Set(cohort.keys()));
    // Each student's own result: a reference scores 20 on step 01, a stub 0.
    for (const f of folders) {
      const m = metaOfDir(out, f);
      if (m.id === NASTY_ID) continue;
      expect([m.id, m.total]).toEqual([m.id, cohort.get(m.id) === 'ref' ? 20 : 0]);
      const fb = readFileSync(join(out, STUDENTS_DIR, f, 'feedback.md'), 'utf8');
      expect(fb).toMatch(cohort.get(m.id) === 'ref' ? /\*\*Total: 20 \/ 20\*\*/ : /\*\*Total: 0 \/ 20\*\*/);
    }
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(new RegExp(`^${cohort.size} submissions`, 'm'));
  });

  it('a rerun skips everyone, and merge keeps every row (whole or split into shards)', async () => {
    const again = await runBatch({ submissions: subs, out, lang: 'en', jobs: 2, steps: STEP01, oracle, log: () => {}, budgetMs: NO_BUDGET_MS });
    expect(again.skipped.length).toBe(cohort.size);
    // Shards made from this run's folders, as `batch --shard i/2` would have written them.
    const shards = [1, 2].map(i => join(base, `shard-${i}`));
    for (const f of readdirSync(join(out, STUDENTS_DIR))) {
      const i = shardOf(metaOfDir(out, f).id, 2);
      cpSync(join(out, STUDENTS_DIR, f), join(shards[i - 1], STUDENTS_DIR, f), { recursive: true });
    }
    const merged = join(base, 'merged');
    const metas = mergeShards(merged, [...shards, out], () => {});
    expect(metas.length).toBe(cohort.size);
    expect(readFileSync(join(merged, 'grades.csv'), 'utf8')).toBe(readFileSync(join(out, 'grades.csv'), 'utf8'));
    expect(readdirSync(join(merged, STUDENTS_DIR)).length).toBe(cohort.size);
  });

  it('grades.csv: the hostile id and message are inert, the formula neutralised', () => {
    const csv = readFileSync(join(out, 'grades.csv'), 'utf8');
    expectInert(csv, 'grades.csv');
    const row = rows().find(r => r[0].includes('HYPERLINK'))!;
    expect(row[0]).toMatch(/^'=HYPERLINK/);
    expect(row[0]).toContain('\\u202eexe.txt\\u2066');
    expect(row[0]).toContain('\\x0aline'); // the newline is shown, the id stays on its row
    expect(row[CSV_HEADER.indexOf('status')]).toBe('incomplete');
    expect(row[CSV_HEADER.indexOf('reason')]).toMatch(/^04_adam\.ts not found; 01: .*sigmoid\(\) threw .*EVIL-MESSAGE =HYPERLINK/);
  });

  it('feedback.md and summary.md: no link, image or HTML outside code, nothing invisible inside', () => {
    const folder = folderName(NASTY_ID);
    for (const file of [join(out, STUDENTS_DIR, folder, 'feedback.md'), join(out, 'summary.md')]) {
      const md = readFileSync(file, 'utf8');
      expectInert(md, file);
      expect(md, file).toContain('evil.example'); // the text is there…
      expect(outsideCode(md), file).not.toMatch(/evil|<img|!\[|\]\(/); // …but never as markup
    }
    const fb = readFileSync(join(out, STUDENTS_DIR, folder, 'feedback.md'), 'utf8');
    expect(fb).toMatch(/^# Lec4 autoencoder: grading report: `+ ?=HYPERLINK/);
    expect(fb).toContain('EVIL-MESSAGE');
  });

  it('results.json, meta.json, report.json: inert on screen, the exact id and message when parsed', () => {
    const dir = join(out, STUDENTS_DIR, folderName(NASTY_ID));
    for (const f of ['results.json', 'meta.json', 'report.json']) expectInert(readFileSync(join(dir, f), 'utf8'), f);
    expect(metaOfDir(out, folderName(NASTY_ID)).id).toBe(NASTY_ID);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as GradeReport;
    expect(report.verdicts[0].messages[0].en).toContain(NASTY_MESSAGE.slice(0, 40));
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ReturnType<typeof toGradescope>;
    expect(results.tests[0].output).toContain('EVIL-MESSAGE');
    expect(results.tests[0].output).not.toContain('\x1b');
  });

  it('the terminal report, JUnit and the batch log are inert too', () => {
    const report = JSON.parse(readFileSync(join(out, STUDENTS_DIR, folderName(NASTY_ID), 'report.json'), 'utf8')) as GradeReport;
    for (const lang of ['ja', 'en'] as const) {
      const term = renderTerminal(report, { lang, color: false, verbose: true });
      expectInert(term, `terminal ${lang}`);
      expect(term).toContain('EVIL-MESSAGE');
      expect(term).not.toContain('pwned'); // the title-setting sequence is gone, not shown
      const xml = toJUnit(report, lang);
      expect(xmlProblem(xml), `junit ${lang}`).toBeUndefined();
      expect(xml).toContain('EVIL-MESSAGE');
    }
    expect(log.length).toBeGreaterThan(cohort.size);
    for (const line of log) {
      expectInert(line, 'log');
      expect(line).not.toContain('\n');
    }
    expect(log.join('\n')).toContain('HYPERLINK');
  });
});

// ── case 9: the time budget ─────────────────────────────────────────────────────────────────

describe('a time budget per submission (case 9)', () => {
  it('--budget takes seconds', () => {
    expect(budgetArg('60')).toBe(60_000);
    expect(budgetArg('2.5')).toBe(2500);
    for (const bad of ['0', '-1', 'abc', '', '0.5']) expect(() => budgetArg(bad), bad).toThrow(/seconds ≥ 1/);
  });

  it('a rerun regrades a submission that ran out of time only when the budget grew', () => {
    const old = { format: 2, id: 'a', contentHash: 'c', graderHash: 'g', budget: { ms: 2000, during: ['01.sigmoid'] } } as unknown as Meta;
    const now = { id: 'a', contentHash: 'c', graderHash: 'g' };
    expect(mayReuse(old, { ...now, budgetMs: 2000 })).toBe(true);
    expect(mayReuse(old, { ...now, budgetMs: 60_000 })).toBe(false);
    expect(mayReuse({ ...old, budget: undefined }, { ...now, budgetMs: 500 })).toBe(true);
    expect(mayReuse(old, { ...now, contentHash: 'd', budgetMs: 2000 })).toBe(false);
  });

  it('slow but correct code (3.5 s a call, under the 4 s call limit) stops at the budget and says where', async () => {
    const base = mkdtempSync(join(tmpdir(), 'lec4-safe-budget-'));
    try {
      const ref = reference();
      const slow = ref.get('01_forward.ts')!.replace(/export function sigmoid\(a: number\): number \{/,
        m => `${m}\n  const t0 = Date.now();\n  while (Date.now() - t0 < 3500) { /* slow, not stuck */ }`);
      expect(slow).toContain('3500');
      writeFolder(join(base, 'subs', 'slow'), new Map([...ref, ['01_forward.ts', slow]]));
      const out = join(base, 'out');
      const r = await runBatch({ submissions: join(base, 'subs'), out, lang: 'en', jobs: 1, steps: STEP01, budgetMs: 3000, oracle: await liveOracle(), log: () => {} });
      const meta = r.metas[0];
      expect(meta.budget).toEqual({ ms: 3000, during: ['01.sigmoid'] });
      expect(meta.total).toBe(0);
      expect(meta.reason).toMatch(/time budget of 3 s ran out during 01\.sigmoid; 7 checks stopped or not run/);
      const report = JSON.parse(readFileSync(join(out, STUDENTS_DIR, 'slow', 'report.json'), 'utf8')) as GradeReport;
      const [first, ...rest] = report.verdicts;
      // Stopped by the budget (3 s), not by the per-call limit (4 s): the message says which.
      expect(first.messages.map(m => m.en)).toEqual([expect.stringMatching(/^time budget: the submission's total time budget of 3 s ran out during this check \(while running 01\.sigmoid \(step 01\)\)/)]);
      expect(first.messages[0].ja).toMatch(/^時間切れ: 提出物全体の持ち時間 3 秒/);
      for (const v of rest) expect([v.id, v.status, v.messages[0].en]).toEqual([v.id, 'error', expect.stringMatching(/^not run: the submission's total time budget of 3 s ran out/)]);
      expect(readFileSync(join(out, STUDENTS_DIR, 'slow', 'feedback.md'), 'utf8')).toContain('time budget');
      // The same budget again: skipped, not regraded.
      const again = await runBatch({ submissions: join(base, 'subs'), out, lang: 'en', jobs: 1, steps: STEP01, budgetMs: 3000, oracle: await liveOracle(), log: () => {} });
      expect(again.skipped).toEqual(['slow']);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }, 60_000);
});
