// An error thrown by student code is explained: which function, which line of the
// student's .ts file (the child runs the compiled JavaScript with --enable-source-maps, and
// the runner reads the first stack frame in a student file), and the shapes of the arguments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade, type GradeReport } from '../grader/engine.ts';
import { readFolder } from '../grader/intake.ts';
import type { Oracle } from '../grader/oracle.ts';
import { liveOracle } from '../grader/setup.ts';
import type { StepId, Verdict } from '../grader/types.ts';
import { lineOf, reference, removeSubmissions, ROOT, submission } from './helpers/submission.ts';

let oracle: Oracle;
beforeAll(async () => { oracle = await liveOracle(ROOT); });
afterAll(removeSubmissions);

const gradeFiles = (files: Record<string, string>, step: StepId): Promise<GradeReport> =>
  grade(readFolder(submission(files)), { oracle, steps: [step] });
const verdict = (r: GradeReport, id: string): Verdict => r.verdicts.find(v => v.id === id)!;

/** The reference backward with its body lines replaced; extra lines above shift every line. */
function backwardWith(replace: Record<string, string>, padding = 0): string {
  let src = reference('02_backward.ts');
  for (const [from, to] of Object.entries(replace)) {
    expect(src).toContain(from);
    src = src.replace(from, to);
  }
  // Type-only lines and comments vanish from the compiled JavaScript: only a source map
  // can bring the line number back.
  const pad = Array.from({ length: padding }, (_, i) => `type Pad${i} = { a: number };\n// padding ${i}\n`).join('');
  return src.replace('export function backward', `${pad}export function backward`);
}

describe('a thrown error names function, file, line and argument shapes', () => {
  it('W1ᵀ δ2 without dropping the bias column: the shape error, its line, the shapes, and the known mistake', async () => {
    // Split over lines on purpose: the line is the one of `.mul(fprime)`, where it throws.
    const src = backwardWith({
      'const delta1 = dropBiasColumn(W1).transpose().matmul(delta2).mul(fprime); // δ1 = W̃1ᵀ δ2 ⊙ ∇f':
        'const delta1 = W1.transpose()\n    .matmul(delta2)\n    .mul(fprime);',
    }, 3);
    const line = lineOf(src, '.mul(fprime);');
    const r = await gradeFiles({ '02_backward.ts': src }, '02');
    const v = verdict(r, '02.delta');
    expect(v.status).toBe('error');
    const [first] = v.messages;
    // d = 7, q = 3, n = 5: W1ᵀ δ2 is (4×5), f'(A1) is (3×5).
    expect(first.en).toContain(`[d=7, q=3, n=5, output=identity] backward() threw (02_backward.ts line ${line}): Error: mul: shapes differ, (4×5) and (3×5)`);
    expect(first.en).toContain('argument shapes: params.W0 (3×8), params.W1 (7×4), fwd.Xb (8×5), fwd.A1 (3×5), fwd.Z (3×5), fwd.Zb (4×5)');
    expect(first.en).toContain('X (7×5)');
    expect(first.ja).toContain(`backward() がエラーを投げました (02_backward.ts ${line} 行目)`);
    expect(first.ja).toContain('引数の形: params.W0 (3×8)');
    // The same error as the catalogue's variant: the mistake is named too.
    expect(v.fault?.id).toBe('delta1-bias-column-kept');
  });

  it('reading a field that does not exist (fwd.Zbb): the TypeError and its line', async () => {
    const src = backwardWith({ 'const dW1 = delta2.matmul(Zb.transpose()).div(n);': 'const dW1 = delta2.matmul(fwd.Zbb.transpose()).div(n);' }, 5)
      .replace('const { Xb, Z, Zb, Xhat } = fwd;', 'const { Xb, Z, Xhat } = fwd as ForwardResult & { Zbb: Matrix };');
    const line = lineOf(src, 'fwd.Zbb.transpose()');
    const r = await gradeFiles({ '02_backward.ts': src }, '02');
    for (const id of ['02.delta', '02.grads', '02.gradcheck', '02.pure']) {
      const v = verdict(r, id);
      expect(v.status, id).toBe('error');
      expect(v.messages[0].en, id).toMatch(new RegExp(`backward\\(\\) threw \\(02_backward\\.ts line ${line}\\): TypeError: Cannot read properties of undefined \\(reading 'transpose'\\)`));
      expect(v.messages[0].en, id).toMatch(/argument shapes: params\.W0 \(\d+×\d+\)/);
      expect(v.fault, id).toBeUndefined();
    }
  });

  it('an error inside a helper of the student\'s names the helper\'s line; one in an earlier step names that file', async () => {
    // backward calls its own helper, which calls sigmoid from the student's 01_forward.ts,
    // whose sigmoid throws for a < −5 (a student's "guard").
    const forward = reference('01_forward.ts').replace('return 1 / (1 + Math.exp(-a));',
      "if (a < -5) throw new RangeError(`sigmoid: a = ${a} is too small`);\n  return 1 / (1 + Math.exp(-a));");
    const backward = backwardWith({
      "import type { BackwardResult, ForwardResult, Params } from '../lib/model.ts';":
        "import type { BackwardResult, ForwardResult, Params } from '../lib/model.ts';\nimport { sigmoid } from './01_forward.ts';\n\nconst check = (m: Matrix) => m.map(v => sigmoid(v - 100));",
      'const fprime = Z.map(z => z * (1 - z));': 'const fprime = Z.map(z => z * (1 - z));\n  check(Z);',
    });
    const r = await gradeFiles({ '01_forward.ts': forward, '02_backward.ts': backward }, '02');
    const en = verdict(r, '02.delta').messages[0].en;
    expect(en).toContain(`backward() threw (01_forward.ts line ${lineOf(forward, 'throw new RangeError')}): RangeError: sigmoid: a = `);
  });

  it('an error while loading the file: its line', async () => {
    const src = backwardWith({}, 2).replace('export function backward', "const table = (undefined as unknown as number[]).slice();\nexport function backward");
    const r = await gradeFiles({ '02_backward.ts': src }, '02');
    for (const v of r.verdicts) {
      expect(v.messages[0].en, v.id).toContain(`02_backward.ts failed while loading (02_backward.ts line ${lineOf(src, 'const table')}): TypeError: Cannot read properties of undefined (reading 'slice')`);
    }
  });

  it('a syntax error: line and column, and the line itself', async () => {
    const src = reference('03_sgd.ts').replace('const W1 = params.W1.sub(grads.dW1.mul(eta));', 'const W1 = params.W1.sub(grads.dW1.mul(eta);');
    const line = lineOf(src, 'const W1 = params.W1.sub(');
    const column = src.split('\n')[line - 1].indexOf(';') + 1; // 1-based: where ")" was expected
    const r = await gradeFiles({ '03_sgd.ts': src }, '03');
    for (const v of r.verdicts) {
      expect(v.status, v.id).toBe('error');
      expect(v.messages[0].en, v.id).toContain(`03_sgd.ts does not compile (03_sgd.ts line ${line}, column ${column}): Expected ")" but found ";"`);
      expect(v.messages[0].en, v.id).toContain('const W1 = params.W1.sub(grads.dW1.mul(eta);');
      expect(v.messages[0].ja, v.id).toContain(`03_sgd.ts をコンパイルできません (03_sgd.ts ${line} 行目 ${column} 文字目)`);
    }
  });

  it('a missing export and a renamed function say so', async () => {
    const src = reference('03_sgd.ts').replace('export function sgdStep', 'export function sgd_step');
    const r = await gradeFiles({ '03_sgd.ts': src }, '03');
    expect(verdict(r, '03.one').messages[0].en).toContain('03_sgd.ts does not export a function sgdStep (was it renamed?)');
  });
});
