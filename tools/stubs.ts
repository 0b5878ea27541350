// tools/stubs.ts — turns a reference solution into the student's stub (nbgrader style).
// Every `// BEGIN SOLUTION` … `// END SOLUTION` block becomes a TODO and a `throw` that names
// the step and the function, so an untouched stub fails loudly and the grader can say which
// function is still missing.
//
// The doc comment above a function is read in two parts. Prose lines (one space after the `*`)
// stay in the stub's doc comment, where an editor shows them on hover. Formula lines (indented
// further, like a displayed equation) move into the TODO, where the code goes, so the student
// reads each formula once. The stub gets no banner: it must not name files the student does
// not have (solutions/, tools/).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NOT_IMPLEMENTED } from '../grader/types.ts';

export const SOLUTION_BEGIN = '// BEGIN SOLUTION';
export const SOLUTION_END = '// END SOLUTION';
export { NOT_IMPLEMENTED };
/** The first line of every TODO (the tests look for it). */
export const TODO_FORMULAS = 'TODO: 次の式を実装してください / implement:';
const TODO_PLAIN = 'TODO: 実装してください / implement this';

/** A doc-comment line that states a formula: two or more spaces between the `*` and the text. */
export const isFormulaLine = (line: string): boolean => /^\s*\* {2,}\S/.test(line);

const FUNCTION = /^\s*export\s+(?:async\s+)?function\s+([\w$]+)/;

interface DocComment { start: number; end: number }      // line indices of `/**` and `*/`

/** The stub for one solution file; throws when the markers are unbalanced. */
export function makeStub(source: string, fileName: string): string {
  const step = fileName.replace(/\.ts$/, '');
  const lines = source.split('\n');

  // Pass 1: blocks (with their function), functions and the doc comment right above each.
  const blockStarts: number[] = [];
  const fnAt = new Map<number, string>();                  // line index → function name
  const docOf = new Map<string, DocComment>();
  let open = -1;
  let doc: DocComment | undefined;
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t === SOLUTION_BEGIN) {
      if (open >= 0) throw new Error(`${fileName}:${i + 1}: ${SOLUTION_BEGIN} inside another block`);
      open = i;
      blockStarts.push(i);
    } else if (t === SOLUTION_END) {
      if (open < 0) throw new Error(`${fileName}:${i + 1}: ${SOLUTION_END} without ${SOLUTION_BEGIN}`);
      open = -1;
    }
    if (open >= 0) return;                                  // nothing inside a block is read
    if (t.startsWith('/**')) {
      const end = lines.findIndex((l, j) => j >= i && l.includes('*/'));
      doc = { start: i, end: end < 0 ? i : end };
    }
    const fn = FUNCTION.exec(line);
    if (fn) {
      fnAt.set(i, fn[1]);
      if (doc && doc.end === i - 1) docOf.set(fn[1], doc);
    }
  });
  if (open >= 0) throw new Error(`${fileName}: ${SOLUTION_BEGIN} is never closed`);

  const ownerOf = (i: number): string => {
    let name = '?';
    for (const [at, fn] of fnAt) if (at < i) name = fn;
    return name;
  };
  // Formulas of the functions the student writes: they leave the doc comment for the TODO.
  const formulas = new Map<string, string[]>();
  const dropped = new Set<number>();
  for (const fn of new Set(blockStarts.map(ownerOf))) {
    const d = docOf.get(fn);
    if (!d) continue;
    const inner = range(d.start + 1, d.end);
    const math = inner.filter(j => isFormulaLine(lines[j]));
    formulas.set(fn, dedent(math.map(j => lines[j].replace(/^\s*\*/, ''))));
    for (const j of math) dropped.add(j);
    // Nothing but formulas: the whole comment goes, not an empty /** */.
    if (math.length === inner.length) for (const j of range(d.start, d.end + 1)) dropped.add(j);
  }

  // Pass 2: write the stub.
  const out: string[] = [];
  const told = new Set<string>();                           // a function's formulas go to its first TODO only
  let inBlock = false;
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t === SOLUTION_BEGIN) {
      inBlock = true;
      const indent = line.slice(0, line.indexOf('//'));
      const fn = ownerOf(i);
      const math = told.has(fn) ? [] : formulas.get(fn) ?? [];
      told.add(fn);
      out.push(`${indent}// ${math.length > 0 ? TODO_FORMULAS : TODO_PLAIN}`);
      for (const f of math) out.push(`${indent}//   ${f}`);
      out.push(`${indent}throw new Error('${step}: ${fn}() は${NOT_IMPLEMENTED}');`);
    } else if (t === SOLUTION_END) {
      inBlock = false;
    } else if (!inBlock && !dropped.has(i)) {
      out.push(line);
    }
  });
  return out.join('\n');
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);

/** Remove the indentation the lines share, keep what is relative (aligned columns stay aligned). */
function dedent(lines: string[]): string[] {
  const indent = Math.min(...lines.map(l => l.length - l.trimStart().length));
  return lines.map(l => l.slice(indent).trimEnd());
}

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
