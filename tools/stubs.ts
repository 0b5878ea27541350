// tools/stubs.ts — turns a reference solution into the student's stub (nbgrader style).
// Every `// BEGIN SOLUTION` … `// END SOLUTION` block becomes a TODO and a `throw` that names
// the step and the function, so an untouched stub fails loudly and the grader can say which
// function is still missing. The formula stays in the doc comment above each function.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NOT_IMPLEMENTED } from '../grader/types.ts';

export const SOLUTION_BEGIN = '// BEGIN SOLUTION';
export const SOLUTION_END = '// END SOLUTION';
export { NOT_IMPLEMENTED };

export const STUB_HEADER = [
  '// ────────────────────────────────────────────────────────────────────────────',
  '// このファイルは solutions/ から自動生成されました (tools/make-stubs.ts)。',
  '// TODO の部分を実装してください。関数名・引数・戻り値の形は変えないこと。',
  '// Generated from solutions/ by tools/make-stubs.ts. Fill in the TODOs; keep the',
  '// function names, parameters and return shapes.',
  '// ────────────────────────────────────────────────────────────────────────────',
];

/** The stub for one solution file; throws when the markers are unbalanced. */
export function makeStub(source: string, fileName: string): string {
  const step = fileName.replace(/\.ts$/, '');
  const lines = source.split('\n');
  const out: string[] = [...STUB_HEADER];
  let inBlock = false;
  let currentFn = '?';
  let doc: string[] = [];     // the latest /** … */ comment
  let docLines: string[] = [];
  lines.forEach((line, i) => {
    const fn = /^\s*export function (\w+)/.exec(line);
    if (fn) { currentFn = fn[1]; docLines = doc; doc = []; }
    const trimmed = line.trim();
    if (trimmed.startsWith('/**')) doc = [];
    else if (trimmed.startsWith('*') && !trimmed.startsWith('*/')) doc.push(trimmed.replace(/^\*\s?/, ''));
    if (trimmed === SOLUTION_BEGIN) {
      if (inBlock) throw new Error(`${fileName}:${i + 1}: ${SOLUTION_BEGIN} inside another block`);
      inBlock = true;
      const indent = line.slice(0, line.indexOf('//'));
      out.push(`${indent}// TODO: 次の式を実装してください / implement:`);
      // The formulas of the doc comment, repeated where the code goes.
      for (const f of docLines.filter(isFormula)) out.push(`${indent}//   ${f.trim()}`);
      out.push(`${indent}throw new Error('${step}: ${currentFn}() は${NOT_IMPLEMENTED}');`);
      return;
    }
    if (trimmed === SOLUTION_END) {
      if (!inBlock) throw new Error(`${fileName}:${i + 1}: ${SOLUTION_END} without ${SOLUTION_BEGIN}`);
      inBlock = false;
      return;
    }
    if (!inBlock) out.push(line);
  });
  if (inBlock) throw new Error(`${fileName}: ${SOLUTION_BEGIN} is never closed`);
  return out.join('\n');
}

/** A doc-comment line that states a formula (an assignment or an update). */
const isFormula = (line: string): boolean => /[=←]/.test(line) && !/^(Must|Return|Draw)/.test(line.trim());

/** Lines that sit inside solution blocks (the release test greps the zip for them). */
export function solutionLines(source: string): string[] {
  const found: string[] = [];
  let inBlock = false;
  for (const line of source.split('\n')) {
    const t = line.trim();
    if (t === SOLUTION_BEGIN) inBlock = true;
    else if (t === SOLUTION_END) inBlock = false;
    else if (inBlock && t !== '' && !t.startsWith('//')) found.push(t);
  }
  return found;
}

/** Every stub, keyed by file name, generated from a solutions folder. */
export function stubsFrom(solutionsDir: string): Map<string, string> {
  const names = readdirSync(solutionsDir).filter(f => f.endsWith('.ts')).sort();
  return new Map(names.map(f => [f, makeStub(readFileSync(join(solutionsDir, f), 'utf8'), f)]));
}
