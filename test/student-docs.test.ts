// The student README (README.md of the release): a quickstart that names only what students
// have, keeps the errata, and a cheat sheet that cannot drift from lib/ or the fault catalogue.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COURSE } from '../grader/course.ts';
import { FAULTS } from '../course/faults.ts';
import { STUDENT_README } from '../tools/release.ts';
import { grade } from '../grader/engine.ts';
import { readFolder } from '../grader/intake.ts';
import { renderTerminal } from '../grader/report/terminal.ts';
import { chooseOracle, FIXTURE_PATH } from '../grader/setup.ts';
import { applyPatches } from '../grader/faults/variants.ts';
import { reference, removeSubmissions, submission } from './helpers/submission.ts';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, STUDENT_README), 'utf8');
const CHEAT = '## API 早見表 / API cheat sheet';
const [guide, cheat = ''] = readme.split(CHEAT);
const lib = (f: string) => readFileSync(join(root, 'lib', f), 'utf8');
afterAll(removeSubmissions);

describe('student README', () => {
  it('is a short quickstart plus a one-screen cheat sheet', () => {
    expect(readme).toContain(CHEAT);
    expect(guide.split('\n').length, 'quickstart lines').toBeLessThanOrEqual(125);
    expect(cheat.split('\n').length, 'cheat sheet lines').toBeLessThanOrEqual(45);
  });

  it('names nothing the student release leaves out', () => {
    for (const bad of [/solutions\//, /SOLUTION=1/, /--solution/, /tools\//, /docs\//, /make (release|batch|fixtures|stubs|bench)\b/, /\bSPEC\b/, /\bissues?\b/i]) {
      expect(readme, `mentions ${bad}`).not.toMatch(bad);
    }
  });

  it('gives every step file, the commands and their npm twins', () => {
    for (const f of COURSE.files) expect(readme).toContain(f);
    for (const cmd of ['make grade', 'make grade STEP=', 'make watch', 'make train', 'npm run grade', 'npm run watch', 'npm run train', '--verbose', 'GRADE_LANG', '--lang']) {
      expect(readme).toContain(cmd);
    }
  });

  it('keeps the errata, each row in Japanese and in English', () => {
    expect(readme).toMatch(/^## 講義との違い.*Errata/m);
    const section = readme.slice(readme.indexOf('## 講義との違い'), readme.indexOf('\n## ', readme.indexOf('## 講義との違い') + 1));
    const rows = section.split('\n').filter(l => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| 講義の記述'));
    expect(rows.map(r => r.split(' | ')[0])).toEqual([
      '| 順伝播 / forward: `z = f(W0ᵀx)`, `x̃ = g(W1ᵀz)`', '| `∂E/∂W1 = δ2 x̃ᵀ`', '| `E = ‖x − x̃‖²` で / with `δ2 = x̃ − x`',
      '| 2 値画像 / binary images: softmax + クロスエントロピー / cross entropy', '| `x† = x + νx`', '| adam の / Adam `t` = エポック番号 + 1 / epoch + 1',
    ]);
    // The reason column: Japanese, then English after " / ".
    for (const r of rows) expect(r.split(' | ')[2], r).toMatch(/[\u3040-\u30ff\u4e00-\u9fff].* \/ [a-z]/);
    expect(section).toContain('| `∂E/∂W1 = δ2 x̃ᵀ` | `δ2 Zbᵀ` | 誤植 / typo');
  });

  it('shows a report that grading that mistake really prints (lines left out say so)', async () => {
    const fault = FAULTS.find(f => f.id === 'adam-t-from-zero')!;
    const excerpt = /```text\n([\s\S]*?)```/.exec(guide)![1].split('\n').filter(l => l.trim() && !/^\s*\(.*(省略|left out).*\)$/.test(l));
    const dir = submission({ [`${fault.module}.ts`]: applyPatches(reference(`${fault.module}.ts`), fault) });
    const report = await grade(readFolder(dir), { oracle: await chooseOracle({ fixture: FIXTURE_PATH }), steps: ['04'] });
    const printed = renderTerminal(report, { lang: 'ja', color: false }).split('\n');
    expect(excerpt.length).toBeGreaterThan(10);
    for (const line of excerpt) expect(printed, line).toContain(line);
  }, 60_000);

  it('shows a known mistake exactly as the catalogue words it', () => {
    // "上と同じ" (as above) is how the report repeats a mistake already named in the step.
    const ids = [...readme.matchAll(/よくある間違い: (.+) \[([\w-]+)\]/g)].filter(m => m[1] !== '上と同じ');
    expect(ids.length).toBeGreaterThan(0);
    for (const [, title, id] of ids) {
      const fault = FAULTS.find(f => f.id === id);
      expect(fault, id).toBeDefined();
      expect(title).toBe(fault!.title.ja);
      expect(readme).toContain(`ヒント: ${fault!.hint.ja}`);
    }
  });
});

describe('API cheat sheet', () => {
  it('lists every public Matrix method, static and export of lib/matrix.ts', () => {
    const src = lib('matrix.ts');
    const methods = [...src.matchAll(/^ {2}(?:static )?(?:get )?(\w+)\(/gm)].map(m => m[1]).filter(n => !['constructor', 'toString'].includes(n));
    const privates = [...src.matchAll(/^ {2}private (\w+)\(/gm)].map(m => m[1]);
    const exported = [...src.matchAll(/^export function (\w+)/gm)].map(m => m[1]);
    expect(methods.length).toBeGreaterThan(10);
    for (const name of [...methods.filter(n => !privates.includes(n)), ...exported]) {
      expect(cheat, name).toMatch(new RegExp(`[.\\s]${name}\\b`));
    }
    // Operand forms and map's order, the two things students ask most.
    expect(cheat).toMatch(/add\(b\).*sub\(b\).*mul\(b\).*div\(b\)/);
    expect(cheat).toMatch(/number/);
    expect(cheat).toMatch(/map\(\(v, i, j\)/);
    expect(cheat).toMatch(/map\(\(v, i, j\)[^\n]*data の順[^\n]*\n[^\n]*row by row/);
  });

  it('gives the field names of every type of lib/model.ts', () => {
    const src = lib('model.ts');
    const types = [...src.matchAll(/^export interface (\w+)(?: extends \w+)? \{([^}]*)\}/gm)];
    expect(types.length).toBeGreaterThanOrEqual(6);
    for (const [, name, body] of types) {
      const line = cheat.split('\n').find(l => l.startsWith(name));
      expect(line, name).toBeDefined();
      for (const field of body.split(';').map(f => f.trim().split(':')[0].trim()).filter(Boolean)) {
        expect(line, `${name}.${field}`).toMatch(new RegExp(`\\b${field}\\b`));
      }
    }
    const adam = /LECTURE_ADAM[^{]*\{([^}]*)\}/.exec(src)![1].replace(/\s+/g, ' ').trim();
    expect(cheat).toContain(`LECTURE_ADAM = { ${adam} }`);
  });

  it('names Rng.uniform/normal, the shapes, and what … +N and --verbose mean', () => {
    for (const s of ['rng.uniform()', 'rng.normal()', 'W0 q×(d+1)', 'W1 d×(q+1)', 'X d×n', '… +N', '--verbose']) expect(cheat).toContain(s);
  });
});
