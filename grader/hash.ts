// grader/hash.ts — fingerprints of source files, for caches, fixtures and regrade detection.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** sha256 over each file's path (relative to root) and contents, in order; missing files skipped. */
export function hashFiles(root: string, files: readonly string[], digits = 16): string {
  const h = createHash('sha256');
  for (const f of files) {
    const abs = join(root, f);
    if (existsSync(abs)) h.update(f).update('\0').update(readFileSync(abs));
  }
  return h.digest('hex').slice(0, digits);
}

/** The .ts files below a folder (recursively), sorted, as paths relative to root. */
export function tsFilesUnder(root: string, dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return (readdirSync(join(root, dir), { recursive: true }) as string[])
    .filter(f => f.endsWith('.ts')).sort().map(f => `${dir}/${f}`);
}
