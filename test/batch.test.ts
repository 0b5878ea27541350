// make batch (grader/batch/run.ts): a cohort of good, broken and hostile submissions ends with
// one row per submission and the expected reason; reruns skip what is unchanged; a killed
// batch resumes without losing or duplicating anyone; shards merged equal one full run.
// Most runs grade step 01 only (`steps`), which exercises every stage in a fraction of the
// time; one run grades everything, so the reference and a good zip score 100.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER, folderName, shardOf, STUDENTS_DIR, type Meta } from '../grader/batch/gradebook.ts';
import { mergeShards, runBatch } from '../grader/batch/run.ts';
import type { LiveOracle } from '../grader/oracle.ts';
import { liveOracle } from '../grader/setup.ts';
import type { StepId } from '../grader/types.ts';
import { filesUnder, makeCorpus, makeHostile, NO_BUDGET_MS, parseCsv, reference, ROOT, stubs, WEIRD_ID, writeFolder, zipBytes, type Expectation } from './batch-corpus.ts';

const rowsOf = (out: string) => {
  const [header, ...rows] = parseCsv(readFileSync(join(out, 'grades.csv'), 'utf8'));
  expect(header).toEqual(CSV_HEADER);
  return rows.map(r => Object.fromEntries(header.map((h, i) => [h, r[i]])) as Record<string, string>);
};
/** A student's output folder. */
const studentDir = (out: string, id: string) => join(out, STUDENTS_DIR, folderName(id));
/** The id as a spreadsheet-safe cell shows it. */
const shown = (id: string) => (/^[=+\-@]/.test(id) ? `'${id}` : id);
const quiet = () => {};
const STEP01: StepId[] = ['01'];

let base: string;
let oracle: LiveOracle;
beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'lec4-batch-test-'));
  oracle = await liveOracle();
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('a corpus of broken and hostile uploads (step 01 graded)', () => {
  let subs: string, out: string, expected: Expectation[];
  beforeAll(async () => {
    subs = join(base, 'corpus');
    out = join(base, 'out-full');
    expected = makeCorpus(subs, { heavy: true });
    await runBatch({ submissions: subs, out, lang: 'en', jobs: 2, steps: STEP01, oracle, log: quiet, budgetMs: NO_BUDGET_MS });
  });

  it('finishes with one row per submission, in id order, each with its status and reason', () => {
    const rows = rowsOf(out);
    expect(rows.map(r => r.id)).toEqual(expected.map(e => shown(e.id)));
    for (const e of expected) {
      const r = rows.find(x => x.id === shown(e.id))!;
      expect({ id: e.id, status: r.status }).toEqual({ id: e.id, status: e.status });
      if (e.reason) expect(r.reason, e.id).toMatch(e.reason);
      else expect(r.reason, e.id).toBe('');
    }
    const ref = rows.find(r => r.id === 'ref')!;
    expect([ref.total, ref['01_forward'], ref['02_backward']]).toEqual(['20', '20', '0']);
  });

  it('keeps the original id in grades.csv and writes results in a safe folder', () => {
    const csv = readFileSync(join(out, 'grades.csv'), 'utf8');
    expect(csv).toContain(`"'=1+2 田中, ""太郎"""`);
    const meta = JSON.parse(readFileSync(join(studentDir(out, WEIRD_ID), 'meta.json'), 'utf8')) as Meta;
    expect(meta.id).toBe(WEIRD_ID);
    expect(meta.total).toBe(20);
  });

  it('writes results.json, feedback.md and meta.json for every submission', () => {
    for (const e of expected) {
      const dir = studentDir(out, e.id);
      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { score: number; tests: unknown[] };
      expect(typeof results.score).toBe('number');
      expect(readFileSync(join(dir, 'feedback.md'), 'utf8')).toMatch(/^# Lec4 autoencoder: grading report/);
      expect((JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta).id).toBe(e.id);
    }
    const evil = readFileSync(join(studentDir(out, 'evil'), 'feedback.md'), 'utf8');
    expect(evil).toMatch(/only found at an unsafe path/);
    expect(readFileSync(join(studentDir(out, 'good'), 'feedback.md'), 'utf8')).toMatch(/ignored 2 other files/);
    expect(readFileSync(join(studentDir(out, 'fake'), 'results.json'), 'utf8')).toMatch(/not a readable zip file/);
  });

  it('summary.md: histogram, pass rates, and the submissions to look at', () => {
    const s = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(s).toMatch(new RegExp(`^${expected.length} submissions`, 'm'));
    expect(s).toMatch(/\| 01\.sigmoid sigmoid.* \| 01 \| 3 \| public \| \d+\/\d+ \| \d+% \|/);
    expect(s).toMatch(/\| `fake` \| error \| 0 \| `not a readable zip file/);
    expect(s).toMatch(/\| 20–29 \| \d+ \| █+ \|/);
  });

  it('a rerun skips every unchanged submission; --force regrades them', async () => {
    const before = readFileSync(join(out, 'grades.csv'), 'utf8');
    const again = await runBatch({ submissions: subs, out, lang: 'en', jobs: 2, steps: STEP01, oracle, log: quiet, budgetMs: NO_BUDGET_MS });
    expect(again.graded).toEqual([]);
    expect(again.skipped.length).toBe(expected.length);
    expect(readFileSync(join(out, 'grades.csv'), 'utf8')).toBe(before);
    // One student resubmits: only that one is graded.
    writeFileSync(join(subs, 'missing', '04_adam.ts'), reference().get('04_adam.ts')!);
    const one = await runBatch({ submissions: subs, out, lang: 'en', jobs: 2, steps: STEP01, oracle, log: quiet, budgetMs: NO_BUDGET_MS });
    expect(one.graded).toEqual(['missing']);
    expect(rowsOf(out).find(r => r.id === 'missing')!.reason).toBe('05_denoising.ts not found');
    const forced = await runBatch({ submissions: subs, out: join(base, 'out-force'), lang: 'en', jobs: 2, steps: ['05'], oracle, log: quiet, budgetMs: NO_BUDGET_MS, force: true });
    expect(forced.graded.length).toBe(expected.length);
  });

  it('merged shards equal one full run (grades.csv byte for byte but the seconds; summary.md exactly)', async () => {
    const shards = [1, 2, 3].map(i => join(base, `shard-${i}`));
    for (const [i, dir] of shards.entries()) {
      const r = await runBatch({ submissions: subs, out: dir, lang: 'en', jobs: 2, steps: STEP01, oracle, log: quiet, budgetMs: NO_BUDGET_MS, shard: { index: i + 1, count: 3 } });
      for (const m of r.metas) expect(shardOf(m.id, 3)).toBe(i + 1);
    }
    const merged = join(base, 'merged');
    mergeShards(merged, shards, quiet);
    const noSeconds = (dir: string) => readFileSync(join(dir, 'grades.csv'), 'utf8').replace(/,\d+\.\d\n/g, ',_\n');
    expect(noSeconds(merged)).toBe(noSeconds(out));
    expect(readFileSync(join(merged, 'summary.md'), 'utf8')).toBe(readFileSync(join(out, 'summary.md'), 'utf8'));
    expect(readFileSync(join(studentDir(merged, 'good'), 'feedback.md'), 'utf8')).toBe(readFileSync(join(studentDir(out, 'good'), 'feedback.md'), 'utf8'));
    // The same id graded from different content in two shards is refused, not silently picked.
    const meta = join(studentDir(shards[1], 'ref'), 'meta.json');
    const other = existsSync(meta) ? shards[0] : shards[1];
    const src = existsSync(meta) ? shards[1] : shards[[0, 2].find(i => existsSync(join(studentDir(shards[i], 'ref'), 'meta.json')))!];
    mkdirSync(studentDir(other, 'ref'), { recursive: true });
    const m = JSON.parse(readFileSync(join(studentDir(src, 'ref'), 'meta.json'), 'utf8')) as Meta;
    writeFileSync(join(studentDir(other, 'ref'), 'meta.json'), JSON.stringify({ ...m, contentHash: 'different' }));
    expect(() => mergeShards(join(base, 'merged-2'), shards, quiet)).toThrow(/graded differently in two inputs.*"ref"/);
  });
});

describe('full grading: every step, hidden checks included', () => {
  let subs: string, out: string;
  const expected: Expectation[] = [];
  beforeAll(async () => {
    subs = join(base, 'full');
    out = join(base, 'out-all');
    writeFolder(join(subs, 'ref'), reference());
    writeFileSync(join(subs, 'good.zip'), zipBytes(filesUnder('Lec4/assignments/', reference())));
    writeFolder(join(subs, 'stub', 'assignments'), stubs());
    expected.push(...makeHostile(subs));
    await runBatch({ submissions: subs, out, lang: 'ja', jobs: 2, oracle, log: quiet, budgetMs: NO_BUDGET_MS });
  }, 240_000);

  it('the reference (a folder) and a nested zip score 100, the stubs 0; hostile code has its reason', () => {
    const rows = rowsOf(out);
    expect(rows.map(r => r.id)).toEqual(['exit', 'good', 'loop', 'ref', 'stub']);
    const by = (id: string) => rows.find(r => r.id === id)!;
    for (const id of ['ref', 'good']) expect([id, by(id).total, by(id).status, by(id).reason]).toEqual([id, '100', 'ok', '']);
    expect([by('stub').total, by('stub').status]).toEqual(['0', 'partial']);
    expect(by('stub').reason).toMatch(/^not implemented: sigmoid \(01\), backward \(02\), sgdStep \(03\), adamInit \(04\), corrupt \(05\)/);
    for (const e of expected) expect(by(e.id).reason, e.id).toMatch(e.reason!);
    // Only the step with the hostile file loses points (and training, which runs all five).
    expect([by('exit')['01_forward'], by('exit')['03_sgd'], by('exit')['06_training']]).toEqual(['20', '0', '0']);
    expect([by('loop')['01_forward'], by('loop')['02_backward'], by('loop')['06_training']]).toEqual(['0', '25', '0']);
  });

  it('feedback.md in the chosen language; results.json in Gradescope format', () => {
    const fb = readFileSync(join(studentDir(out, 'stub'), 'feedback.md'), 'utf8');
    expect(fb).toMatch(/^# 第4回 オートエンコーダ 採点結果/);
    expect(fb).toMatch(/\*\*合計: 0 \/ 100\*\*/);
    expect(fb).toMatch(/未実装|まだ実装されていません/);
    const r = JSON.parse(readFileSync(join(studentDir(out, 'ref'), 'results.json'), 'utf8')) as { score: number; tests: { max_score: number; visibility: string }[] };
    expect(r.score).toBe(100);
    expect(r.tests.reduce((a, t) => a + t.max_score, 0)).toBe(100);
    expect(r.tests.some(t => t.visibility === 'after_published')).toBe(true);
  });

  it('another language later re-renders the reports without regrading', async () => {
    const t0 = performance.now();
    const again = await runBatch({ submissions: subs, out, lang: 'en', jobs: 2, oracle, log: quiet, budgetMs: NO_BUDGET_MS });
    expect(again.graded).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(readFileSync(join(studentDir(out, 'stub'), 'feedback.md'), 'utf8')).toMatch(/^# Lec4 autoencoder: grading report/);
    expect(readFileSync(join(studentDir(out, 'stub'), 'feedback.md'), 'utf8')).toMatch(/\*\*Total: 0 \/ 100\*\*/);
  });
});

describe('a killed batch resumes', () => {
  it('SIGKILL after the first result; the rerun grades the rest and skips the finished ones', async () => {
    const subs = join(base, 'resume'), out = join(base, 'out-resume');
    const stub = stubs(), ref = reference();
    writeFolder(join(subs, 'a1'), stub);
    writeFolder(join(subs, 'a2'), stub);
    // Ids sort after a1/a2; its 4 s import timeout keeps the batch busy when the kill comes.
    writeFolder(join(subs, 'b-loop'), new Map([...ref, ['01_forward.ts', `while (true) {}\n${ref.get('01_forward.ts')}`]]));
    for (const id of ['c1', 'c2', 'c3']) writeFolder(join(subs, id), ref);
    const ids = ['a1', 'a2', 'b-loop', 'c1', 'c2', 'c3'];
    const args = ['tsx', 'grader/cli.ts', 'batch', '--submissions', subs, '--out', out, '--jobs', '1', '--step', '1', '--lang', 'en', '--budget', String(NO_BUDGET_MS / 1000)];

    // detached: its own process group, so the kill takes npx, tsx, node and the sandbox children.
    // SIGKILL leaves the batch no chance to remove its temporary folders: they go in one of ours.
    const killedTmp = join(base, 'tmp-killed');
    mkdirSync(killedTmp);
    const child = spawn('npx', args, { cwd: ROOT, detached: true, stdio: 'ignore', env: { ...process.env, TMPDIR: killedTmp } });
    const exited = new Promise<void>(res => child.on('exit', () => res()));
    const t0 = Date.now();
    while (!existsSync(join(studentDir(out, 'a1'), 'meta.json'))) {
      if (Date.now() - t0 > 60_000) throw new Error('the batch wrote no result within 60 s');
      await new Promise(r => setTimeout(r, 25));
    }
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const finished = ids.filter(id => existsSync(join(studentDir(out, id), 'meta.json')));
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished.length).toBeLessThan(ids.length); // the kill did land mid-batch
    const mtimes = new Map(finished.map(id => [id, statSync(join(studentDir(out, id), 'report.json')).mtimeMs]));

    const log: string[] = [];
    const rerun = spawn('npx', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    rerun.stdout!.on('data', (c: Buffer) => log.push(c.toString()));
    const code = await new Promise<number | null>(res => rerun.on('exit', c => res(c)));
    expect(code).toBe(0);
    const text = log.join('');
    for (const id of finished) expect(text).toContain(`"${id}" `);
    for (const id of finished) expect(text).toMatch(new RegExp(`"${id}" .*unchanged, skipped`));
    for (const id of ids.filter(x => !finished.includes(x))) expect(text).not.toMatch(new RegExp(`"${id}" .*unchanged, skipped`));
    for (const [id, t] of mtimes) expect(statSync(join(studentDir(out, id), 'report.json')).mtimeMs, id).toBe(t);

    const rows = rowsOf(out);
    expect(rows.map(r => r.id)).toEqual(ids); // every submission exactly once
    expect(rows.map(r => r.total)).toEqual(['0', '0', '0', '20', '20', '20']);
    expect(rows.find(r => r.id === 'b-loop')!.reason).toMatch(/time limit|infinite loop/);
  }, 120_000);
});
