import { prepareSandbox } from './grader/sandbox/compile.ts';
import { StudentRunner } from './grader/student.ts';
import { readFolder } from './grader/intake.ts';
import { grade } from './grader/engine.ts';
import { FixtureOracle } from './grader/oracle.ts';
import { FIXTURE_PATH } from './grader/setup.ts';
const sub = readFolder('/tmp/m/tzero');
const off = FixtureOracle.load(FIXTURE_PATH);
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  const p = await prepareSandbox(sub.sources); const a = performance.now() - t; t = performance.now();
  const r = new StudentRunner(p);
  await r.call('04', { module: '04_adam', fn: 'adamInit', args: [{}] } as any); const b = performance.now() - t; t = performance.now();
  r.close();
  const g = await grade(sub, { oracle: off, steps: ['04'], jobs: 1 }); const c = performance.now() - t;
  console.log('prepare', a.toFixed(0), 'start+call', b.toFixed(0), 'grade04', c.toFixed(0), g.verdicts.map(v => (v.seconds*1000).toFixed(0)).join(' '));
}
