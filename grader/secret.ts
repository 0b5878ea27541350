// grader/secret.ts — the TA's course secret, and the seeds TA grading draws from it.
// A student's `make grade` uses the rubric's fixed seeds and the shipped fixture. TA grading
// must not be replayable from anything a student has: there every check's seed is an HMAC of
// the course secret (never in the release), the student id and the hash of the submitted
// files. An unchanged submission gets the same seeds (reruns skip it, a regrade reproduces it);
// a changed one gets new ones, so expected values printed in one run's feedback are useless in
// the next. Program steps (training) take one secret seed per course instead: the judge scores
// the returned weights itself, so there is nothing to look up, and one reference run serves a
// whole cohort.
//
// Where the secret lives: LEC4_COURSE_SECRET, else the file named by LEC4_COURSE_SECRET_FILE,
// else `.course-secret` in the course folder (git-ignored; created on first TA grading).
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RubricEntry } from './types.ts';

export const SECRET_FILE = '.course-secret';

export interface SecretSource { secret: string; where: string; created?: boolean }

/** The course secret, or undefined when none is set. */
export function findSecret(root: string, env: NodeJS.ProcessEnv = process.env): SecretSource | undefined {
  if (env.LEC4_COURSE_SECRET) return { secret: env.LEC4_COURSE_SECRET.trim(), where: 'LEC4_COURSE_SECRET' };
  const file = env.LEC4_COURSE_SECRET_FILE || join(root, SECRET_FILE);
  if (!existsSync(file)) {
    if (env.LEC4_COURSE_SECRET_FILE) throw new Error(`LEC4_COURSE_SECRET_FILE names ${file}, which does not exist`);
    return undefined;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 16) throw new Error(`the course secret in ${file} is too short (${secret.length} characters; at least 16)`);
  return { secret, where: file };
}

/** The course secret; when none is set, one is made in `<root>/.course-secret` (keep it: regrades need it). */
export function courseSecret(root: string, env: NodeJS.ProcessEnv = process.env): SecretSource {
  const found = findSecret(root, env);
  if (found) return found;
  const file = join(root, SECRET_FILE);
  writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return { secret: readFileSync(file, 'utf8').trim(), where: file, created: true };
}

/** A seed in [1, 2³¹) from the secret and the parts (what the seed is for). */
export function secretSeed(secret: string, ...parts: string[]): number {
  const h = createHmac('sha256', secret).update(parts.join('\0')).digest();
  return (h.readUInt32BE(0) & 0x7fffffff) || 1;
}

/** Who is graded: TA seeds depend on the student and on exactly the files submitted. */
export interface Grading { studentId: string; filesHash: string }

/**
 * The seed of each rubric entry in TA grading: per student and files, or per course for program
 * steps (`program` says which steps those are).
 */
export function taSeeds(secret: string, who: Grading, isProgram: (step: string) => boolean): (e: RubricEntry) => number {
  return e => (isProgram(e.step)
    ? secretSeed(secret, 'program', e.id)
    : secretSeed(secret, 'check', e.id, who.studentId, who.filesHash));
}

/** TA grading's seeds for a course folder: the secret, a tag that names it without revealing it, and seeds per submission. */
export interface TaSeeding {
  /** A short HMAC of the secret: results.json and the batch's regrade hash record which secret graded. */
  tag: string;
  source: SecretSource;
  seedsFor(who: Grading): (e: RubricEntry) => number;
}

export function taSeeding(root: string, isProgram: (step: string) => boolean, env: NodeJS.ProcessEnv = process.env): TaSeeding {
  const source = courseSecret(root, env);
  return {
    tag: createHmac('sha256', source.secret).update('tag').digest('hex').slice(0, 12),
    source,
    seedsFor: who => taSeeds(source.secret, who, isProgram),
  };
}

/** One line for the TA when a secret was just made (keep it; CI and regrades need the same one). */
export function createdNotice(s: SecretSource): string | undefined {
  return s.created
    ? `note: made a new course secret in ${s.where} (TA grading draws its seeds from it): keep it, and set the same one as LEC4_COURSE_SECRET in CI`
    : undefined;
}
