// test/batch-corpus.ts — a cohort of good and bad submissions, generated at test time (nothing
// binary or large is committed). Used by test/batch*.test.ts. The zips are written by hand
// (not yazl) where the point is a zip no well-behaved writer makes: `../` and absolute names,
// raw Shift_JIS names, symlink entries, sizes that lie.
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { stubsFrom } from '../tools/stubs.ts';
import { COURSE } from '../grader/course.ts';
const STEP_FILES = COURSE.files;

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const reference = (): Map<string, string> =>
  new Map(STEP_FILES.map(f => [f, readFileSync(join(ROOT, 'solutions', f), 'utf8')]));
export const stubs = (): Map<string, string> => stubsFrom(join(ROOT, 'solutions'));

/**
 * The time budget for batch tests that are not about the budget. The default (60 s of the
 * submission's code) is ample on a quiet machine, but on a shared one a correct submission's
 * code has taken 40–57 s (solo) and more in a batch: with the default, such a test would be a
 * timed assertion. The budget itself is tested with slow code and a small budget.
 */
export const NO_BUDGET_MS = 30 * 60_000;

export interface ZipItem {
  /** Raw bytes allowed, so names can be anything a hostile or old zip tool writes. */
  name: string | Buffer;
  data?: Buffer | string;
  /** Unix mode for the external attributes (0o120777: a symlink entry). */
  mode?: number;
  /** Store compressed (default) or not. */
  deflate?: boolean;
  /** A lie in both headers about the uncompressed size (zip bomb that hides its size). */
  declaredSize?: number;
  /** Precompressed data (so one 100 MB deflate serves several bombs). */
  raw?: { compressed: Buffer; size: number; crc: number };
}

/** A minimal zip writer: local headers, central directory, end record (no zip64). */
export function zipBytes(items: ZipItem[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const it of items) {
    const name = typeof it.name === 'string' ? Buffer.from(it.name, 'utf8') : it.name;
    const utf8Flag = typeof it.name === 'string' && /[^\x00-\x7f]/.test(it.name) ? 0x0800 : 0;
    let data: Buffer, size: number, crc: number, method: number;
    if (it.raw) { data = it.raw.compressed; size = it.raw.size; crc = it.raw.crc; method = 8; }
    else {
      const plain = Buffer.isBuffer(it.data) ? it.data : Buffer.from(it.data ?? '', 'utf8');
      size = plain.length; crc = crc32(plain);
      method = it.deflate === false ? 0 : 8;
      data = method === 8 ? deflateRawSync(plain) : plain;
    }
    const declared = it.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(utf8Flag, 6);
    local.writeUInt16LE(method, 8); local.writeUInt16LE(0, 10); local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc >>> 0, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26); local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0); cd.writeUInt16LE((3 << 8) | 20, 4); cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(utf8Flag, 8); cd.writeUInt16LE(method, 10); cd.writeUInt16LE(0, 12); cd.writeUInt16LE(0x21, 14);
    cd.writeUInt32LE(crc >>> 0, 16); cd.writeUInt32LE(data.length, 20); cd.writeUInt32LE(declared, 24);
    cd.writeUInt16LE(name.length, 28); cd.writeUInt16LE(0, 30); cd.writeUInt16LE(0, 32);
    cd.writeUInt16LE(0, 34); cd.writeUInt16LE(0, 36);
    cd.writeUInt32LE(((it.mode ?? 0o100644) << 16) >>> 0, 38); cd.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    central.push(cd, name);
    offset += local.length + name.length + data.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(items.length, 8); end.writeUInt16LE(items.length, 10);
  end.writeUInt32LE(cdBuf.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBuf, end]);
}

export const filesUnder = (prefix: string, files: Map<string, string>): ZipItem[] =>
  [...files].map(([f, text]) => ({ name: `${prefix}${f}`, data: text }));

export function writeFolder(dir: string, files: Map<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of files) writeFileSync(join(dir, f), text);
}

const with1 = (files: Map<string, string>, file: string, text: string) => new Map([...files, [file, text]]);

/** 課題 and メモ in Shift_JIS: what a Japanese Windows zip tool writes, without the UTF-8 flag. */
export const SJIS_KADAI = Buffer.from([0x89, 0xdb, 0x91, 0xe8]);
export const SJIS_MEMO_TXT = Buffer.concat([Buffer.from([0x83, 0x81, 0x83, 0x82]), Buffer.from('.txt')]);

export interface Expectation {
  id: string;
  status: 'ok' | 'partial' | 'incomplete' | 'error';
  /** What grades.csv's reason column must say (English). */
  reason?: RegExp;
  /** Total when every step is graded. */
  total?: number;
  /** The reason comes from running the code, not from intake. */
  fromGrading?: boolean;
}

export const WEIRD_ID = '=1+2 田中, "太郎"';

/**
 * The hostile-and-broken corpus. `heavy`: also the 100 MB zip bombs and the 50 MB file (a few
 * hundred ms to make; the intake test uses them, the grading tests can skip them).
 */
export function makeCorpus(dir: string, opts: { heavy?: boolean } = {}): Expectation[] {
  mkdirSync(dir, { recursive: true });
  const ref = reference();
  const stub = stubs();
  const out: Expectation[] = [];
  const zip = (id: string, items: ZipItem[]) => writeFileSync(join(dir, `${id}.zip`), zipBytes(items));

  writeFolder(join(dir, 'ref'), ref);
  out.push({ id: 'ref', status: 'ok', total: 100 });

  zip('good', [
    ...filesUnder('Lec4/assignments/', ref),
    { name: 'Lec4/README.md', data: '# mine' }, { name: 'Lec4/package.json', data: '{}' },
    { name: '__MACOSX/Lec4/assignments/._01_forward.ts', data: 'resource fork' },
  ]);
  out.push({ id: 'good', status: 'ok', total: 100 });

  writeFolder(join(dir, 'stub', 'assignments'), stub);
  out.push({ id: 'stub', status: 'partial', total: 0, reason: /not implemented/, fromGrading: true });

  zip('evil', [
    { name: '../evil.ts', data: 'export const pwned = 1;' },
    { name: '/abs/01_forward.ts', data: ref.get('01_forward.ts')! },
    ...filesUnder('Lec4/assignments/', new Map([...ref].filter(([f]) => f !== '01_forward.ts'))),
  ]);
  out.push({ id: 'evil', status: 'incomplete', reason: /01_forward\.ts was only found at an unsafe path.*ignored 2 zip entries with unsafe paths/ });

  const links = join(dir, 'symlinks', 'assignments');
  writeFolder(links, new Map([...ref].filter(([f]) => f !== '01_forward.ts')));
  symlinkSync(join(ROOT, 'solutions', '01_forward.ts'), join(links, '01_forward.ts'));
  symlinkSync('/etc', join(links, 'etc'));
  out.push({ id: 'symlinks', status: 'incomplete', reason: /01_forward\.ts is a symlink/ });

  zip('ziplink', [
    { name: '01_forward.ts', data: '/etc/passwd', mode: 0o120777 },
    ...filesUnder('', new Map([...ref].filter(([f]) => f !== '01_forward.ts'))),
  ]);
  out.push({ id: 'ziplink', status: 'incomplete', reason: /01_forward\.ts is a symlink/ });

  zip('sjis-names', [
    ...[...ref].map(([f, text]) => ({ name: Buffer.concat([SJIS_KADAI, Buffer.from(`/${f}`)]), data: text })),
    { name: SJIS_MEMO_TXT, data: 'memo' },
  ]);
  out.push({ id: 'sjis-names', status: 'ok', reason: /not valid UTF-8/ });

  writeFolder(join(dir, 'sjis-folder'), ref);
  writeFileSync(Buffer.concat([Buffer.from(join(dir, 'sjis-folder') + '/'), SJIS_MEMO_TXT]), 'memo');
  out.push({ id: 'sjis-folder', status: 'ok', reason: /not valid UTF-8/ });

  writeFolder(join(dir, 'missing'), new Map([...ref].filter(([f]) => f < '04')));
  out.push({ id: 'missing', status: 'incomplete', reason: /04_adam\.ts not found.*05_denoising\.ts not found/ });

  writeFolder(join(dir, 'dup'), ref);
  writeFolder(join(dir, 'dup', 'old'), new Map([['03_sgd.ts', stub.get('03_sgd.ts')!]]));
  out.push({ id: 'dup', status: 'incomplete', reason: /ambiguous: 2 different copies of 03_sgd\.ts/ });

  writeFolder(join(dir, 'dup-assign', 'Lec4', 'assignments'), ref);
  writeFolder(join(dir, 'dup-assign', 'Lec4'), new Map([['01_forward.ts', stub.get('01_forward.ts')!]]));
  writeFolder(join(dir, 'dup-assign', 'backup'), new Map([['02_backward.ts', ref.get('02_backward.ts')!]]));
  out.push({ id: 'dup-assign', status: 'ok', reason: /graded Lec4\/assignments\/01_forward\.ts \(in assignments\/\)/ });

  writeFileSync(join(dir, 'empty.zip'), zipBytes([]));
  out.push({ id: 'empty', status: 'error', reason: /the zip is empty/ });

  writeFileSync(join(dir, 'fake.zip'), 'this is not a zip, just text with a .zip name\n');
  out.push({ id: 'fake', status: 'error', reason: /not a readable zip file/ });

  writeFolder(join(dir, 'sjis-content'), ref);
  // "// ノイズ" in Shift_JIS: a Windows editor's default in Japan.
  writeFileSync(join(dir, 'sjis-content', '05_denoising.ts'), Buffer.concat([Buffer.from('// '), Buffer.from([0x83, 0x6d, 0x83, 0x43, 0x83, 0x59]), Buffer.from('\n'), Buffer.from(ref.get('05_denoising.ts')!)]));
  out.push({ id: 'sjis-content', status: 'incomplete', reason: /05_denoising\.ts is not UTF-8 text \(line 1/ });

  writeFolder(join(dir, WEIRD_ID), ref);
  out.push({ id: WEIRD_ID, status: 'ok', total: 100 });

  writeFileSync(join(dir, 'bob.rar'), 'Rar!\x1a\x07\x00');
  out.push({ id: 'bob', status: 'error', reason: /not a folder or a \.zip \(bob\.rar\)/ });

  writeFolder(join(dir, 'carol'), ref);
  writeFileSync(join(dir, 'carol.zip'), zipBytes(filesUnder('', ref)));
  out.push({ id: 'carol', status: 'error', reason: /2 submissions share this id \(carol, carol\.zip\)/ });

  symlinkSync(join(dir, 'ref'), join(dir, 'linked'));
  out.push({ id: 'linked', status: 'error', reason: /a symlink is not accepted as a submission/ });

  zip('nested', [{ name: 'Lec4.zip', data: zipBytes(filesUnder('Lec4/assignments/', ref)), deflate: false }]);
  out.push({ id: 'nested', status: 'error', reason: /a zip inside the zip \(Lec4\.zip\)/ });

  mkdirSync(join(dir, '.hidden'));
  writeFileSync(join(dir, '.DS_Store'), '');

  if (opts.heavy) {
    const zeros = Buffer.alloc(100 * 1024 * 1024);
    const bomb = { compressed: deflateRawSync(zeros, { level: 9 }), size: zeros.length, crc: crc32(zeros) };
    zip('bomb', [...filesUnder('', ref), { name: 'data/zeros.bin', raw: bomb }]);
    out.push({ id: 'bomb', status: 'ok', reason: /zip bomb suspected/ });
    zip('bomb-step', [{ name: '01_forward.ts', raw: bomb }, ...filesUnder('', new Map([...ref].filter(([f]) => f !== '01_forward.ts')))]);
    out.push({ id: 'bomb-step', status: 'incomplete', reason: /01_forward\.ts is too large \(100\.0 MiB; limit 512 KiB\)/ });
    zip('liar', [{ name: '01_forward.ts', raw: bomb, declaredSize: 1000 }, ...filesUnder('', new Map([...ref].filter(([f]) => f !== '01_forward.ts')))]);
    out.push({ id: 'liar', status: 'incomplete', reason: /01_forward\.ts.*(zip bomb|too large)/ });

    writeFolder(join(dir, 'huge', 'Lec4', 'assignments'), ref);
    truncateSync(join(dir, 'huge', 'Lec4', 'assignments', '01_forward.ts'), 50 * 1024 * 1024); // sparse: instant, never read
    out.push({ id: 'huge', status: 'incomplete', reason: /01_forward\.ts is too large \(50\.0 MiB; limit 512 KiB\)/ });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Submissions whose code misbehaves (graded for real by the batch test). */
export function makeHostile(dir: string): Expectation[] {
  const ref = reference();
  writeFolder(join(dir, 'loop'), with1(ref, '01_forward.ts', `while (true) {}\n${ref.get('01_forward.ts')}`));
  writeFolder(join(dir, 'exit'), with1(ref, '03_sgd.ts', `process.exit(0);\n${ref.get('03_sgd.ts')}`));
  return [
    { id: 'exit', status: 'partial', reason: /03: .*process\.exit/, fromGrading: true },
    { id: 'loop', status: 'partial', reason: /01: .*(time limit|infinite loop)/, fromGrading: true },
  ];
}

/** RFC 4180, enough for grades.csv: quoted cells with "" and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
