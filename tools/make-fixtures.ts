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
import { COURSE } from '../grader/course.ts';
import { digest } from '../grader/diagnosis/digest.ts';
import { pairId } from '../grader/diagnosis/step.ts';
import { variantThrew } from '../grader/oracle.ts';
import { decode } from '../grader/codec.ts';

import { FIXTURE_REL, GENERATED_BY, fixtureInputs, hashOfInputs, serializeFixture, type GeneratedFixture } from './fixtures.ts';

/** Variant answers longer than this (encoded) ship as digests. */
const LARGE = 4096;

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

// Pairs of faults (two mistakes at once): the release cannot ship their answers whole, so it
// ships a digest of each pair's answer to every public call, module by module in step order,
// as far as PAIR_BUDGET allows (the zip must stay under 2 MB).
const PAIR_BUDGET = 700 * 1024;
const pairs: NonNullable<GeneratedFixture['pairs']> = {};
const pairModules: string[] = [];
let pairBytes = 0;
for (const module of COURSE.modules) {
  const fs = oracle.faults().filter(f => f.module === module && f.detect === 'output');
  const calls = [...oracle.calls].filter(([key]) => key.startsWith(`${module}.`)).sort(([a], [b]) => (a < b ? -1 : 1));
  const digests: Record<string, string> = {};
  let bytes = calls.length * 40;
  for (let i = 0; i < fs.length; i++) {
    pairing: for (let j = i + 1; j < fs.length; j++) {
      const id = pairId(fs[i].id, fs[j].id);
      let row = '';
      for (const [, call] of calls) {
        const answer = await oracle.variant(id, call);
        // Two faults that patch the same line cannot be made together: not a pair.
        if (variantThrew(answer) && answer.$threw.startsWith(`fault ${id}:`)) continue pairing;
        row += answer === undefined ? '-'.repeat(12) : digest(answer);
      }
      digests[id] = row;
      bytes += id.length + row.length + 8;
    }
  }
  if (pairBytes + bytes > PAIR_BUDGET) break;
  pairs[module] = { calls: calls.map(([k]) => k), digests };
  pairBytes += bytes;
  pairModules.push(module);
}

const fixture: GeneratedFixture = {
  generatedBy: GENERATED_BY,
  format: 1,
  solutionsHash: hashOfInputs(inputs),
  inputs,
  faults: [...oracle.faults()],
  // A variant's large answer (05.stats corrupts a 40×250 matrix) ships as its digest.
  answers: Object.fromEntries([...oracle.recorded].filter(([k]) => !k.includes('+'))
    .map(([k, v]) => [k, k.startsWith('var:') && JSON.stringify(v).length > LARGE ? { $digest: digest(decode(v)) } : v])),
  pairs,
};
const text = serializeFixture(fixture);
writeAtomic(out, text);
console.log(`wrote ${relative(process.cwd(), out) || out}: ${Object.keys(fixture.answers).length} answers, ${fixture.faults.length} faults, `
  + `pairs of ${pairModules.join(', ') || 'no module'} (${Object.values(pairs).reduce((a, m) => a + Object.keys(m.digests).length, 0)} pairs), `
  + `${(Buffer.byteLength(text) / 1024).toFixed(0)} KB, reference ${report.score}/${report.checkedPoints}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
