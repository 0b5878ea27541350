// grader/faults/variants.ts — builds a fault's module: the reference file with its patches,
// compiled by esbuild and imported in the judge (trusted code: ours, not the student's).
// Imports of ../lib and of earlier steps point at the very files the judge itself loaded, so
// a variant's Matrix is the judge's Matrix.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formPatches, type Fault } from './catalogue.ts';
import { variantKey } from '../oracle.ts';

/** The reference with a fault's patches (or any id/module/patches: hostile test fixtures use it too). */
export function applyPatches(source: string, fault: Pick<Fault, 'id' | 'module' | 'patches'>): string {
  let out = source;
  for (const p of fault.patches) {
    const count = out.split(p.find).length - 1;
    if (count !== 1) {
      throw new Error(`fault ${fault.id}: patch text must occur exactly once in solutions/${fault.module}.ts, found ${count}×: ${p.find}`);
    }
    out = out.replace(p.find, () => p.replace);
  }
  return out;
}

let outDir: string | undefined;
const loaded = new Map<string, Promise<Record<string, unknown>>>();

/** Form `form` of a fault (0: its `patches`), compiled and imported once. */
export function loadVariant(root: string, fault: Fault, form = 0): Promise<Record<string, unknown>> {
  const key = variantKey(fault.id, form);
  let m = loaded.get(key);
  if (!m) {
    m = (async () => {
      const source = applyPatches(readFileSync(join(root, 'solutions', `${fault.module}.ts`), 'utf8'),
        { id: key, module: fault.module, patches: formPatches(fault, form) });
      const result = await build({
        stdin: { contents: source, sourcefile: `${key}/${fault.module}.ts`, loader: 'ts', resolveDir: join(root, 'solutions') },
        bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent',
        plugins: [{
          name: 'to-judge-modules',
          setup(b) {
            b.onResolve({ filter: /^\.\.?\// }, args => ({
              path: pathToFileURL(join(args.resolveDir, args.path)).href, external: true,
            }));
          },
        }],
      });
      outDir ??= mkdtempSync(join(tmpdir(), 'lec4-variants-'));
      const file = join(outDir, `${key}.mjs`);
      writeFileSync(file, result.outputFiles[0].text);
      return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    })();
    loaded.set(key, m);
  }
  return m;
}
