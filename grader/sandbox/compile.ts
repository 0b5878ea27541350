// grader/sandbox/compile.ts — turns TypeScript into the JavaScript that the sandbox child runs.
// Compiled in the judge with esbuild (the child gets no TS loader): one file at a time, so a
// syntax error costs that file only. Imports are a whitelist: `../lib/<given module>` and the
// student's own step files, as static imports. Everything else (node:fs, npm packages,
// ../solutions, a literal import() or require()) is refused at compile time with a message,
// before any student code runs. An import() of a computed name cannot be checked here: esbuild
// turns it into a require() call, which the child's runner refuses at run time, so built-in
// modules and data:/file: URLs are never loaded by student code.
import { build, type Plugin } from 'esbuild';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COURSE } from '../course.ts';
import { makeTempDir } from '../tmp.ts';
import type { SourceLocation } from './protocol.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The given modules a submission may import (the course manifest's `lib`). */
export const ALLOWED_LIB: readonly string[] = COURSE.manifest.lib;

export interface CompileError { file: string; message: string; location?: SourceLocation; lineText?: string }

let runtimeDir: Promise<string> | undefined;

/** Runner + lib, built once per process into a temporary folder that sandboxes copy from. */
export function runtime(): Promise<string> {
  runtimeDir ??= (async () => {
    const dir = makeTempDir('lec4-runtime-');
    const entryPoints: Record<string, string> = { runner: join(root, 'grader/sandbox/runner.ts') };
    for (const m of ALLOWED_LIB) entryPoints[`lib/${m}`] = join(COURSE.root, `lib/${m}.ts`);
    // The program step's module (training) shares lib's chunks: one Matrix class in the child.
    if (COURSE.manifest.program) entryPoints.program = join(COURSE.root, COURSE.manifest.program);
    await build({
      entryPoints, outdir: dir, bundle: true, splitting: true, format: 'esm', platform: 'node',
      target: 'node20', outExtension: { '.js': '.mjs' }, sourcemap: false, logLevel: 'silent',
      chunkNames: 'lib/chunk-[hash]',
    });
    return dir;
  })();
  return runtimeDir;
}

function policy(file: string): Plugin {
  const own = new Set<string>(COURSE.modules);
  return {
    name: 'lec4-import-policy',
    setup(b) {
      b.onResolve({ filter: /.*/ }, args => {
        if (args.kind === 'entry-point') return undefined;
        const spec = args.path;
        if (args.kind !== 'import-statement') {
          const what = args.kind === 'dynamic-import' ? `import("${spec}")` : `require("${spec}")`;
          return {
            errors: [{
              text: `${what} は使えません。ファイルの先頭で import 文を使ってください / `
                + `${what} is not allowed: use an import statement at the top of the file`,
            }],
          };
        }
        const lib = /^\.\.\/lib\/(\w+)(?:\.ts|\.js|\.mjs)?$/.exec(spec);
        if (lib && ALLOWED_LIB.includes(lib[1])) {
          return { path: `../lib/${lib[1]}.mjs`, external: true };
        }
        const mine = /^\.\/([\w-]+?)(?:\.ts|\.js|\.mjs)?$/.exec(spec);
        if (mine && own.has(mine[1]) && `${mine[1]}.ts` !== file) {
          return { path: `./${mine[1]}.mjs`, external: true };
        }
        return {
          errors: [{
            text: `import "${spec}" は使えません。使えるのは ../lib/{${ALLOWED_LIB.join(',')}}.ts と自分の課題ファイルだけです / `
              + `import "${spec}" is not allowed: only ../lib/{${ALLOWED_LIB.join(',')}}.ts and your own assignment files`,
          }],
        };
      });
    },
  };
}

/** Compile one student file to ESM with an inline source map (so errors point at the .ts line). */
export async function compileFile(file: string, source: string): Promise<{ code: string } | { error: CompileError }> {
  try {
    const result = await build({
      stdin: { contents: source, sourcefile: `assignments/${file}`, loader: 'ts', resolveDir: COURSE.root },
      bundle: true, write: false, format: 'esm', platform: 'neutral', target: 'node20',
      // Every import() becomes a call to require(), which the runner defines to refuse: a
      // computed name (import(['node', 'fs'].join(':'))) is known only at run time.
      supported: { 'dynamic-import': false },
      sourcemap: 'inline', logLevel: 'silent', plugins: [policy(file)],
    });
    return { code: result.outputFiles[0].text };
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { line: number; column: number; lineText: string } | null }[] })
      .errors?.[0];
    if (!first) return { error: { file, message: String(err) } };
    return {
      error: {
        file,
        message: first.text,
        location: first.location ? { file, line: first.location.line, column: first.location.column + 1 } : undefined,
        lineText: first.location?.lineText,
      },
    };
  }
}

export interface Prepared { dir: string; compileErrors: Map<string, CompileError> }

/**
 * A fresh sandbox folder: runtime files copied in (copies, not links: the permission model
 * follows symlinks), then every student file that compiles. Files that do not compile are
 * left out; calling into them fails with the compile error instead.
 */
export async function prepareSandbox(sources: Map<string, string>): Promise<Prepared> {
  const rt = await runtime();
  // grade() removes it when done; an interrupted process removes it on its way out.
  const dir = makeTempDir('lec4-sandbox-');
  cpSync(rt, dir, { recursive: true, dereference: true });
  mkdirSync(join(dir, 'assignments'));
  const compileErrors = new Map<string, CompileError>();
  await Promise.all([...sources].map(async ([file, source]) => {
    const r = await compileFile(file, source);
    if ('error' in r) compileErrors.set(file, r.error);
    else writeFileSync(join(dir, 'assignments', file.replace(/\.ts$/, '.mjs')), r.code);
  }));
  return { dir, compileErrors };
}

