// grader/typecheck.ts — TypeScript's findings on a submission, shown as warnings only.
// Grading is by behaviour (esbuild strips types), so a type error never costs points; but it
// often explains a wrong result, so the report lists it. tsc runs in its own process, beside
// the sandbox, and never executes the student's code; it is killed if it takes too long
// (pathological types can make the checker slow).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** A folder laid out for tsc: lib/, the student's files, a tsconfig. */
function prepare(dir: string, sources: ReadonlyMap<string, string>): string {
  cpSync(join(COURSE.root, 'lib'), join(dir, 'lib'), { recursive: true });
  mkdirSync(join(dir, 'assignments'), { recursive: true });
  for (const [f, text] of sources) writeFileSync(join(dir, 'assignments', f), text);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, noEmit: true,
      skipLibCheck: true, allowImportingTsExtensions: true, types: [],
      typeRoots: [join(root, 'node_modules', '@types')],
    },
    include: ['assignments/*.ts'],
  }));
  return join(dir, 'tsconfig.json');
}

const tscPath = () => createRequire(import.meta.url).resolve('typescript/lib/tsc.js');

/** Type-check the student's files against lib/; resolves with the findings in their files. */
export async function typecheck(sources: Map<string, string>): Promise<TypeWarning[]> {
  // Inside the repo so that lib's own imports (pure-rand) resolve through node_modules.
  mkdirSync(join(root, '.grader-cache'), { recursive: true });
  const dir = mkdtempSync(join(root, '.grader-cache', 'tc-'));
  try {
    const config = prepare(dir, sources);
    const tsc = tscPath();
    const text = await new Promise<string>(resolve => {
      const p = spawn(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
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

// ── the verdict never waits for tsc ─────────────────────────────────────────────────────────
// `make grade` shows the type warnings of these exact files when an earlier run computed them;
// otherwise tsc runs in a detached process after the report is out, and the next run shows them.

const CACHE = join(root, '.grader-cache', 'typecheck');
/** A background run older than this is taken as dead (tsc has its own 30 s limit). */
const STALE_MS = 120_000;

/** What decides tsc's findings: the files, lib/ and the TypeScript version. */
function cacheKey(sources: ReadonlyMap<string, string>): string {
  const h = createHash('sha256').update(createRequire(import.meta.url)('typescript/package.json').version);
  for (const [f, text] of [...sources].sort(([a], [b]) => (a < b ? -1 : 1))) h.update(f).update('\0').update(text).update('\0');
  for (const f of readdirSync(join(COURSE.root, 'lib'), { recursive: true }).map(String).filter(x => x.endsWith('.ts')).sort()) {
    h.update(f).update(readFileSync(join(COURSE.root, 'lib', f)));
  }
  return h.digest('hex').slice(0, 24);
}

export interface CachedTypecheck { warnings?: TypeWarning[]; pending: boolean }

/**
 * The type warnings of these files if a run already computed them; otherwise start tsc in a
 * detached process (which outlives this one and writes the cache) and say they are pending.
 */
export function typecheckCached(sources: ReadonlyMap<string, string>): CachedTypecheck {
  const key = cacheKey(sources);
  const done = join(CACHE, `${key}.txt`);
  if (existsSync(done)) return { warnings: parseTscOutput(readFileSync(done, 'utf8')), pending: false };
  mkdirSync(CACHE, { recursive: true });
  const lock = join(CACHE, `${key}.running`);
  try {
    writeFileSync(lock, String(Date.now()), { flag: 'wx' });
  } catch {
    // Another run started it; a lock left by a killed run is taken over once it is stale.
    if (Date.now() - statSync(lock).mtimeMs < STALE_MS) return { pending: true };
    writeFileSync(lock, String(Date.now()));
  }
  const dir = mkdtempSync(join(CACHE, 'tc-'));
  const config = prepare(dir, sources);
  // A few lines of plain Node: run tsc, write its output atomically, clean up.
  const job = `const { spawnSync } = require('node:child_process'); const fs = require('node:fs');
const [tsc, config, dir, done, lock] = process.argv.slice(1);
const r = spawnSync(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd: dir, encoding: 'utf8', timeout: ${TIMEOUT_MS}, maxBuffer: 1e7 });
try { if (!r.error && r.signal === null) { fs.writeFileSync(done + '.tmp', r.stdout || ''); fs.renameSync(done + '.tmp', done); } }
finally { fs.rmSync(dir, { recursive: true, force: true }); fs.rmSync(lock, { force: true }); }`;
  const p = spawn(process.execPath, ['-e', job, tscPath(), config, dir, done, lock], { cwd: dir, detached: true, stdio: 'ignore' });
  p.on('error', () => rmSync(lock, { force: true }));
  p.unref();
  return { pending: true };
}
