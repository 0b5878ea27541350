import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeStub, solutionLines, stubsFrom } from '../tools/stubs.ts';
import { COURSE } from '../grader/course.ts';
const STEP_FILES = COURSE.files;

const root = join(import.meta.dirname, '..');

describe('stub generator', () => {
  it('assignments/ is exactly what solutions/ generates (run `make stubs` after editing solutions/)', () => {
    const stubs = stubsFrom(join(root, 'solutions'));
    expect([...stubs.keys()]).toEqual([...STEP_FILES]);
    for (const [name, text] of stubs) {
      expect(readFileSync(join(root, 'assignments', name), 'utf8'), `assignments/${name} drifted`).toBe(text);
    }
  });

  it('leaves no line of a solution block in any stub', () => {
    for (const name of STEP_FILES) {
      const solution = readFileSync(join(root, 'solutions', name), 'utf8');
      const stub = readFileSync(join(root, 'assignments', name), 'utf8');
      const lines = solutionLines(solution);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(stub.includes(line), `${name} leaks: ${line}`).toBe(false);
    }
  });

  it('puts the lecture formula under every TODO, where the student writes the code', () => {
    for (const name of STEP_FILES) {
      const lines = readFileSync(join(root, 'assignments', name), 'utf8').split('\n');
      const todos = lines.flatMap((l, i) => (l.includes('// TODO: 次の式') ? [i] : []));
      expect(todos.length, name).toBeGreaterThan(0);
      for (const i of todos) expect(lines[i + 1], `${name}:${i + 2}`).toMatch(/^\s*\/\/ {3}.*[=←]/);
    }
  });

  it('replaces each block with a throw naming step and function', () => {
    const src = ['export function f(x: number): number {', '  // BEGIN SOLUTION', '  return x;', '  // END SOLUTION', '}'].join('\n');
    const stub = makeStub(src, '09_demo.ts');
    expect(stub).toContain("throw new Error('09_demo: f() は未実装 / not implemented');");
    expect(stub).not.toContain('return x;');
  });

  it('rejects unbalanced markers with the line number', () => {
    expect(() => makeStub('// BEGIN SOLUTION\nx', 'a.ts')).toThrow(/never closed/);
    expect(() => makeStub('x\n// END SOLUTION', 'a.ts')).toThrow(/a\.ts:2: .*without/);
    expect(() => makeStub('// BEGIN SOLUTION\n// BEGIN SOLUTION', 'a.ts')).toThrow(/inside another block/);
  });
});
