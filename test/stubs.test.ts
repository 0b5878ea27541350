import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeStub, solutionLines, stubsFrom, TODO_FORMULAS } from '../tools/stubs.ts';
import { typecheck } from '../grader/typecheck.ts';
import { COURSE } from '../grader/course.ts';
const STEP_FILES = COURSE.files;

const root = join(import.meta.dirname, '..');
const solution = (name: string) => readFileSync(join(root, 'solutions', name), 'utf8');
const stub = (name: string) => readFileSync(join(root, 'assignments', name), 'utf8');

/** The doc comments of a source, read independently of the generator: formula lines are set in
 *  by two or more spaces after the `*`, prose lines by one. */
function docLines(source: string): { formulas: string[]; prose: string[] } {
  const formulas: string[] = [], prose: string[] = [];
  let inDoc = false;
  for (const line of source.split('\n')) {
    const t = line.trim();
    if (t.startsWith('/**')) inDoc = !t.includes('*/');
    else if (inDoc && t.startsWith('*/')) inDoc = false;
    else if (inDoc && /^\s*\* {2,}\S/.test(line)) formulas.push(t.replace(/^\*\s+/, ''));
    else if (inDoc && /^\s*\* \S/.test(line)) prose.push(t.replace(/^\* /, ''));
  }
  return { formulas, prose };
}
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('stub generator', () => {
  it('assignments/ is exactly what solutions/ generates (run `make stubs` after editing solutions/)', () => {
    const stubs = stubsFrom(join(root, 'solutions'));
    expect([...stubs.keys()]).toEqual([...STEP_FILES]);
    for (const [name, text] of stubs) {
      expect(stub(name), `assignments/${name} drifted`).toBe(text);
    }
  });

  it('leaves no line of a solution block in any stub', () => {
    for (const name of STEP_FILES) {
      const lines = solutionLines(solution(name));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(stub(name).includes(line), `${name} leaks: ${line}`).toBe(false);
    }
  });

  it('has no banner and names no file the student does not have', () => {
    for (const name of STEP_FILES) {
      const text = stub(name);
      expect(text.split('\n')[0], `${name} starts with a banner`).not.toMatch(/^\/\/ [─-]{10}/);
      for (const bad of [/solutions\//, /tools\//, /make-stubs/, /自動生成/, /generated/i, /\bSPEC\b/, /\bissue/i, /BEGIN SOLUTION|END SOLUTION/]) {
        expect(text, `${name} mentions ${bad}`).not.toMatch(bad);
      }
    }
  });

  it('states each formula of a doc comment once, in the TODO where the code goes', () => {
    for (const name of STEP_FILES) {
      const text = stub(name);
      const { formulas } = docLines(solution(name));
      expect(formulas.length, name).toBeGreaterThan(0);
      for (const f of formulas) {
        expect(count(text, f), `${name}: "${f}"`).toBe(1);
        const line = text.split('\n').find(l => l.includes(f))!;
        expect(line, `${name}: "${f}" is not in a TODO`).toMatch(/^\s*\/\/ {3}/);
      }
      // Every TODO is followed by its formulas, then the throw the grader recognises.
      const lines = text.split('\n');
      const todos = lines.flatMap((l, i) => (l.includes(`// ${TODO_FORMULAS}`) ? [i] : []));
      expect(todos.length, name).toBeGreaterThan(0);
      for (const i of todos) {
        expect(lines[i + 1], `${name}:${i + 2}`).toMatch(/^\s*\/\/ {3}.*[=←]/);
        const end = lines.findIndex((l, j) => j > i && !l.trim().startsWith('//'));
        expect(lines[end], `${name}:${end + 1}`).toMatch(/^\s*throw new Error\('\d\d_\w+: \w+\(\) は未実装 \/ not implemented'\);$/);
      }
    }
  });

  it('keeps the prose of each doc comment in the doc comment, not in the TODO', () => {
    for (const name of STEP_FILES) {
      const text = stub(name);
      const { prose } = docLines(solution(name));
      expect(prose.length, name).toBeGreaterThan(0);
      for (const p of prose) {
        expect(count(text, p), `${name}: "${p}"`).toBe(1);
        expect(text, `${name}: "${p}" left its doc comment`).toContain(` * ${p}`);
      }
      // Japanese first: the first prose line of each stub's doc comments has Japanese in it.
      expect(docLines(text).prose[0], name).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      // The stub's doc comments hold no formula line any more.
      expect(docLines(text).formulas, name).toEqual([]);
    }
  });

  it('replaces each block with a throw naming step and function', () => {
    const src = ['export function f(x: number): number {', '  // BEGIN SOLUTION', '  return x;', '  // END SOLUTION', '}'].join('\n');
    const out = makeStub(src, '09_demo.ts');
    expect(out).toContain("throw new Error('09_demo: f() は未実装 / not implemented');");
    expect(out).not.toContain('return x;');
  });

  it('moves formulas to the first TODO of their function only, and drops a comment left empty', () => {
    const src = [
      '/**', ' * 恒等写像 / identity', ' *   y = x', ' */',
      'export function f(x: number): number {', '  // BEGIN SOLUTION', '  const y = x;', '  // END SOLUTION',
      '  // BEGIN SOLUTION', '  return y;', '  // END SOLUTION', '}',
      '/**', ' *   z = 2 x', ' */',
      'export function g(x: number): number {', '  // BEGIN SOLUTION', '  return 2 * x;', '  // END SOLUTION', '}',
      '/**', ' *   w = x (given: no block, the formula stays)', ' */',
      'export function h(x: number): number {', '  return x;', '}',
    ].join('\n');
    const out = makeStub(src, '09_demo.ts');
    expect(count(out, 'y = x')).toBe(1);
    expect(out).toContain(' * 恒等写像 / identity');
    expect(out).toContain(`  // ${TODO_FORMULAS}\n  //   y = x\n  throw`);
    expect(count(out, "throw new Error('09_demo: f() は未実装 / not implemented');")).toBe(2);
    expect(out).toContain('  // TODO: 実装してください / implement this\n');
    // g's comment was only a formula: no empty /** */ is left above g.
    expect(out).toMatch(/\}\nexport function g/);
    expect(out).toContain('  //   z = 2 x');
    expect(out).toContain(' *   w = x (given: no block, the formula stays)');
  });

  it('rejects unbalanced markers with the line number', () => {
    expect(() => makeStub('// BEGIN SOLUTION\nx', 'a.ts')).toThrow(/never closed/);
    expect(() => makeStub('x\n// END SOLUTION', 'a.ts')).toThrow(/a\.ts:2: .*without/);
    expect(() => makeStub('// BEGIN SOLUTION\n// BEGIN SOLUTION', 'a.ts')).toThrow(/inside another block/);
  });

  it('type-checks against lib/ (a canary file proves the checker ran)', async () => {
    const sources = stubsFrom(join(root, 'solutions'));
    sources.set('zz_canary.ts', "export const x: number = 'not a number';\n");
    const warnings = await typecheck(sources);
    expect(warnings.map(w => w.file)).toEqual(['zz_canary.ts']);
  }, 60_000);
});
