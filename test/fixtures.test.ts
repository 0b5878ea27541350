// The committed fixture (data/fixtures/public.json) is what the student release grades with.
// It must be current, and it must let the release diagnose the same mistakes offline as the
// live oracle does in this repo.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grade } from '../grader/engine.ts';
import { FAULTS } from '../course/faults.ts';
import { formCount, formPatches } from '../grader/faults/forms.ts';
import { applyPatches } from '../grader/faults/variants.ts';
import { pairId } from '../grader/diagnosis/step.ts';
import { readFolder } from '../grader/intake.ts';
import { FixtureOracle, type Oracle } from '../grader/oracle.ts';
import { liveOracle } from '../grader/setup.ts';
import type { StepId } from '../grader/types.ts';
import { FIXTURE_REL, GENERATED_BY, readFixture, serializeFixture, staleness } from '../tools/fixtures.ts';

const root = join(import.meta.dirname, '..');
const fixturePath = join(root, FIXTURE_REL);
const tmp = mkdtempSync(join(tmpdir(), 'lec4-fixtures-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('public fixture', () => {
  it('is current (else: run make fixtures and commit data/fixtures/public.json)', () => {
    expect(staleness(root), 'run make fixtures').toBeUndefined();
  });

  it('is generated, deterministic in form, and carries no patches', () => {
    const text = readFileSync(fixturePath, 'utf8');
    const f = readFixture(fixturePath)!;
    expect(f.generatedBy).toBe(GENERATED_BY);
    expect(f.format).toBe(1);
    // Re-serialising gives the same bytes: the file is exactly what the generator writes.
    expect(serializeFixture(f)).toBe(text);
    expect(f.faults.map(x => x.id)).toEqual(FAULTS.map(x => x.id));
    expect(text).not.toMatch(/"patches"|"find"|"replace"/);
    // Well under a few MB (students download it); see the report in tools/make-fixtures.ts.
    expect(text.length).toBeLessThan(3_000_000);
  });

  it('holds a digest row for every pair of faults of a module that can be built together, and for no other', () => {
    const f = readFixture(fixturePath)!;
    for (const [module, { digests }] of Object.entries(f.pairs ?? {})) {
      const faults = FAULTS.filter(x => x.module === module && (x.detect ?? 'output') === 'output');
      const source = readFileSync(join(root, 'solutions', `${module}.ts`), 'utf8');
      const buildable: string[] = [];
      for (let i = 0; i < faults.length; i++) {
        for (let j = i + 1; j < faults.length; j++) {
          const id = pairId(faults[i].id, faults[j].id);
          try {
            applyPatches(source, { id, module: faults[i].module, patches: [...faults[i].patches, ...faults[j].patches] });
            buildable.push(id);
          } catch { /* two patches of one line: no such pair */ }
        }
      }
      expect(Object.keys(digests).sort(), module).toEqual(buildable.sort());
    }
    expect(Object.keys(f.pairs ?? {}).length).toBeGreaterThan(0);
  });

  it('a stale fixture says what changed and to run make fixtures', () => {
    const f = readFixture(fixturePath)!;
    const copy = join(tmp, 'stale.json');
    writeFileSync(copy, serializeFixture({ ...f, solutionsHash: 'old', inputs: { ...f.inputs, 'lib/train.ts': 'old' } }));
    expect(staleness(root, copy)).toMatch(/stale .*lib\/train\.ts.*run `make fixtures`/);
  });
});

/** The reference with one form of a fault, as a folder submission. */
function faultySubmission(id: string, form: number): string {
  const fault = FAULTS.find(f => f.id === id)!;
  const dir = join(tmp, `${id}~${form}`);
  cpSync(join(root, 'solutions'), join(dir, 'assignments'), { recursive: true });
  const file = join(dir, 'assignments', `${fault.module}.ts`);
  writeFileSync(file, applyPatches(readFileSync(file, 'utf8'), { id, module: fault.module, patches: formPatches(fault, form) }));
  return dir;
}

const summary = async (dir: string, oracle: Oracle, steps: StepId[]) => {
  const r = await grade(readFolder(dir), { oracle, steps, jobs: 1 });
  return r.verdicts.map(v => ({ id: v.id, points: v.points, status: v.status, fault: v.fault?.id }));
};

describe('offline diagnosis (fixture oracle) = live diagnosis', () => {
  // Every form of every fault: the fixture must hold every form's answer for every call of the
  // checks it fails, including the checks that ask variants only on failure (02.gradcheck, 05.stats).
  const forms = FAULTS.flatMap(f => Array.from({ length: formCount(f) }, (_, k) => [`${f.id}~${k}`, f.id, k] as const));
  it.each(forms)('%s', async (_key, id, k) => {
    const fault = FAULTS.find(f => f.id === id)!;
    const steps = [fault.module.slice(0, 2) as StepId];
    const dir = faultySubmission(id, k);
    // Both at once: one sandbox child each, two cores.
    const [live, offline] = await Promise.all([summary(dir, await liveOracle(root), steps), summary(dir, FixtureOracle.load(fixturePath), steps)]);
    expect(offline).toEqual(live);
    // And the fault is actually seen (else this comparison proves little).
    expect(live.some(v => v.points === 0)).toBe(true);
  });
});
