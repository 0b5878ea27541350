// grader/typecheck.ts — TypeScript's findings on a submission, shown as warnings only.
// Grading is by behaviour (esbuild strips types), so a type error never costs points; but it
// often explains a wrong result, so the report lists it. tsc runs in its own process, beside
// the sandbox, and never executes the student's code; it is killed if it takes too long
// (pathological types can make the checker slow).
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { COURSE } from './course.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface TypeWarning { file: string; line: number; column: number; code: string; message: string }

const TIMEOUT_MS = 30_000;
const MAX_WARNINGS = 20;

export function parseTscOutput(text: string): TypeWarning[] {
  const out: TypeWarning[] = [];
  for (const line of text.split('\n')) {
    const m = /assignments\/([\w.-]+\.ts)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line.trim());
    if (m) out.push({ file: m[1], line: Number(m[2]), column: Number(m[3]), code: m[4], message: m[5] });
  }
  return out.slice(0, MAX_WARNINGS);
}

/** Type-check the student's files against lib/; resolves with the findings in their files. */
export async function typecheck(sources: Map<string, string>): Promise<TypeWarning[]> {
  // Inside the repo so that lib's own imports (pure-rand) resolve through node_modules.
  mkdirSync(join(root, '.grader-cache'), { recursive: true });
  const dir = mkdtempSync(join(root, '.grader-cache', 'tc-'));
  try {
    cpSync(join(COURSE.root, 'lib'), join(dir, 'lib'), { recursive: true });
    mkdirSync(join(dir, 'assignments'));
    for (const [f, text] of sources) writeFileSync(join(dir, 'assignments', f), text);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, noEmit: true,
        skipLibCheck: true, allowImportingTsExtensions: true, types: [],
        typeRoots: [join(root, 'node_modules', '@types')],
      },
      include: ['assignments/*.ts'],
    }));
    const tsc = createRequire(import.meta.url).resolve('typescript/lib/tsc.js');
    const text = await new Promise<string>(resolve => {
      const p = spawn(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let buf = '';
      p.stdout.on('data', (c: Buffer) => { if (buf.length < 1e6) buf += c.toString('utf8'); });
      const timer = setTimeout(() => p.kill('SIGKILL'), TIMEOUT_MS);
      p.on('close', () => { clearTimeout(timer); resolve(buf); });
      p.on('error', () => { clearTimeout(timer); resolve(''); });
    });
    return parseTscOutput(text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
