// Students grade on macOS and Windows too, where prlimit and unshare do not exist: grading must
// still work with what Node offers, and say in one line which protection is off.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { permissionFlag } from '../grader/sandbox/child.ts';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');

function gradeWithPath(path: string) {
  return spawnSync(process.execPath, [tsx, join(root, 'grader/cli.ts'), 'grade', '--submission', join(root, 'solutions'), '--step', '3', '--lang', 'en', '--no-typecheck'],
    { cwd: root, encoding: 'utf8', env: { PATH: path, HOME: process.env.HOME ?? '/tmp' } });
}

describe('protections missing on this OS', () => {
  it('without prlimit and unshare on PATH: full points, and one line says which protections are off', () => {
    const empty = mkdtempSync(join(tmpdir(), 'lec4-nopath-'));
    const r = gradeWithPath(empty);
    rmSync(empty, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/total: 9 \/ 9/);
    const line = r.stdout.split('\n').filter(l => l.startsWith('protections:'));
    expect(line).toHaveLength(1);
    expect(line[0]).toMatch(/network not isolated: unshare -rn unavailable/);
    expect(line[0]).toMatch(/typed-array memory not capped: prlimit unavailable/);
  });

  it('with them (this Linux machine): the line says all protections are on', () => {
    const r = gradeWithPath(process.env.PATH ?? '/usr/bin:/bin');
    expect(r.status, r.stderr).toBe(0);
    const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
    if (has('prlimit') && has('unshare') && spawnSync('unshare', ['-rn', 'true']).status === 0) {
      expect(r.stdout).toMatch(/protections: all on/);
    } else {
      expect(r.stdout).toMatch(/protections: .*(unavailable)/);
    }
  });
});

describe('the permission model flag', () => {
  it('is --permission where Node knows it (22.13+), else the Node 20 spelling', () => {
    expect(permissionFlag(new Set(['--permission', '--experimental-permission']))).toBe('--permission');
    expect(permissionFlag(new Set(['--permission']))).toBe('--permission');
    expect(permissionFlag(new Set(['--experimental-permission']))).toBe('--experimental-permission');
    // This Node accepts what it is given: a child started with it runs.
    const r = spawnSync(process.execPath, [permissionFlag(), `--allow-fs-read=${root}`, '-e', 'process.exit(process.permission.has("fs.write") ? 3 : 0)']);
    expect(r.status).toBe(0);
  });
});
