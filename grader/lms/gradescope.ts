// grader/lms/gradescope.ts — one Gradescope submission, graded the way `batch` grades (the same
// intake, sandbox, hidden checks and course secret: runBatch with a one-entry listing), written
// where Gradescope reads it. run_autograder (tools/gradescope.ts writes it) starts this file:
//   tsx grader/lms/gradescope.ts          (paths from AUTOGRADER_ROOT, default /autograder)
//
// Gradescope shows a student nothing when results.json is missing, so every way out of this
// file writes one: a grade, or score 0 and the reason (an unusable upload, a grader failure).
// The layout (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
//   /autograder/submission/             the student's upload (files, a zip, a repository)
//   /autograder/submission_metadata.json  who submitted (users[].sid / email / id)
//   /autograder/results/results.json    what we write
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBatch } from '../batch/run.ts';
import type { Listing } from '../batch/intake.ts';
import { parseLang } from '../report/lang.ts';
import { writeAtomic } from '../report/results.ts';
import { sanitize } from '../report/terminal.ts';
import type { Oracle } from '../oracle.ts';
import type { Limits } from '../sandbox/child.ts';
import { msg, type Lang, type Msg, type StepId } from '../types.ts';

export interface GradescopePaths {
  submission: string;
  metadata: string;
  results: string;
}

/** Gradescope's paths under AUTOGRADER_ROOT (default /autograder): a test lays out a temporary
 *  folder the same way. */
export function gradescopePaths(env: NodeJS.ProcessEnv = process.env): GradescopePaths {
  const root = resolve(env.AUTOGRADER_ROOT || '/autograder');
  return { submission: join(root, 'submission'), metadata: join(root, 'submission_metadata.json'), results: join(root, 'results', 'results.json') };
}

/**
 * Who submitted: the school's student id (`sid`) when Gradescope has one, else the e-mail, else
 * Gradescope's user id; group members joined with `+`. It seeds the hidden checks (with the
 * course secret and the files), so a regrade of the same upload by the same students reproduces
 * the same cases. `submission` when the metadata is missing (a local trial run).
 */
export function submitterId(metadataPath: string): string {
  try {
    const meta = JSON.parse(readFileSync(metadataPath, 'utf8')) as { users?: { sid?: unknown; email?: unknown; id?: unknown }[] };
    const ids = (meta.users ?? []).map(u => [u.sid, u.email, u.id].find(v => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number'))
      .filter(v => v !== undefined).map(v => String(v).trim()).sort();
    if (ids.length) return ids.join('+');
  } catch { /* no metadata: a local run */ }
  return 'submission';
}

/** results.json for a run that graded nothing: score 0 and why, in both languages (the student
 *  reads `output`; nothing else is shown without tests). */
export function failedResults(why: Msg, extra: Record<string, unknown> = {}): object {
  return { score: 0, execution_time: 0, output: sanitize(`${why.ja}\n${why.en}`), tests: [], extra_data: { not_graded: true, ...extra } };
}

/** The one results.json a batch wrote under `out` (found by name: the folder layout is batch's). */
function resultsUnder(out: string, depth = 3): string[] {
  const found: string[] = [];
  const walk = (dir: string, d: number) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && d > 0) walk(join(dir, e.name), d - 1);
      else if (e.isFile() && e.name === 'results.json') found.push(join(dir, e.name));
    }
  };
  walk(out, depth);
  return found;
}

export interface GradescopeOptions {
  lang?: Lang;
  log?: (line: string) => void;
  /** Tests: a shared oracle, fewer steps, other limits. */
  oracle?: Oracle;
  steps?: StepId[];
  limits?: Limits;
}

/** Grades /autograder/submission with batch's grading path and writes results.json. */
export async function runGradescope(paths: GradescopePaths, o: GradescopeOptions = {}): Promise<Record<string, unknown>> {
  const lang = o.lang ?? parseLang(undefined);
  const log = o.log ?? (line => console.log(line));
  const write = (r: object) => { writeAtomic(paths.results, `${JSON.stringify(r, null, 2)}\n`); return r as Record<string, unknown>; };
  if (!existsSync(paths.submission) || !statSync(paths.submission).isDirectory()) {
    return write(failedResults(msg(`提出物のフォルダ ${paths.submission} がありません`, `no submission folder at ${paths.submission}`)));
  }
  const id = submitterId(paths.metadata);
  // The upload is one submission however it is laid out: the files, a folder, or a zip of them.
  const listing: Listing = { entries: [{ id, items: [{ path: paths.submission, raw: Buffer.from(paths.submission), kind: 'folder', openNested: true }] }], skipped: [] };
  const out = mkdtempSync(join(tmpdir(), 'lec4-gradescope-'));
  try {
    const outcome = await runBatch({
      submissions: paths.submission, out, lang, jobs: 1, force: true, listing, log,
      oracle: o.oracle, steps: o.steps, limits: o.limits,
    });
    const meta = outcome.metas[0];
    if (meta?.graderError) {
      return write(failedResults(msg(`採点プログラムの内部エラーです (提出物の問題ではありません)。TA に連絡してください: ${meta.graderError}`,
        `an internal error of the grader (not a problem of your submission); tell the TAs: ${meta.graderError}`), { status: 'grader error' }));
    }
    const found = resultsUnder(out);
    if (found.length !== 1) throw new Error(`the batch wrote ${found.length} results.json files, expected 1`);
    const results = JSON.parse(readFileSync(found[0], 'utf8')) as Record<string, unknown>;
    if (meta) {
      // The gradebook's status and reason, for the instructor's view (students see `output`).
      results.extra_data = { ...(results.extra_data as object | undefined), status: meta.status, reason: meta.reason, id: meta.id };
    }
    return write(results);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const paths = gradescopePaths();
  try {
    // run_autograder sets GRADE_LANG (the language chosen at `make gradescope`).
    const r = await runGradescope(paths, { lang: parseLang(process.env.GRADE_LANG || undefined) });
    console.log(`results.json: score ${String(r.score)} → ${paths.results}`);
  } catch (err) {
    // The grader itself failed: still a results.json, or Gradescope shows the student nothing.
    const why = err instanceof Error ? err.message : String(err);
    console.error(err);
    try {
      writeAtomic(paths.results, `${JSON.stringify(failedResults(msg(`採点プログラムの内部エラーです (提出物の問題ではありません)。TA に連絡してください: ${why}`,
        `an internal error of the grader (not a problem of your submission); tell the TAs: ${why}`), { status: 'grader error' }), null, 2)}\n`);
    } catch { /* run_autograder writes its own */ }
    process.exit(1);
  }
}
