// Diagnosis measured on mistakes written as students write them, by helpers who never saw the
// catalogue. test/fixtures/mistakes-growth was the first such corpus: the catalogue grew from
// what it left silent, so it is a regression set only (never a wrong name). The measure is
// test/fixtures/mistakes-heldout, written afterwards and used for nothing else: TA grading (live
// oracle, hidden checks, pairs) must name ≥ 90% of its single mistakes, both mistakes of ≥ 60%
// of its doubles, and never a wrong name. Each corpus has an expected.json: per case, per
// mistake, the catalogued fault ids that name it correctly (an empty list: not catalogued, so
// naming nothing is right and any name is wrong). Correct but unusual code (test/fixtures/unusual)
// keeps every point.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COURSE } from '../grader/course.ts';
import { grade } from '../grader/engine.ts';
import type { Oracle } from '../grader/oracle.ts';
import { faultsOf } from '../grader/report/diagnosis.ts';
import { liveOracle } from '../grader/setup.ts';
import { reference, removeSubmissions, ROOT } from './helpers/submission.ts';

const CORPORA = { growth: join(ROOT, 'test', 'fixtures', 'mistakes-growth'), heldout: join(ROOT, 'test', 'fixtures', 'mistakes-heldout') };
const UNUSUAL = join(ROOT, 'test', 'fixtures', 'unusual');

interface Case { name: string; files: Map<string, string>; steps: string[] }

function casesUnder(dir: string): Case[] {
  return readdirSync(dir).filter(c => existsSync(join(dir, c, 'assignments'))).sort().map(c => {
    const own = readdirSync(join(dir, c, 'assignments'));
    const files = new Map(COURSE.files.map(f => [f, own.includes(f) ? readFileSync(join(dir, c, 'assignments', f), 'utf8') : reference(f)]));
    return { name: c, files, steps: own.map(f => COURSE.stepOfFile(f)!.id).sort() };
  });
}

/** Per case (`single/<slug>`), per mistake: the fault ids that name it correctly. */
const expectedOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, string[][]>;

let oracle: Oracle;
beforeAll(async () => { oracle = await liveOracle(); });
afterAll(() => removeSubmissions());

async function named(c: Case): Promise<Set<string>> {
  const r = await grade({ sources: c.files, problems: new Map() }, { oracle, steps: c.steps, hidden: true, pairs: true });
  return new Set(r.verdicts.filter(v => v.status !== 'passed').flatMap(v => faultsOf(v).map(f => f.id)));
}

describe.each(Object.entries(CORPORA))('diagnosis of student-written mistakes: %s corpus', (corpus, dir) => {
  for (const kind of ['single', 'double'] as const) {
    it(`${kind} mistakes: named correctly, and never a wrong name`, async () => {
      const expected = expectedOf(dir);
      const cases = casesUnder(join(dir, kind));
      let right = 0;
      const wrong: string[] = [], missed: string[] = [];
      for (const c of cases) {
        const want = expected[`${kind}/${c.name}`];
        expect(want, `expected.json has no entry for ${kind}/${c.name}`).toBeDefined();
        const got = await named(c);
        const allowed = new Set(want.flat());
        const bad = [...got].filter(id => !allowed.has(id));
        if (bad.length) wrong.push(`${c.name}: named ${bad.join(', ')}`);
        if (want.every(ids => ids.some(id => got.has(id)))) right++;
        else missed.push(`${c.name}: named {${[...got].join(', ')}}`);
      }
      const share = right / cases.length;
      console.log(`${corpus} ${kind}: ${right}/${cases.length} named correctly (${(100 * share).toFixed(0)}%), ${wrong.length} wrong names\n  missed: ${missed.join('\n  missed: ')}`);
      expect(wrong).toEqual([]);
      if (corpus === 'heldout') expect(share).toBeGreaterThanOrEqual(kind === 'single' ? 0.9 : 0.6);
    }, 900_000);
  }
});

describe('correct but unusual code', () => {
  it('keeps every point of its steps, hidden checks included, and is never accused', async () => {
    const lost: string[] = [];
    for (const c of casesUnder(UNUSUAL)) {
      // A complete submission is graded whole (training too); the others on the steps they change.
      const steps = c.steps.length === COURSE.codeSteps.length ? undefined : c.steps;
      const r = await grade({ sources: c.files, problems: new Map() }, { oracle, steps, hidden: true, pairs: true });
      if (r.score !== r.checkedPoints) {
        lost.push(`${c.name}: ${r.score}/${r.checkedPoints} (${r.verdicts.filter(v => v.status !== 'passed').map(v => `${v.id}: ${v.messages[0]?.en}`).join('; ')})`);
      }
      if (!steps) expect(r.checkedPoints, c.name).toBe(COURSE.totalPoints);
    }
    expect(lost).toEqual([]);
  }, 900_000);
});
