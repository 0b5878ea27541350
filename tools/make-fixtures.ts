// make fixtures — grade the reference with the live oracle, public checks only, asking every
// fault variant for every call (recordVariants), and write every answer the oracle gave to
// data/fixtures/public.json. The student release grades against that file: no solutions/,
// and diagnosis still names the same mistakes.
//   npx tsx tools/make-fixtures.ts [--out FILE]
import { join, relative, resolve } from 'node:path';
import { grade } from '../grader/engine.ts';
import { readFolder } from '../grader/intake.ts';
import { liveOracle, ROOT } from '../grader/setup.ts';
import { writeAtomic } from '../grader/report/results.ts';
import { FIXTURE_REL, GENERATED_BY, fixtureInputs, hashOfInputs, serializeFixture, type GeneratedFixture } from './fixtures.ts';

const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(ROOT, FIXTURE_REL);

const inputs = fixtureInputs(ROOT); // before grading: the hash names the sources the answers came from
const t0 = performance.now();
const oracle = await liveOracle(ROOT);
const report = await grade(readFolder(join(ROOT, 'solutions')), { oracle, recordVariants: true });
if (report.score !== report.checkedPoints) {
  // A fixture of a reference that fails its own checks would teach students wrong answers.
  const failed = report.verdicts.filter(v => v.status !== 'passed').map(v => `${v.id}: ${v.messages.map(m => m.en).join(' / ')}`);
  console.error(`the reference scores ${report.score}/${report.checkedPoints} on the public checks; no fixture written:\n  ${failed.join('\n  ')}`);
  process.exit(1);
}
if (hashOfInputs(fixtureInputs(ROOT)) !== hashOfInputs(inputs)) {
  console.error('sources changed while the fixture was being made; run `make fixtures` again');
  process.exit(1);
}

const fixture: GeneratedFixture = {
  generatedBy: GENERATED_BY,
  format: 1,
  solutionsHash: hashOfInputs(inputs),
  inputs,
  faults: [...oracle.faults()],
  answers: Object.fromEntries(oracle.recorded),
};
const text = serializeFixture(fixture);
writeAtomic(out, text);
console.log(`wrote ${relative(process.cwd(), out) || out}: ${oracle.recorded.size} answers, ${fixture.faults.length} faults, `
  + `${(Buffer.byteLength(text) / 1024).toFixed(0)} KB, reference ${report.score}/${report.checkedPoints}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
