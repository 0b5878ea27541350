import { grade } from './grader/engine.ts';
import { readFolder } from './grader/intake.ts';
import { liveOracle, FIXTURE_PATH } from './grader/setup.ts';
import { FixtureOracle } from './grader/oracle.ts';
import { prepareSandbox } from './grader/sandbox/compile.ts';
const dir = '/tmp/m/tzero';
const live = await liveOracle(); const off = FixtureOracle.load(FIXTURE_PATH);
for (let i = 0; i < 4; i++) {
  let t = performance.now();
  const sub = readFolder(dir);
  const p = await prepareSandbox(sub.sources); const tp = performance.now() - t;
  t = performance.now();
  await grade(sub, { oracle: live, steps: ['04'], jobs: 1 }); const tl = performance.now() - t;
  t = performance.now();
  await grade(sub, { oracle: off, steps: ['04'], jobs: 1 }); const to = performance.now() - t;
  t = performance.now();
  await grade(sub, { oracle: off, steps: ['04'], jobs: 1, pairs: false } as any); const tn = performance.now() - t;
  console.log('prepare', tp.toFixed(0), 'live', tl.toFixed(0), 'offline', to.toFixed(0), 'offline-nopairs', tn.toFixed(0));
}
