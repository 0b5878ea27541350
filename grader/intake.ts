// grader/intake.ts — which five files a folder submission holds. Only those are read; a
// missing file becomes that step's reason, not a crash. (Zips and any-depth search for batch
// grading are in grader/batch/intake.ts, which reads files with readOwnFile below too.)
//
// A step file is taken only when it is a regular file with one link: a symlink or a hard link
// shares its content with a file somewhere else (a hard link to solutions/01_forward.ts would
// otherwise be read as the student's own), and a FIFO, socket or device is no source file at
// all (opening a FIFO would wait forever).
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { COURSE } from './course.ts';
import { msg, type Msg } from './types.ts';

export const MAX_SOURCE_BYTES = 512 * 1024;

export interface Submission {
  /** file name → source text */
  sources: Map<string, string>;
  /** file name → why it could not be taken */
  problems: Map<string, string>;
}

/** The submitted files' fingerprint: names and contents, in name order. */
export function sourcesHash(sources: ReadonlyMap<string, string>): string {
  const h = createHash('sha256');
  for (const [f, text] of [...sources].sort(([a], [b]) => (a < b ? -1 : 1))) h.update(f).update('\0').update(text).update('\0');
  return h.digest('hex').slice(0, 32);
}

/** What kind of thing a directory entry is, for a reason (ja, en). */
function kindOf(st: Stats): [string, string] {
  if (st.isDirectory()) return ['フォルダ', 'a folder'];
  if (st.isFIFO()) return ['名前付きパイプ (FIFO)', 'a named pipe (FIFO)'];
  if (st.isSocket()) return ['ソケット', 'a socket'];
  if (st.isCharacterDevice()) return ['キャラクタデバイス', 'a character device'];
  if (st.isBlockDevice()) return ['ブロックデバイス', 'a block device'];
  if (st.isSymbolicLink()) return ['シンボリックリンク', 'a symlink'];
  return ['特殊なファイル', 'a special file'];
}

/**
 * Why a directory entry (its lstat) is not a file the student wrote, or undefined when it is
 * one: a regular file with a single link.
 */
export function notOwnFile(name: string, st: Stats): Msg | undefined {
  if (st.isSymbolicLink()) {
    return msg(`${name} はシンボリックリンクです。リンクは受け付けません。ファイルそのものを提出してください`,
      `${name} is a symlink; symlinks are not accepted, submit the file itself`);
  }
  if (st.isFile() && st.nlink > 1) {
    return msg(`${name} はハードリンクです (リンク数 ${st.nlink})。別のファイルと中身を共有しているので、提出者のファイルとしては採点しません。リンクではなくコピーを提出してください`,
      `${name} is a hard link (link count ${st.nlink}): its content is shared with another file, so it is not graded as the student's own; submit a copy, not a link`);
  }
  if (!st.isFile()) {
    const [ja, en] = kindOf(st);
    return msg(`${name} は通常のファイルではありません (${ja})`, `${name} is not a regular file (${en})`);
  }
  return undefined;
}

/**
 * Reads at most `cap` bytes of a file that must be the student's own (notOwnFile). The file is
 * opened without following a symlink and without waiting on a FIFO, and checked again on the
 * open descriptor: a file swapped between the directory walk and the read is refused, not read.
 * `seen`: the lstat of the walk, which the open file must still be.
 */
export function readOwnFile(path: string | Buffer, name: string, cap: number, seen?: Stats): { bytes: Buffer } | { issue: Msg } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // O_NOFOLLOW on a symlink fails with ELOOP (EMLINK on FreeBSD): say what it is.
    const st = code === 'ELOOP' || code === 'EMLINK' ? (() => { try { return lstatSync(path); } catch { return undefined; } })() : undefined;
    const why = st && notOwnFile(name, st);
    if (why) return { issue: why };
    return { issue: msg(`${name} を開けません: ${(err as Error).message}`, `cannot open ${name}: ${(err as Error).message}`) };
  }
  try {
    const st = fstatSync(fd);
    const why = notOwnFile(name, st);
    if (why) return { issue: why };
    if (seen && (st.ino !== seen.ino || st.dev !== seen.dev)) {
      return { issue: msg(`${name} が読み込み中に置き換えられました`, `${name} was replaced while it was being read`) };
    }
    if (st.size > cap) return { issue: tooLarge(name, st.size, cap) };
    const buf = Buffer.alloc(cap + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > cap) return { issue: tooLarge(name, cap, cap, true) };
    }
    return { bytes: buf.subarray(0, n) };
  } finally {
    closeSync(fd);
  }
}

const kib = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`);

/** `atLeast`: the size is what was read before stopping, not a size the file declared. */
export function tooLarge(name: string, size: number, cap: number, atLeast = false): Msg {
  return msg(`${name} が大きすぎます (${kib(size)}${atLeast ? ' 以上' : ''}; 上限 ${kib(cap)})`,
    `${name} is too large (${atLeast ? 'more than ' : ''}${kib(size)}; limit ${kib(cap)})`);
}

const lstatOrUndefined = (p: string): Stats | undefined => { try { return lstatSync(p); } catch { return undefined; } };
const both = (m: Msg) => `${m.ja} / ${m.en}`;

export function readFolder(dir: string): Submission {
  const sources = new Map<string, string>();
  const problems = new Map<string, string>();
  // The folder given on the command line is the TA's (or the student's own `.`); what is inside
  // it is the submission's, so `assignments` is not followed when it is a link.
  const a = lstatOrUndefined(join(dir, 'assignments'));
  if (a && !a.isDirectory()) {
    const why = both(notOwnFile('assignments', a) ?? msg('assignments がフォルダではありません', 'assignments is not a folder'));
    for (const f of COURSE.files) problems.set(f, why);
    return { sources, problems };
  }
  const base = a ? join(dir, 'assignments') : dir;
  for (const f of COURSE.files) {
    const p = join(base, f);
    const st = lstatOrUndefined(p);
    if (!st) { problems.set(f, `ファイルがありません / file not found: ${p}`); continue; }
    const why = notOwnFile(f, st);
    if (why) { problems.set(f, both(why)); continue; }
    const r = readOwnFile(p, f, MAX_SOURCE_BYTES, st);
    if ('issue' in r) { problems.set(f, both(r.issue)); continue; }
    sources.set(f, r.bytes.toString('utf8'));
  }
  return { sources, problems };
}
