// bench/batch.ts — batch grading throughput (budget: ≥ 20 submissions a minute with --jobs 2
// on two cores). A cohort of 20 generated submissions — the reference (as folders and a nested
// zip), untouched stubs, single-fault variants from the catalogue, one infinite loop at import —
// graded with every step and the hidden checks, as a TA runs it.
//
//   npx tsx bench/batch.ts                        `batch --jobs 2` as a CLI child (what a TA sees)
//   npx tsx bench/batch.ts --in-process [--jobs N] [--grade-jobs M]
//                                                 in this process, with judge CPU time (which
//                                                 shows whether the judge or the children limit)
// bench/run.ts imports benchBatch.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZipFile } from 'yazl';
import { FAULTS } from '../course/faults.ts';
import { applyPatches } from '../grader/faults/variants.ts';
import { stubsFrom } from '../tools/stubs.ts';
import { COURSE } from '../grader/course.ts';
const STEP_FILES = COURSE.files;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface BatchBench { submissions: number; seconds: number; perMinute: number }

function zipOf(files: Map<string, string>, prefix: string): Promise<Buffer> {
  const z = new ZipFile();
  for (const [f, text] of files) z.addBuffer(Buffer.from(text), `${prefix}${f}`);
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((res, rej) => {
    z.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => res(Buffer.concat(chunks))).on('error', rej);
  });
}

/** 20 submissions: 3 reference, 2 stubs, 14 single faults (every step file), 1 hostile loop. */
export async function makeCohort(dir: string, count = 20): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const ref = new Map<string, string>(STEP_FILES.map(f => [f, readFileSync(join(ROOT, 'solutions', f), 'utf8')]));
  const stub = stubsFrom(join(ROOT, 'solutions'));
  const put = (id: string, files: Map<string, string>) => {
    mkdirSync(join(dir, id, 'assignments'), { recursive: true });
    for (const [f, text] of files) writeFileSync(join(dir, id, 'assignments', f), text);
  };
  const ids: string[] = [];
  put('s00-ref', ref); ids.push('s00-ref');
  put('s01-ref', ref); ids.push('s01-ref');
  writeFileSync(join(dir, 's02-ref.zip'), await zipOf(ref, 'Lec4/assignments/')); ids.push('s02-ref');
  put('s03-stub', stub); ids.push('s03-stub');
  put('s04-stub', stub); ids.push('s04-stub');
  put('s05-loop', new Map([...ref, ['01_forward.ts', `while (true) {}\n${ref.get('01_forward.ts')}`]])); ids.push('s05-loop');
  // Faults spread over the five files, in catalogue order within each.
  const byModule = STEP_FILES.map(f => FAULTS.filter(x => `${x.module}.ts` === f));
  const faults = [];
  for (let i = 0; faults.length < count - ids.length && i < 10; i++) for (const list of byModule) if (list[i]) faults.push(list[i]);
  const first = ids.length;
  for (const [i, fault] of faults.slice(0, count - first).entries()) {
    const id = `s${String(first + i).padStart(2, '0')}-${fault.id}`;
    const file = `${fault.module}.ts`;
    put(id, new Map<string, string>([...ref, [file, applyPatches(ref.get(file)!, fault)]]));
    ids.push(id);
  }
  return ids;
}

export async function benchBatch(opts: { inProcess?: boolean; jobs?: number; gradeJobs?: number; count?: number; log?: (l: string) => void } = {}): Promise<BatchBench & { judgeCpuSeconds?: number }> {
  const base = mkdtempSync(join(tmpdir(), 'lec4-bench-batch-'));
  const subs = join(base, 'submissions'), out = join(base, 'out');
  const log = opts.log ?? (() => {});
  try {
    const ids = await makeCohort(subs, opts.count ?? 20);
    const jobs = opts.jobs ?? 2;
    const t0 = performance.now();
    let judgeCpuSeconds: number | undefined;
    if (opts.inProcess) {
      const { runBatch } = await import('../grader/batch/run.ts');
      const cpu0 = process.cpuUsage();
      await runBatch({ submissions: subs, out, lang: 'en', jobs, gradeJobs: opts.gradeJobs, log });
      const cpu = process.cpuUsage(cpu0);
      judgeCpuSeconds = (cpu.user + cpu.system) / 1e6;
    } else {
      // A fresh process, as `make batch` starts one: startup and oracle warm-up are included.
      await new Promise<void>((res, rej) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'grader/cli.ts'), 'batch', '--submissions', subs, '--out', out, '--jobs', String(jobs), '--lang', 'en'],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
        child.stdout!.on('data', (c: Buffer) => { for (const l of c.toString().split('\n')) if (l) log(l); });
        child.on('error', rej);
        child.on('exit', code => (code === 0 ? res() : rej(new Error(`batch exited with ${code}`))));
      });
    }
    const seconds = (performance.now() - t0) / 1000;
    return { submissions: ids.length, seconds, perMinute: ids.length / (seconds / 60), judgeCpuSeconds };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : undefined; };
  const inProcess = process.argv.includes('--in-process');
  const r = await benchBatch({ inProcess, jobs: arg('--jobs'), gradeJobs: arg('--grade-jobs'), log: l => console.log(`  ${l}`) });
  console.log(`${r.submissions} submissions in ${r.seconds.toFixed(1)} s: ${r.perMinute.toFixed(1)} per minute` +
    (r.judgeCpuSeconds !== undefined ? ` (judge process CPU ${r.judgeCpuSeconds.toFixed(1)} s = ${(100 * r.judgeCpuSeconds / r.seconds).toFixed(0)}% of one core)` : ''));
}
