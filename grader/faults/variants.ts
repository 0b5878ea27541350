// grader/faults/variants.ts — builds a fault's module: the reference file with its patches,
// compiled by esbuild and imported in the judge (trusted code: ours, not the student's).
// Imports of ../lib and of earlier steps point at the very files the judge itself loaded, so
// a variant's Matrix is the judge's Matrix.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** A module to build: the reference `module` with `patches`, known by `key` (a variantKey or a pair). */
export interface VariantSource { key: string; module: Fault['module']; patches: Fault['patches'] }

let outDir: string | undefined;
let bundles = 0;
/** root + key → the built module (a rejected promise when its patches do not apply). */
const loaded = new Map<string, Promise<Record<string, unknown>>>();
const slot = (root: string, key: string) => `${root}\0${key}`;

/**
 * Builds whichever of `list` are not built yet, in one esbuild call into ONE bundle imported
 * once: each variant is a namespace of that bundle. A failing check asks for most forms of its
 * module, and a step nothing explains
 * for hundreds of pairs; one build and one import each cost about 10 ms, so pairs built one by one
 * took seconds. A variant whose patches do not apply (two forms that patch the same line) gets
 * its error instead; should the bundle fail to build, each variant is built on its own so one
 * bad variant costs only itself.
 */
export function prepareVariants(root: string, list: readonly VariantSource[]): void {
  const sources = new Map<string, string>();
  const references = new Map<string, string>();
  const reference = (module: string) => {
    let text = references.get(module);
    if (text === undefined) references.set(module, text = readFileSync(join(root, 'solutions', `${module}.ts`), 'utf8'));
    return text;
  };
  for (const v of list) {
    if (loaded.has(slot(root, v.key)) || sources.has(v.key)) continue;
    try {
      sources.set(v.key, applyPatches(reference(v.module), { id: v.key, module: v.module, patches: v.patches }));
    } catch (err) {
      settle(root, v.key, Promise.reject(err as Error));
    }
  }
  if (sources.size === 0) return;
  const keys = [...sources.keys()];
  const bundle = bundleOf(root, sources).catch(() => undefined);
  for (const key of keys) {
    settle(root, key, bundle.then(all => all?.[key] ?? bundleOf(root, new Map([[key, sources.get(key)!]])).then(one => one[key])));
  }
}

/** Stores a variant's module; a rejection is observed later, by whoever asks for it. */
function settle(root: string, key: string, m: Promise<Record<string, unknown>>): void {
  m.catch(() => { /* reported to the caller of loadVariant */ });
  loaded.set(slot(root, key), m);
}

async function bundleOf(root: string, sources: ReadonlyMap<string, string>): Promise<Record<string, Record<string, unknown>>> {
  outDir ??= makeTempDir('lec4-variants-'); // removed when the process ends (grader/tmp.ts)
  const keys = [...sources.keys()];
  const index = keys.map((k, i) => `import * as v${i} from ${JSON.stringify(`variant:${k}`)};`).join('\n')
    + `\nexport default { ${keys.map((k, i) => `${JSON.stringify(k)}: v${i}`).join(', ')} };\n`;
  const outfile = join(outDir, `variants-${++bundles}.mjs`);
  const result = await build({
    stdin: { contents: index, loader: 'js', resolveDir: join(root, 'solutions'), sourcefile: 'variants.js' },
    bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent', outfile,
    plugins: [{
      name: 'to-judge-modules',
      setup(b) {
        b.onResolve({ filter: /^variant:/ }, args => ({ path: args.path.slice('variant:'.length), namespace: 'variant' }));
        b.onLoad({ filter: /.*/, namespace: 'variant' }, args => ({
          contents: sources.get(args.path), loader: 'ts', resolveDir: join(root, 'solutions'),
        }));
        // ../lib and earlier steps: the very files the judge loaded (one Matrix class).
        b.onResolve({ filter: /^\.\.?\// }, args => ({
          path: pathToFileURL(join(args.resolveDir, args.path)).href, external: true,
        }));
      },
    }],
  });
  writeFileSync(outfile, result.outputFiles[0].text);
  return ((await import(pathToFileURL(outfile).href)) as { default: Record<string, Record<string, unknown>> }).default;
}

/** Any variant (a pair of faults, say), built with whatever prepareVariants batched, else alone. */
export function variantModule(root: string, source: VariantSource): Promise<Record<string, unknown>> {
  prepareVariants(root, [source]);
  return loaded.get(slot(root, source.key))!;
}

/**
 * Form `form` of a fault (0: its `patches`), compiled and imported once. With `catalogue` (the
 * course's faults), every form of the fault's module is built in the same bundle; any other
 * fault (a pair of faults, a test's patch) is built on its own unless prepareVariants had it.
 */
export function loadVariant(root: string, fault: Fault, form = 0, catalogue?: readonly Fault[]): Promise<Record<string, unknown>> {
  const key = variantKey(fault.id, form);
  if (!loaded.has(slot(root, key))) {
    const group = catalogue?.includes(fault) ? catalogue.filter(f => f.module === fault.module) : [fault];
    prepareVariants(root, group.flatMap(f => Array.from({ length: formCount(f) }, (_, k) => ({ key: variantKey(f.id, k), module: f.module, patches: formPatches(f, k) }))));
  }
  return loaded.get(slot(root, key))!;
}
