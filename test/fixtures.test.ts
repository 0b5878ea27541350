// The committed fixture (data/fixtures/public.json) is what the student release grades with.
// It must be current, generated, and hold the pairs of faults the release can diagnose.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULTS } from '../course/faults.ts';
import { applyPatches } from '../grader/faults/variants.ts';
import { pairId } from '../grader/diagnosis/step.ts';
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

// That the release diagnoses every form of every fault as the live oracle does is checked where
// every form is graded anyway: test/faults.test.ts.
