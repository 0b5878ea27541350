// The verdict never waits for tsc: typecheckCached() answers at once, either with the warnings
// an earlier run computed for these exact files or "pending" while tsc runs detached and fills
// the cache for the next run. Warnings never cost points (the grade is by behaviour).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COURSE } from '../grader/course.ts';
import { typecheckCached } from '../grader/typecheck.ts';
import { ROOT } from './helpers/submission.ts';

describe('type warnings without waiting', () => {
  it('is pending at first, then shows the warnings of exactly these files', async () => {
    const sources = new Map(COURSE.files.map(f => [f, readFileSync(join(ROOT, 'solutions', f), 'utf8')]));
    // A fresh type error (unique per run, so no earlier cache answers it).
    const tag = `${process.pid}_${Date.now()}`;
    sources.set('03_sgd.ts', `${sources.get('03_sgd.ts')}\nexport const oops_${tag}: number = 'not a number';\n`);
    const first = typecheckCached(sources);
    expect(first.pending).toBe(true);
    expect(first.warnings).toBeUndefined();
    let later = typecheckCached(sources);
    for (let i = 0; i < 120 && later.pending; i++) {
      await new Promise(r => setTimeout(r, 500));
      later = typecheckCached(sources);
    }
    expect(later.pending).toBe(false);
    expect(later.warnings?.map(w => `${w.file} ${w.code}`)).toEqual(['03_sgd.ts TS2322']);
  }, 90_000);
});
