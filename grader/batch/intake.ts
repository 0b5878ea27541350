// grader/batch/intake.ts — what a TA's submissions folder holds, and the five files of each
// submission. A submission is a folder or a .zip directly inside SUBMISSIONS, named by the
// student id; the five step files may sit at any depth. Only those five files are ever read
// (into memory; a zip is never extracted to disk), each with a byte cap, so nothing a student
// uploads (bombs, huge files, symlinks, hard links, FIFOs, `../` entries) can cost more than a
// few MB or touch anything outside the submission. A step file is taken only when it is a
// regular file with a single link (grader/intake.ts notOwnFile). Every problem becomes a
// reason in the gradebook; nothing here throws for bad input.
//
// Duplicates (one step file at two places): identical copies are fine (the shallowest is
// taken). Otherwise the copy in a folder named `assignments/` wins when it is the only such
// copy — that is the file `make grade` graded on the student's laptop. Anything else is
// ambiguous: that file is not graded (0 for its step) and the reason lists the paths, because
// grading a copy the student did not mean is worse than a visible reason a TA can resolve.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, realpathSync, type Stats } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { MAX_SOURCE_BYTES, notOwnFile, readOwnFile, tooLarge, type Submission } from '../intake.ts';
import { msg, type Msg } from '../types.ts';
import { COURSE } from '../course.ts';

/** The course's step files: the only files a submission is read for. */
export const STEP_FILES: readonly string[] = COURSE.files;


export interface IntakeLimits {
  /** Per step file (the same limit as `make grade`). */
  fileBytes: number;
  /** All bytes read for one submission (duplicates included). */
  totalBytes: number;
  /** Entries examined per submission (folder walk or zip directory). */
  entries: number;
  /** Folder depth walked. */
  depth: number;
  /** Copies of one step file that are read before giving up as ambiguous. */
  copies: number;
  /** Declared uncompressed bytes of a whole zip above which it is reported as a zip bomb. */
  bombBytes: number;
  /** Declared compression ratio above which a large entry counts towards a zip bomb. */
  bombRatio: number;
  /** An upload that is itself a zip (Moodle, Gradescope: `openNested`) is read into memory up to this size. */
  nestedBytes: number;
}

export const INTAKE_LIMITS: IntakeLimits = {
  fileBytes: MAX_SOURCE_BYTES, totalBytes: 5 * 1024 * 1024, entries: 10_000, depth: 24, copies: 8,
  bombBytes: 256 * 1024 * 1024, bombRatio: 100, nestedBytes: 64 * 1024 * 1024,
};

/** Bumped when the intake rules change: results from older rules are regraded. */
export const INTAKE_VERSION = 2;

// ── the SUBMISSIONS folder ─────────────────────────────────────────────────────────────────

export type EntryKind = 'folder' | 'zip' | 'file' | 'symlink' | 'other';

export interface SubmissionItem {
  /** Absolute path as text (names that are not UTF-8 %-escaped): for messages only. */
  path: string;
  /** The same path as raw bytes: what every fs call uses, so no name is ever guessed. */
  raw: Buffer;
  kind: EntryKind;
  /** A zip that holds many submissions (Moodle's download): only the entries under this
   *  top-level folder belong to this one, read as if that folder were the zip's root. */
  within?: string;
  /** The upload may itself be a zip (Moodle and Gradescope keep the student's zip as it came):
   *  when no step file is found but exactly one .zip is, that zip is read (in memory, capped)
   *  instead. Off for plain batch folders, where a zip inside the zip is a reason. */
  openNested?: boolean;
  /** Why a file entry is not the student's own (a hard link): then it is not read. */
  refused?: Msg;
}

export interface SubmissionEntry {
  /** The student id: the entry's name without `.zip` (%-escaped if not UTF-8). */
  id: string;
  /** Usually one; several when two entries claim the same id (`alice/` and `alice.zip`). */
  items: SubmissionItem[];
}

export interface Listing {
  entries: SubmissionEntry[];
  /** Names skipped on purpose (hidden files, __MACOSX, the output folder). */
  skipped: string[];
}

/** Names that are never a submission: OS droppings and hidden files. */
const JUNK = /^(\.|__MACOSX$|Thumbs\.db$|desktop\.ini$)/i;
const ARCHIVE_EXT = /(\.tar\.(gz|bz2|xz)|\.[^.]+)$/i;

/** A name as text: UTF-8 if it is; else every byte ≥ 0x80 (and `%`, controls) written as %XX. */
export function nameText(raw: Buffer): { text: string; utf8: boolean } {
  if (isUtf8(raw) && !raw.includes(0)) return { text: raw.toString('utf8'), utf8: true };
  let text = '';
  for (const b of raw) text += b >= 0x80 || b === 0x25 || b < 0x20 ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  return { text, utf8: false };
}

/**
 * Every submission in `dir`, by id, sorted by id (code-unit order: the same on every machine).
 * A folder or a .zip is a submission; any other file is listed too (its row then says why it
 * cannot be graded), so no student silently drops out of the gradebook. `exclude`: paths to
 * skip (the output folder, when it sits inside SUBMISSIONS).
 */
export function listSubmissions(dir: string, exclude: readonly string[] = []): Listing {
  const root = realpathSync(resolve(dir));
  const skip = new Set(exclude.map(p => { try { return realpathSync(p); } catch { return resolve(p); } }));
  const byId = new Map<string, SubmissionEntry>();
  const skipped: string[] = [];
  for (const name of readdirSync(root, { encoding: 'buffer' })) {
    const { text } = nameText(name);
    const raw = Buffer.concat([Buffer.from(`${root}/`), name]);
    let st: Stats;
    try { st = lstatSync(raw); } catch { skipped.push(text); continue; }
    if (JUNK.test(text) || skip.has(join(root, text))) { skipped.push(text); continue; }
    let kind: EntryKind, id: string;
    if (st.isSymbolicLink()) { kind = 'symlink'; id = text.replace(/\.zip$/i, ''); }
    else if (st.isDirectory()) { kind = 'folder'; id = text; }
    else if (st.isFile() && /\.zip$/i.test(text)) { kind = 'zip'; id = text.slice(0, -4); }
    else if (st.isFile()) { kind = 'file'; id = text.replace(ARCHIVE_EXT, '') || text; }
    else { kind = 'other'; id = text; }
    const e = byId.get(id) ?? { id, items: [] };
    const refused = kind === 'zip' ? notOwnFile(text, st) : undefined;
    e.items.push({ path: join(root, text), raw, kind, ...(refused ? { refused } : {}) });
    byId.set(id, e);
  }
  const entries = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { entries, skipped: skipped.sort() };
}

// ── one submission ─────────────────────────────────────────────────────────────────────────

export interface BatchSubmission extends Submission {
  id: string;
  kind: EntryKind;
  /** The whole submission is unusable (not a zip, empty, …): nothing is graded. */
  reason?: Msg;
  /** file → why it was not taken (the same text, "ja / en", is in `problems`). */
  issues: Map<string, Msg>;
  /** file → where it was found inside the submission. */
  taken: Map<string, string>;
  /** Things a TA should know that did not stop grading (unsafe entries, symlinks, bombs). */
  warnings: Msg[];
  /** How many other files were ignored. */
  ignored: number;
  /** A hash of everything above: a rerun skips a submission whose hash is unchanged. */
  hash: string;
}

const both = (m: Msg) => `${m.ja} / ${m.en}`;
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const kib = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`);

/** One file found in a submission: where, and how to read at most `cap` bytes of it. */
interface Found {
  path: string;
  segments: string[];
  kind: 'file' | 'symlink' | 'other';
  /** kind 'other': why it is not read (a hard link, a FIFO, a device, a zip entry of another type). */
  refused?: Msg;
  size: number;
  read(cap: number): Promise<{ bytes: Buffer } | { issue: Msg }>;
}

interface Scan {
  found: Found[];
  warnings: Msg[];
  /** Step file name → zip entries with that name at an unsafe path (never read). */
  unsafe: Map<string, string[]>;
  nestedZips: string[];
  skippedDirs: number;
  reason?: Msg;
  close(): void;
}

export async function readSubmission(entry: SubmissionEntry, limits: IntakeLimits = INTAKE_LIMITS): Promise<BatchSubmission> {
  const sub: BatchSubmission = {
    id: entry.id, kind: entry.items[0].kind, sources: new Map(), problems: new Map(), issues: new Map(),
    taken: new Map(), warnings: [], ignored: 0, hash: '',
  };
  const item = entry.items[0];
  if (entry.items.length > 1) {
    const names = entry.items.map(i => basename(i.path)).join(', ');
    sub.reason = msg(`同じ ID の提出が ${entry.items.length} 個あります (${names})。どれを採点すべきか決められません`,
      `${entry.items.length} submissions share this id (${names}); cannot tell which one to grade`);
  } else if (item.refused) {
    sub.reason = item.refused;
  } else if (item.kind === 'symlink') {
    sub.reason = msg('シンボリックリンクは提出物として受け付けません', 'a symlink is not accepted as a submission');
  } else if (item.kind === 'file' || item.kind === 'other') {
    sub.reason = msg(`フォルダでも .zip でもありません (${basename(item.path)})。zip 形式で提出してください`,
      `not a folder or a .zip (${basename(item.path)}); submit a zip`);
  } else {
    let scan: Scan | undefined;
    try {
      scan = item.kind === 'zip' ? await scanZip({ path: item.raw }, limits, item.within) : scanFolder(item.raw, limits);
      if (item.openNested) scan = await openNestedZip(scan, limits);
      if (scan.reason) sub.reason = scan.reason;
      else await select(sub, scan, limits);
    } catch (err) {
      // A reader bug or an I/O error must cost this submission only, with the reason shown.
      sub.reason = msg(`提出物を読めません: ${String(err)}`, `cannot read the submission: ${String(err)}`);
    } finally {
      scan?.close();
    }
  }
  if (sub.reason) {
    sub.sources.clear();
    sub.taken.clear();
    for (const f of STEP_FILES) { sub.issues.set(f, sub.reason); sub.problems.set(f, both(sub.reason)); }
  }
  sub.hash = hashOf(sub);
  return sub;
}

function hashOf(sub: BatchSubmission): string {
  const h = createHash('sha256').update(`intake v${INTAKE_VERSION}\0${sub.id}\0`);
  for (const f of STEP_FILES) {
    h.update(`${f}\0`);
    if (sub.sources.has(f)) h.update(`S${sub.taken.get(f)}\0${sub.sources.get(f)}\0`);
    else h.update(`P${sub.problems.get(f) ?? ''}\0`);
  }
  h.update(JSON.stringify([sub.reason ?? null, sub.warnings, sub.ignored]));
  return h.digest('hex').slice(0, 24);
}

// ── choosing the five files ────────────────────────────────────────────────────────────────

async function select(sub: BatchSubmission, scan: Scan, limits: IntakeLimits): Promise<void> {
  sub.warnings.push(...scan.warnings);
  const wanted = new Set<string>(STEP_FILES);
  let budget = limits.totalBytes;
  for (const f of STEP_FILES) {
    const all = scan.found.filter(x => x.segments[x.segments.length - 1] === f);
    const files = all.filter(x => x.kind === 'file');
    const links = all.filter(x => x.kind === 'symlink');
    const refused = all.filter(x => x.kind === 'other');
    if (files.length === 0) {
      sub.issues.set(f, missingReason(f, scan, links, refused));
      continue;
    }
    if (links.length) sub.warnings.push(msg(`シンボリックリンクは無視しました: ${links.map(l => l.path).join(', ')}`, `symlinks ignored: ${links.map(l => l.path).join(', ')}`));
    for (const r of refused) sub.warnings.push(msg(`無視しました: ${r.refused!.ja}`, `ignored: ${r.refused!.en}`));
    if (files.length > limits.copies) {
      sub.issues.set(f, msg(`${f} が ${files.length} 個あります。どれを採点すべきか決められません`, `${files.length} copies of ${f}; cannot tell which one to grade`));
      continue;
    }
    // Copies in assignments/ first, then shallowest, then by path: the order decides only which
    // of several identical copies is named.
    const inA = (c: Found) => (c.segments[c.segments.length - 2] === 'assignments' ? 0 : 1);
    files.sort((a, b) => inA(a) - inA(b) || a.segments.length - b.segments.length || (a.path < b.path ? -1 : 1));
    const reads: ({ bytes: Buffer } | { issue: Msg })[] = [];
    for (const c of files) {
      const cap = Math.min(limits.fileBytes, budget);
      if (c.size <= limits.fileBytes && c.size > cap) {
        reads.push({ issue: msg(`${f}: 提出物全体が大きすぎます (${kib(limits.totalBytes)} まで)`, `${f}: the submission is too large in total (limit ${kib(limits.totalBytes)})`) });
        continue;
      }
      const r = await c.read(cap);
      if ('bytes' in r) budget -= r.bytes.length;
      reads.push(r);
    }
    let pick = -1;
    if (files.length === 1) pick = 0;
    else if (reads.every(r => 'bytes' in r) && reads.every(r => (r as { bytes: Buffer }).bytes.equals((reads[0] as { bytes: Buffer }).bytes))) {
      pick = 0;
      sub.warnings.push(msg(`${f}: 同じ内容のコピーが ${files.length} 個 (${files[0].path} を採点)`, `${f}: ${files.length} identical copies (graded ${files[0].path})`));
    } else {
      const inAssignments = files.map((c, i) => (c.segments[c.segments.length - 2] === 'assignments' ? i : -1)).filter(i => i >= 0);
      if (inAssignments.length === 1) {
        pick = inAssignments[0];
        const others = files.filter((_, i) => i !== pick).map(c => c.path).join(', ');
        sub.warnings.push(msg(`${f}: assignments/ の ${files[pick].path} を採点し、ほかのコピー (${others}) は無視しました`,
          `${f}: graded ${files[pick].path} (in assignments/), ignored other copies: ${others}`));
      }
    }
    if (pick < 0) {
      const paths = files.map(c => c.path).join(', ');
      sub.issues.set(f, msg(`${f} が複数の場所にあり内容が違います (${paths})。どれを採点すべきか決められないので採点していません。1 つだけ残してください`,
        `ambiguous: ${files.length} different copies of ${f} (${paths}); none was graded, keep one`));
      continue;
    }
    const r = reads[pick];
    if ('issue' in r) { sub.issues.set(f, r.issue); continue; }
    const text = decodeSource(f, r.bytes);
    if (typeof text !== 'string') { sub.issues.set(f, text); continue; }
    sub.sources.set(f, text);
    sub.taken.set(f, files[pick].path);
  }
  for (const [f, m] of sub.issues) sub.problems.set(f, both(m));
  sub.ignored = scan.found.filter(x => !wanted.has(x.segments[x.segments.length - 1])).length + scan.skippedDirs;
  // Not one step file anywhere: say what the submission is instead of five "not found"s.
  if (!scan.found.some(x => wanted.has(x.segments[x.segments.length - 1])) && scan.unsafe.size === 0) {
    const n = scan.found.length;
    sub.reason = scan.nestedZips.length
      ? msg(`zip の中に zip があります (${scan.nestedZips.join(', ')})。中の zip は開きません。課題ファイルを直接 zip にしてください`,
        `a zip inside the zip (${scan.nestedZips.join(', ')}); zips inside zips are not opened, zip the files themselves`)
      : n === 0 ? msg('提出物が空です', 'the submission is empty')
        : msg(`課題ファイル (${STEP_FILES.join(', ')}) が 1 つもありません (ほかのファイル ${n} 個)`, `none of the five files (${STEP_FILES.join(', ')}) is there (${plural(n, 'other file')})`);
  }
}

function missingReason(f: string, scan: Scan, links: Found[], refused: Found[]): Msg {
  if (refused.length) return refused[0].refused!;
  if (links.length) {
    return msg(`${f} はシンボリックリンクです (${links.map(l => l.path).join(', ')})。リンクは受け付けません。ファイルそのものを提出してください`,
      `${f} is a symlink (${links.map(l => l.path).join(', ')}); symlinks are not accepted, submit the file itself`);
  }
  const unsafe = scan.unsafe.get(f);
  if (unsafe?.length) {
    return msg(`${f} は危険なパス (${unsafe.join(', ')}) にしかないため読みませんでした`,
      `${f} was only found at an unsafe path (${unsafe.join(', ')}), which is never read`);
  }
  const variant = scan.found.find(x => x.kind === 'file' && x.segments[x.segments.length - 1].toLowerCase() === f.toLowerCase());
  if (variant) {
    return msg(`${f} がありません (${variant.path} はありました: ファイル名は大文字・小文字まで ${f} にしてください)`,
      `${f} not found (there is ${variant.path}: the name must be exactly ${f})`);
  }
  if (scan.nestedZips.length) {
    return msg(`${f} がありません (zip の中の zip ${scan.nestedZips.join(', ')} は開きません)`, `${f} not found (zips inside the zip are not opened: ${scan.nestedZips.join(', ')})`);
  }
  return msg(`${f} がありません`, `${f} not found`);
}

/** Bytes → source text; a file that is not UTF-8 becomes that file's problem. */
export function decodeSource(file: string, bytes: Buffer): string | Msg {
  if (isUtf8(bytes)) {
    const text = bytes.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return msg(`${file} が UTF-16 で保存されています。UTF-8 で保存し直してください`, `${file} is saved as UTF-16; save it as UTF-8`);
  }
  const lossy = bytes.toString('utf8');
  const at = lossy.indexOf('\ufffd');
  const line = lossy.slice(0, Math.max(0, at)).split('\n').length;
  return msg(`${file} は UTF-8 のテキストではありません (${line} 行目; Shift_JIS で保存していませんか?)。UTF-8 で保存し直してください`,
    `${file} is not UTF-8 text (line ${line}; saved as Shift_JIS?); save it as UTF-8`);
}

// ── folders ────────────────────────────────────────────────────────────────────────────────

/** Folders that never hold a student's own step files and can be huge. */
const SKIP_DIRS = new Set(['node_modules', '.git', '__MACOSX']);

function scanFolder(rootBuf: Buffer, limits: IntakeLimits): Scan {
  const scan: Scan = { found: [], warnings: [], unsafe: new Map(), nestedZips: [], skippedDirs: 0, close() {} };
  // Walk with raw byte names: a name that is not UTF-8 must still be lstat-able, never guessed.
  const stack: { abs: Buffer; segs: string[] }[] = [{ abs: rootBuf, segs: [] }];
  let seen = 0;
  const badNames: string[] = [];
  while (stack.length) {
    const { abs, segs } = stack.pop()!;
    let names: Buffer[];
    try { names = readdirSync(abs, { encoding: 'buffer' }); } catch (err) {
      scan.warnings.push(msg(`フォルダを読めません: ${segs.join('/') || '.'} (${(err as Error).message})`, `cannot read folder ${segs.join('/') || '.'}: ${(err as Error).message}`));
      continue;
    }
    for (const raw of names) {
      if (++seen > limits.entries) {
        scan.warnings.push(msg(`ファイルが多すぎます (${limits.entries} 個で打ち切り)`, `too many files; stopped after ${limits.entries}`));
        return scan;
      }
      const { text, utf8 } = nameText(raw);
      const child = Buffer.concat([abs, Buffer.from('/'), raw]);
      const childSegs = [...segs, text];
      const rel = childSegs.join('/');
      let st: Stats;
      try { st = lstatSync(child); } catch { continue; }
      if (!utf8) badNames.push(rel);
      if (st.isDirectory()) {
        if (SKIP_DIRS.has(text) || childSegs.length > limits.depth) { scan.skippedDirs++; continue; }
        stack.push({ abs: child, segs: childSegs });
        continue;
      }
      // Only a regular file with one link is the student's own; a hard link (to a reference
      // solution, say), a FIFO, a socket or a device is refused with its reason.
      const refused = st.isSymbolicLink() ? undefined : notOwnFile(rel, st);
      const kind = st.isSymbolicLink() ? 'symlink' : refused ? 'other' : 'file';
      if (kind === 'symlink' && !STEP_FILES.includes(text)) {
        scan.warnings.push(msg(`シンボリックリンクは無視しました: ${rel}`, `symlink ignored: ${rel}`));
      }
      if (kind === 'file' && /\.zip$/i.test(text)) scan.nestedZips.push(rel);
      scan.found.push({
        path: rel, segments: childSegs, kind, size: st.size, ...(refused ? { refused } : {}),
        read: async cap => readOwnFile(child, text, cap, st),
      });
    }
  }
  if (badNames.length) scan.warnings.push(notUtf8(badNames));
  return scan;
}

function notUtf8(names: string[]): Msg {
  const some = `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
  return msg(`UTF-8 でないファイル名が ${names.length} 個あります (% で表示: ${some})`,
    `${plural(names.length, 'file name')} ${names.length === 1 ? 'is' : 'are'} not valid UTF-8 (shown %-escaped: ${some})`);
}

// ── zips ───────────────────────────────────────────────────────────────────────────────────

const S_IFMT = 0o170000, S_IFLNK = 0o120000, S_IFREG = 0o100000, S_IFDIR = 0o040000;

/** The entry's name: the Info-ZIP Unicode Path field if present, else the raw bytes. */
function entryName(e: Entry): { raw: Buffer; text: string; utf8: boolean } {
  const raw = e.fileNameRaw ?? (e.fileName as unknown as Buffer);
  const unicode = e.extraFields?.find(f => f.id === 0x7075 && f.data.length > 5 && f.data[0] === 1);
  if (unicode && isUtf8(unicode.data.subarray(5))) return { raw, text: unicode.data.subarray(5).toString('utf8'), utf8: true };
  const { text, utf8 } = nameText(raw);
  return { raw, text, utf8 };
}

/** decodeStrings: false — names stay raw bytes (yauzl would guess CP437 and would reject
 *  `../` names by failing the whole zip; here they are judged one entry at a time). */
function openZip(from: number | Buffer): Promise<ZipFile> {
  const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false };
  return new Promise((res, rej) => {
    const done = (err: Error | null, zip: ZipFile) => (err ? rej(err) : res(zip));
    if (typeof from === 'number') yauzl.fromFd(from, options, done);
    else yauzl.fromBuffer(from, options, done);
  });
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((res, rej) => {
    const onEntry = (e: Entry) => { cleanup(); res(e); };
    const onEnd = () => { cleanup(); res(undefined); };
    const onError = (err: Error) => { cleanup(); rej(err); };
    const cleanup = () => { zip.off('entry', onEntry); zip.off('end', onEnd); zip.off('error', onError); };
    zip.on('entry', onEntry); zip.on('end', onEnd); zip.on('error', onError);
    zip.readEntry();
  });
}

/**
 * A zip on disk (`path`) or in memory (`bytes`: an upload that was itself a zip). `within`:
 * only the entries under this top-level folder, read as if it were the root (one participant's
 * folder in Moodle's download of a whole cohort).
 */
async function scanZip(source: { path: Buffer } | { bytes: Buffer }, limits: IntakeLimits, within?: string): Promise<Scan> {
  const scan: Scan = { found: [], warnings: [], unsafe: new Map(), nestedZips: [], skippedDirs: 0, close() {} };
  let from: number | Buffer;
  if ('path' in source) {
    const fd = openSync(source.path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    scan.close = () => closeSync(fd); // yauzl never took it
    // Listed as a zip with one link; still so on the open descriptor, or not read at all.
    const refused = notOwnFile(basename(nameText(source.path).text), fstatSync(fd));
    if (refused) {
      scan.reason = refused;
      return scan;
    }
    from = fd;
  } else from = source.bytes;
  let zip: ZipFile;
  try {
    zip = await openZip(from);
  } catch (err) {
    scan.reason = msg(`zip ファイルとして読めません (${(err as Error).message})`, `not a readable zip file (${(err as Error).message})`);
    return scan;
  }
  // From here yauzl owns the fd: zip.close() closes it once its last stream is done.
  scan.close = () => zip.close();
  if (zip.entryCount === 0) {
    scan.reason = msg('zip が空です', 'the zip is empty');
    return scan;
  }
  const unsafeNames: string[] = [];
  const badNames: string[] = [];
  let declared = 0, compressed = 0, seen = 0;
  for (;;) {
    let e: Entry | undefined;
    try { e = await nextEntry(zip); } catch (err) {
      scan.warnings.push(msg(`zip が壊れています (${(err as Error).message})。それ以降のエントリは読みませんでした`, `the zip is damaged (${(err as Error).message}); entries after that were not read`));
      break;
    }
    if (!e) break;
    const entry = e;
    const name = entryName(entry);
    if (within !== undefined) {
      // Another participant's entry: not this submission's, not counted against its limits.
      const [top, ...rest] = name.text.split(/[/\\]/);
      if (top !== within || rest.length === 0) continue;
      name.text = rest.join('/');
      if (name.text === '') continue;
    }
    if (++seen > limits.entries) {
      scan.warnings.push(msg(`zip のエントリが多すぎます (${limits.entries} 個で打ち切り)`, `too many zip entries; stopped after ${limits.entries}`));
      break;
    }
    declared += entry.uncompressedSize;
    compressed += entry.compressedSize;
    const segments = name.text.split(/[/\\]/);
    const isDir = /[/\\]$/.test(name.text);
    const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
    // Nothing is ever written, but an entry that tries to leave its folder says the zip was
    // made to attack an unzipper: such entries are not read, and the TA is told.
    if (/^([/\\]|[A-Za-z]:)/.test(name.text) || segments.includes('..')) {
      unsafeNames.push(name.text);
      const base = segments[segments.length - 1];
      if (STEP_FILES.includes(base)) scan.unsafe.set(base, [...(scan.unsafe.get(base) ?? []), name.text]);
      continue;
    }
    if (isDir || mode === S_IFDIR) continue;
    const clean = segments.filter(s => s !== '' && s !== '.');
    if (clean[0] === '__MACOSX') continue; // macOS resource forks, never a student's file
    if (!name.utf8) badNames.push(name.text);
    const base = clean[clean.length - 1] ?? '';
    if (/\.zip$/i.test(base)) scan.nestedZips.push(clean.join('/'));
    const kind: Found['kind'] = mode === S_IFLNK ? 'symlink' : mode === 0 || mode === S_IFREG ? 'file' : 'other';
    const refused = kind === 'other'
      ? msg(`${clean.join('/')} は通常のファイルではありません (zip のエントリ種別 0o${mode.toString(8)})`, `${clean.join('/')} is not a regular file (zip entry type 0o${mode.toString(8)})`)
      : undefined;
    if (kind === 'symlink' && !STEP_FILES.includes(base)) {
      scan.warnings.push(msg(`シンボリックリンクは無視しました: ${clean.join('/')}`, `symlink ignored: ${clean.join('/')}`));
    }
    scan.found.push({
      path: clean.join('/'), segments: clean, kind, size: entry.uncompressedSize, ...(refused ? { refused } : {}),
      read: cap => readEntryCapped(zip, entry, cap, base),
    });
  }
  if (unsafeNames.length) {
    scan.warnings.push(msg(`危険なパスのエントリ ${unsafeNames.length} 個を無視しました (${unsafeNames.slice(0, 5).join(', ')})`,
      `ignored ${unsafeNames.length} zip entries with unsafe paths (${unsafeNames.slice(0, 5).join(', ')})`));
  }
  if (badNames.length) scan.warnings.push(notUtf8(badNames));
  if (declared > limits.bombBytes || (declared > 16 * 1024 * 1024 && declared > limits.bombRatio * Math.max(1, compressed))) {
    scan.warnings.push(msg(`zip 爆弾の疑い: 展開すると ${kib(declared)} (圧縮時 ${kib(compressed)})。課題ファイル以外は展開していません`,
      `zip bomb suspected: entries declare ${kib(declared)} from ${kib(compressed)} compressed; nothing but the five files is unpacked`));
  }
  return scan;
}

/** The entry names of a zip on disk (at most `max`), decoded as the intake decodes them: for
 *  callers that lay out submissions by the zip's folders (grader/lms/moodle.ts). */
export async function zipEntryNames(path: string, max = INTAKE_LIMITS.entries * 100): Promise<string[]> {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  let zip: ZipFile;
  try { zip = await openZip(fd); } catch (err) { closeSync(fd); throw err; }
  const names: string[] = [];
  try {
    for (let e = await nextEntry(zip); e && names.length < max; e = await nextEntry(zip)) names.push(entryName(e).text);
  } finally {
    zip.close();
  }
  return names;
}

/**
 * The upload is itself a zip (`openNested`): when the scan found no step file but exactly one
 * .zip, that zip is read into memory (at most `limits.nestedBytes`) and scanned instead, its
 * paths shown under the zip's own path. Any other scan is returned as it is.
 */
async function openNestedZip(outer: Scan, limits: IntakeLimits): Promise<Scan> {
  if (outer.reason || outer.nestedZips.length !== 1) return outer;
  const steps = new Set<string>(STEP_FILES);
  if (outer.found.some(x => steps.has(x.segments[x.segments.length - 1]))) return outer;
  const upload = outer.found.find(x => x.path === outer.nestedZips[0] && x.kind === 'file');
  if (!upload) return outer;
  const r = await upload.read(limits.nestedBytes);
  outer.close();
  if ('issue' in r) return { ...outer, reason: r.issue, close() {} };
  const inner = await scanZip({ bytes: r.bytes }, limits);
  for (const f of inner.found) f.path = `${upload.path}/${f.path}`;
  inner.nestedZips = inner.nestedZips.map(z => `${upload.path}/${z}`);
  // Files beside the upload (Moodle's onlinetext.html, a README) are counted as ignored.
  inner.skippedDirs += outer.skippedDirs + outer.found.length - 1;
  inner.warnings.unshift(...outer.warnings);
  if (inner.reason) inner.reason = msg(`${upload.path}: ${inner.reason.ja}`, `${upload.path}: ${inner.reason.en}`);
  return inner;
}

async function readEntryCapped(zip: ZipFile, entry: Entry, cap: number, name: string): Promise<{ bytes: Buffer } | { issue: Msg }> {
  if (entry.isEncrypted()) return { issue: msg(`${name} はパスワード付きです`, `${name} is encrypted (password-protected zip)`) };
  if (!entry.canDecodeFileData()) return { issue: msg(`${name} の圧縮方式 (${entry.compressionMethod}) に対応していません`, `${name} uses an unsupported compression method (${entry.compressionMethod})`) };
  if (entry.uncompressedSize > cap) return { issue: tooLarge(name, entry.uncompressedSize, cap) };
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (err) {
    return { issue: msg(`${name} を zip から読めません: ${(err as Error).message}`, `cannot read ${name} from the zip: ${(err as Error).message}`) };
  }
  // validateEntrySizes makes yauzl fail a stream that inflates past its declared size; the
  // cap here holds even if that check were off.
  return new Promise(res => {
    const chunks: Buffer[] = [];
    let n = 0;
    let done = false;
    const finish = (r: { bytes: Buffer } | { issue: Msg }) => { if (!done) { done = true; res(r); } };
    stream.on('data', (c: Buffer) => {
      n += c.length;
      if (n > cap) { stream.destroy(); finish({ issue: tooLarge(name, cap, cap, true) }); return; }
      chunks.push(c);
    });
    stream.on('end', () => finish({ bytes: Buffer.concat(chunks) }));
    stream.on('error', err => finish({ issue: msg(`${name} を zip から読めません (zip 爆弾か壊れた zip): ${err.message}`, `cannot read ${name} from the zip (zip bomb or damaged zip): ${err.message}`) }));
  });
}
