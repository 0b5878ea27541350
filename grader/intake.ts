// grader/intake.ts — which five files a folder submission holds. Only those are read; a
// missing file becomes that step's reason, not a crash. (Zips and any-depth search for batch
// grading are in grader/batch/intake.ts.)
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COURSE } from './course.ts';

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

export function readFolder(dir: string): Submission {
  const base = existsSync(join(dir, 'assignments')) ? join(dir, 'assignments') : dir;
  const sources = new Map<string, string>();
  const problems = new Map<string, string>();
  for (const f of COURSE.files) {
    const p = join(base, f);
    if (!existsSync(p)) { problems.set(f, `ファイルがありません / file not found: ${p}`); continue; }
    const st = lstatSync(p);
    if (st.isSymbolicLink()) { problems.set(f, `シンボリックリンクは受け付けません / symlinks are not accepted: ${p}`); continue; }
    if (!st.isFile()) { problems.set(f, `通常のファイルではありません / not a regular file: ${p}`); continue; }
    if (st.size > MAX_SOURCE_BYTES) { problems.set(f, `大きすぎます / too large: ${st.size} bytes (limit ${MAX_SOURCE_BYTES})`); continue; }
    sources.set(f, readFileSync(p, 'utf8'));
  }
  return { sources, problems };
}
