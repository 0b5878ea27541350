import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COURSE } from './grader/course.ts';
import { grade } from './grader/engine.ts';
import { liveOracle } from './grader/setup.ts';
const ROOT = '/work/main';
const reference = (f: string) => readFileSync(join(ROOT, 'solutions', f), 'utf8');
const dir = join(ROOT, 'test/fixtures', process.argv[2]);
const oracle = await liveOracle();
let tot = 0, totChecks = 0;
const rows: [number, number, string][] = [];
for (const c of readdirSync(dir).filter(c => existsSync(join(dir, c, 'assignments'))).sort()) {
  const own = readdirSync(join(dir, c, 'assignments'));
  const files = new Map(COURSE.files.map(f => [f, own.includes(f) ? readFileSync(join(dir, c, 'assignments', f), 'utf8') : reference(f)]));
  const steps = own.map(f => COURSE.stepOfFile(f)!.id).sort();
  const t = performance.now();
  const r = await grade({ sources: files, problems: new Map() }, { oracle, steps, hidden: true, pairs: true });
  const s = (performance.now() - t) / 1000;
  const checks = r.verdicts.reduce((a, v) => a + v.seconds, 0);
  tot += s; totChecks += checks;
  rows.push([s, checks, c]);
}
rows.sort((a, b) => b[0] - a[0]);
for (const r of rows.slice(0, 12)) console.log(r[0].toFixed(2), r[1].toFixed(2), r[2]);
console.log('total', tot.toFixed(1), 'checks', totChecks.toFixed(1), 'n', rows.length);
