// grader/faults/variants.ts — builds a fault's module: the reference file with its patches,
// compiled by esbuild and imported in the judge (trusted code: ours, not the student's).
// Imports of ../lib and of earlier steps point at the very files the judge itself loaded, so
// a variant's Matrix is the judge's Matrix.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTempDir } from '../tmp.ts';
import type { Fault } from '../types.ts';
import { formCount, formPatches } from './forms.ts';
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
const built = new Map<string, Promise<Map<string, string>>>();

/**
 * Compiles every form of `faults` (one module's) in a single esbuild call and writes each to
 * its own file: a failing check asks most of its module's forms, and one build of all of them
 * costs about as much as two builds of one. Returns variant key → file.
 */
function buildAll(root: string, module: Fault['module'], faults: readonly Fault[]): Promise<Map<string, string>> {
  const reference = readFileSync(join(root, 'solutions', `${module}.ts`), 'utf8');
  const sources = new Map<string, string>();
  for (const f of faults) {
    for (let k = 0; k < formCount(f); k++) {
      const key = variantKey(f.id, k);
      sources.set(key, applyPatches(reference, { id: key, module, patches: formPatches(f, k) }));
    }
  }
  return (async () => {
    outDir ??= makeTempDir('lec4-variants-'); // removed when the process ends (grader/tmp.ts)
    const result = await build({
      entryPoints: [...sources.keys()].map(key => ({ in: `variant:${key}`, out: key })),
      bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent', outdir: outDir, outExtension: { '.js': '.mjs' },
      plugins: [{
        name: 'to-judge-modules',
        setup(b) {
          b.onResolve({ filter: /^variant:/ }, args => ({ path: args.path.slice('variant:'.length), namespace: 'variant' }));
          b.onLoad({ filter: /.*/, namespace: 'variant' }, args => ({
            contents: sources.get(args.path), loader: 'ts', resolveDir: join(root, 'solutions'),
          }));
          b.onResolve({ filter: /^\.\.?\// }, args => ({
            path: pathToFileURL(join(args.resolveDir, args.path)).href, external: true,
          }));
        },
      }],
    });
    const files = new Map<string, string>();
    for (const out of result.outputFiles) {
      writeFileSync(out.path, out.text);
      files.set(basename(out.path, '.mjs'), out.path);
    }
    return files;
  })();
}

/**
 * Form `form` of a fault (0: its `patches`), compiled and imported once. With `catalogue` (the
 * course's faults), every form of the fault's module is built in the same esbuild call; any other
 * fault (a pair of faults, a test's patch) is built on its own.
 */
export function loadVariant(root: string, fault: Fault, form = 0, catalogue?: readonly Fault[]): Promise<Record<string, unknown>> {
  const key = variantKey(fault.id, form);
  let m = loaded.get(key);
  if (!m) {
    const batch = !!catalogue?.includes(fault);
    const group = batch ? `${root}\0${fault.module}` : `${root}\0${key}`;
    let files = built.get(group);
    if (!files) {
      files = buildAll(root, fault.module, batch ? catalogue!.filter(f => f.module === fault.module) : [fault]);
      built.set(group, files);
    }
    m = files.then(fs => import(pathToFileURL(fs.get(key)!).href) as Promise<Record<string, unknown>>);
    loaded.set(key, m);
  }
  return m;
}
