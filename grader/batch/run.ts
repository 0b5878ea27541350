// grader/batch/run.ts — grades a folder of submissions and joins shard outputs.
//
// One process, one live oracle for the whole cohort (reference answers, reference training and
// fault variants are computed once and memoised), up to `jobs` submissions at a time, each
// graded by grade() with its own sandbox children. Each submission's files are written
// atomically as soon as it finishes, meta.json last: a batch killed at any moment loses at most
// the submissions in flight, and a rerun skips every submission whose meta.json says its
// content and the grader are unchanged. grades.csv and summary.md are regenerated from the
// meta.json files, never appended to, so reruns and merges cannot duplicate or drop a row.
// Per-student folders live in `students/` (gradebook.ts says why); each submission has a time
// budget for all its steps together (grader/budget.ts).
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { DEFAULT_BUDGET_MS } from '../budget.ts';
import { COURSE } from '../course.ts';
import { grade, GRADER_VERSION, pool, type GradeReport } from '../engine.ts';
import { gradingFingerprint } from '../fingerprint.ts';
import { sourcesHash } from '../intake.ts';
import type { Oracle } from '../oracle.ts';
import { jsonInert, nameText, neutral } from '../report/neutral.ts';
import { toGradescope, writeAtomic, type GradescopeResults } from '../report/results.ts';
import { liveOracle, hasSolutions } from '../setup.ts';
import { DEFAULT_LIMITS, type Limits } from '../sandbox/child.ts';
import { RUBRIC } from '../rubric.ts';
import { createdNotice, taSeeding } from '../secret.ts';
import type { Lang, StepId } from '../types.ts';
import { feedbackMd, folderName, gradesCsv, META_FORMAT, metaOf, shardOf, STUDENTS_DIR, summaryMd, type Meta, type Shard } from './gradebook.ts';
import { INTAKE_VERSION, listSubmissions, plural, readSubmission, type BatchSubmission, type Listing, type SubmissionEntry } from './intake.ts';

export interface BatchOptions {
  submissions: string;
  out: string;
  lang: Lang;
  /** Submissions graded at a time (default: the number of cores). */
  jobs?: number;
  /** Sandbox children per submission, grade()'s own `jobs` (default 2: measured fastest, docs/ta.md). */
  gradeJobs?: number;
  shard?: Shard;
  /** Regrade even when content and grader are unchanged. */
  force?: boolean;
  /** Grade only these steps (a quick trial run; the totals are then out of fewer points). */
  steps?: StepId[];
  limits?: Limits;
  /** Time budget per submission: wall time its code runs, all steps together (default DEFAULT_BUDGET_MS). */
  budgetMs?: number;
  oracle?: Oracle;
  /** Each line is neutralised first: ids and reasons come from students. */
  log?: (line: string) => void;
  /** The submissions as already laid out (Moodle's download, Gradescope's one upload) instead
   *  of one folder or .zip per id in `submissions`, which then only names them in the log. */
  listing?: Listing;
}

export interface BatchOutcome {
  metas: Meta[];
  graded: string[];
  /** Reused from an earlier run (content and grader unchanged). */
  skipped: string[];
  /** Result folders in --out whose submission is gone (left alone, not in grades.csv). */
  stale: string[];
  /** Names in SUBMISSIONS that are not submissions (hidden files, the output folder). */
  ignoredEntries: string[];
  seconds: number;
}

export const BATCH_FORMAT = META_FORMAT;

/**
 * What decides a grade: grader version, the fingerprint of the code that runs and judges the
 * submission (engine, course checks and faults, reference), the intake rules, the steps and limits.
 * Report wording is not in it: reports are re-rendered on every run from the stored report.
 * Nor is the time budget: it decides only the grades of submissions that ran out of it, and
 * those are regraded when the budget grows (mayReuse), the rest of the cohort is not.
 */
export function graderHash(opts: { steps?: StepId[]; limits?: Limits; secretTag?: string } = {}): string {
  return createHash('sha256').update(JSON.stringify({
    v: GRADER_VERSION, code: gradingFingerprint(), intake: INTAKE_VERSION, format: BATCH_FORMAT,
    steps: opts.steps ?? 'all', limits: opts.limits ?? DEFAULT_LIMITS, secret: opts.secretTag ?? '',
  })).digest('hex').slice(0, 16);
}

function readJson<T>(path: string): T | undefined {
  try { return JSON.parse(readFileSync(path, 'utf8')) as T; } catch { return undefined; }
}

/**
 * Whether a finished result can stand for this run: same format, id, content and grader, no
 * grader failure, and not a submission that ran out of a smaller time budget than this run's.
 */
export function mayReuse(old: Meta | undefined, now: { id: string; contentHash: string; graderHash: string; budgetMs: number }): boolean {
  return !!old && old.format === META_FORMAT && old.id === now.id && old.contentHash === now.contentHash &&
    old.graderHash === now.graderHash && !old.graderError && !(old.budget && old.budget.ms < now.budgetMs);
}

const gradable = (sub: BatchSubmission) => !sub.reason && sub.sources.size > 0;

function resultsJson(sub: BatchSubmission, report: GradeReport | undefined, lang: Lang): GradescopeResults | object {
  const notes = [...(sub.reason ? [sub.reason] : [...sub.issues.values(), ...sub.warnings])].map(m => neutral(m[lang]));
  if (!report) {
    return { score: 0, execution_time: 0, output: notes.join('\n'), tests: [], extra_data: { id: sub.id, not_graded: true } };
  }
  const r = toGradescope(report, lang);
  if (notes.length) r.output = `${notes.join('\n')}\n${r.output}`;
  return r;
}

/** Writes a submission's folder: reports first, meta.json last (its presence means "done").
 *  JSON is written inert (jsonInert): the same values, no raw control or bidi character. */
function writeSubmission(dir: string, sub: BatchSubmission, report: GradeReport | undefined, meta: Meta, lang: Lang, fresh: boolean): void {
  mkdirSync(dir, { recursive: true });
  if (fresh && report) writeAtomic(join(dir, 'report.json'), jsonInert(report));
  if (fresh && !report) rmSync(join(dir, 'report.json'), { force: true });
  writeAtomic(join(dir, 'results.json'), `${jsonInert(resultsJson(sub, report, lang), 2)}\n`);
  writeAtomic(join(dir, 'feedback.md'), feedbackMd(sub, report, lang, meta.max));
  writeAtomic(join(dir, 'meta.json'), `${jsonInert(meta, 2)}\n`);
}

/** An id in a log line or an error: quoted, one line (C1 and bidi are left to nameText). */
const quoted = (id: string) => JSON.stringify(id);

/**
 * Two ids that would write to one folder. Impossible by construction (folderName is injective
 * and lowercase); checked anyway, before anything is written, because sharing a folder would
 * silently give one student another's feedback.
 */
function folderClashes(ids: readonly string[]): string[] {
  const by = new Map<string, string[]>();
  for (const id of ids) {
    const key = folderName(id).toLowerCase().normalize('NFC');
    by.set(key, [...(by.get(key) ?? []), id]);
  }
  return [...by.values()].filter(v => v.length > 1).map(v => v.map(quoted).join(' and '));
}

export async function runBatch(o: BatchOptions): Promise<BatchOutcome> {
  const started = performance.now();
  const sink = o.log ?? (line => console.log(line));
  const log = (line: string) => sink(nameText(line));
  const submissions = resolve(o.submissions), out = resolve(o.out);
  if (!o.listing && (!existsSync(submissions) || !statSync(submissions).isDirectory())) throw new Error(`--submissions: no such folder: ${submissions}`);
  if (!o.oracle && !hasSolutions()) throw new Error('batch grading needs solutions/ (it runs the hidden checks): run it in the course repository');
  mkdirSync(out, { recursive: true });

  const listing = o.listing ?? listSubmissions(submissions, [out]);
  const entries = o.shard ? listing.entries.filter(e => shardOf(e.id, o.shard!.count) === o.shard!.index) : listing.entries;
  // TA grading's seeds come from the course secret; which secret graded is part of the hash.
  const seeding = taSeeding(COURSE.root, step => !!COURSE.step(step).program);
  const notice = createdNotice(seeding.source);
  if (notice) log(notice);
  const hash = graderHash({ steps: o.steps, limits: o.limits, secretTag: seeding.tag });
  const clashes = folderClashes(entries.map(e => e.id));
  if (clashes.length) throw new Error(`internal error: ids that would share an output folder: ${clashes.join('; ')}`);
  const budgetMs = o.budgetMs ?? DEFAULT_BUDGET_MS;
  const maxPoints = RUBRIC.filter(e => !o.steps || o.steps.includes(e.step)).reduce((a, e) => a + e.points, 0);
  const oracle = o.oracle ?? await liveOracle();
  const jobs = Math.max(1, o.jobs ?? availableParallelism());
  log(`batch: ${plural(entries.length, 'submission')}${o.shard ? ` (shard ${o.shard.index}/${o.shard.count} of ${listing.entries.length})` : ''} from ${submissions}, ${jobs} at a time, time budget ${budgetMs / 1000} s each → ${out}`);

  const metas = new Map<string, Meta>();
  const graded: string[] = [], skipped: string[] = [];
  let done = 0;
  const one = async (entry: SubmissionEntry) => {
    const t0 = performance.now();
    const sub = await readSubmission(entry);
    const dir = join(out, STUDENTS_DIR, folderName(sub.id));
    const old = readJson<Meta>(join(dir, 'meta.json'));
    let report: GradeReport | undefined;
    let graderError: string | undefined;
    let seconds = 0;
    let reuse = !o.force && mayReuse(old, { id: sub.id, contentHash: sub.hash, graderHash: hash, budgetMs });
    if (reuse && gradable(sub)) {
      report = readJson<GradeReport>(join(dir, 'report.json'));
      reuse = !!report?.verdicts;
    }
    if (reuse) seconds = old!.seconds;
    else {
      report = undefined;
      if (gradable(sub)) {
        try {
          const seedOf = seeding.seedsFor({ studentId: sub.id, filesHash: sourcesHash(sub.sources) });
          report = await grade(sub, { oracle, hidden: true, jobs: o.gradeJobs ?? 2, steps: o.steps, limits: o.limits, seedOf, seedTag: seeding.tag, budgetMs });
        } catch (err) {
          // The grader failed, not the student: recorded so the row exists, retried on rerun.
          graderError = err instanceof Error ? err.message : String(err);
        }
      }
      seconds = (performance.now() - t0) / 1000;
    }
    const meta = metaOf(sub, hash, o.lang, report, seconds, maxPoints, graderError);
    writeSubmission(dir, sub, report, meta, o.lang, !reuse);
    metas.set(sub.id, meta);
    (reuse ? skipped : graded).push(sub.id);
    done++;
    log(`[${done}/${entries.length}] ${quoted(sub.id)} ${meta.total}/${meta.max} ${meta.status}${reuse ? ' (unchanged, skipped)' : ` ${seconds.toFixed(1)} s`}${meta.reason ? ` — ${meta.reason.slice(0, 120)}` : ''}`);
    // Kept current while the batch runs: a killed batch still leaves a valid gradebook.
    writeAtomic(join(out, 'grades.csv'), gradesCsv([...metas.values()]));
  };
  await pool(entries, jobs, one);

  const all = [...metas.values()];
  writeAtomic(join(out, 'grades.csv'), gradesCsv(all));
  writeAtomic(join(out, 'summary.md'), summaryMd(all));
  const current = new Set(all.map(m => m.folder));
  const stale = readMetas(out).filter(m => !current.has(m.folder)).map(m => m.id);
  if (stale.length) log(`note: ${stale.length} result folders in ${join(out, STUDENTS_DIR)} have no submission in this run (not in grades.csv): ${stale.slice(0, 5).map(quoted).join(', ')}${stale.length > 5 ? ', …' : ''}`);
  if (listing.skipped.length) log(`note: not submissions, skipped: ${listing.skipped.map(quoted).join(', ')}`);
  const late = all.filter(m => m.budget);
  if (late.length) {
    log(`note: ${plural(late.length, 'submission')} ran out of the ${budgetMs / 1000} s time budget: ${late.slice(0, 5).map(m => quoted(m.id)).join(', ')}${late.length > 5 ? ', …' : ''}. ` +
      `If the machine was busy, rerun with a larger --budget: only these are regraded.`);
  }
  const seconds = (performance.now() - started) / 1000;
  log(`done: ${graded.length} graded, ${skipped.length} unchanged in ${seconds.toFixed(1)} s` +
    (graded.length ? ` (${(graded.length / (seconds / 60)).toFixed(1)} a minute)` : '') + ` → ${shortPath(join(out, 'grades.csv'))}`);
  return { metas: all, graded, skipped, stale, ignoredEntries: listing.skipped, seconds };
}

const shortPath = (p: string) => { const r = relative(process.cwd(), p); return r.startsWith('..') ? p : r; };

/** Every finished submission (a folder with a readable meta.json, under `students/`, named
 *  for its id) in an output folder. */
export function readMetas(dir: string): Meta[] {
  const students = join(dir, STUDENTS_DIR);
  if (!existsSync(students)) return [];
  const metas: Meta[] = [];
  for (const name of readdirSync(students).sort()) {
    const m = readJson<Meta>(join(students, name, 'meta.json'));
    if (m && m.format === META_FORMAT && typeof m.id === 'string' && m.folder === name && folderName(m.id) === name) metas.push(m);
  }
  return metas;
}

/**
 * Joins shard outputs into `out`: copies every finished submission folder, then regenerates
 * grades.csv and summary.md from all of them. The same id graded differently in two inputs
 * (other content or another grader) is refused before anything is copied.
 */
export function mergeShards(outDir: string, shardDirs: readonly string[], sink: (line: string) => void = l => console.log(l)): Meta[] {
  const log = (line: string) => sink(nameText(line));
  const out = resolve(outDir);
  const chosen = new Map<string, { meta: Meta; from: string }>();
  const conflicts: string[] = [];
  for (const d of shardDirs.map(s => resolve(s))) {
    if (!existsSync(d)) throw new Error(`merge: no such folder: ${d}`);
    if (d === out) continue;
    const metas = readMetas(d);
    if (metas.length === 0) log(`note: ${d} holds no graded submissions`);
    for (const meta of metas) {
      const seen = chosen.get(meta.id);
      if (!seen) chosen.set(meta.id, { meta, from: d });
      else if (seen.meta.contentHash !== meta.contentHash || seen.meta.graderHash !== meta.graderHash) {
        conflicts.push(`${quoted(meta.id)} in ${seen.from} and ${d}`);
      }
    }
  }
  if (conflicts.length) throw new Error(nameText(`merge: graded differently in two inputs (rerun those shards): ${conflicts.join('; ')}`));
  const clashes = folderClashes([...chosen.keys()]);
  if (clashes.length) throw new Error(nameText(`merge: internal error: ids that would share an output folder: ${clashes.join('; ')}`));
  mkdirSync(join(out, STUDENTS_DIR), { recursive: true });
  for (const { meta, from } of chosen.values()) {
    // Copy beside, then swap in: a merge killed halfway leaves whole folders only. The
    // temporary name starts with a dot, which no folderName does.
    const dest = join(out, STUDENTS_DIR, meta.folder), tmp = join(out, STUDENTS_DIR, `.${meta.folder}.merge-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    cpSync(join(from, STUDENTS_DIR, meta.folder), tmp, { recursive: true });
    rmSync(dest, { recursive: true, force: true });
    renameSync(tmp, dest);
  }
  const all = readMetas(out);
  writeAtomic(join(out, 'grades.csv'), gradesCsv(all));
  writeAtomic(join(out, 'summary.md'), summaryMd(all));
  const hashes = new Set(all.map(m => m.graderHash));
  if (hashes.size > 1) log(`warning: the merged results come from ${hashes.size} different grader versions; rerun the shards with --force on one commit`);
  log(`merged ${plural(chosen.size, 'submission')} from ${plural(shardDirs.length, 'folder')}; ${all.length} in ${join(out, 'grades.csv')}`);
  return all;
}
