// The language rule: --lang, then GRADE_LANG, then the locale (LC_ALL, then
// LC_MESSAGES, then LANG); ja_* and locales that name no language give Japanese, any other
// language English. One table, read by grade, watch, train and batch alike.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultLang, langFromLocale, localeLanguage, parseLang } from '../grader/report/lang.ts';

const ROOT = join(import.meta.dirname, '..');

describe('language rule', () => {
  // [environment, expected language, why]
  const table: [NodeJS.ProcessEnv, 'ja' | 'en', string][] = [
    [{}, 'ja', 'nothing set: the course language'],
    [{ LANG: '' }, 'ja', 'empty is unset'],
    [{ LANG: 'C' }, 'ja', 'C names no language'],
    [{ LANG: 'POSIX' }, 'ja', 'POSIX names no language'],
    [{ LANG: 'C.UTF-8' }, 'ja', 'WSL and Docker default'],
    [{ LANG: 'C.utf8' }, 'ja', 'another spelling of the codeset'],
    [{ LANG: 'ja_JP.UTF-8' }, 'ja', 'Japanese'],
    [{ LANG: 'ja_JP.eucJP' }, 'ja', 'Japanese, another codeset'],
    [{ LANG: 'ja' }, 'ja', 'language only'],
    [{ LANG: 'en_US.UTF-8' }, 'en', 'English'],
    [{ LANG: 'de_DE@euro' }, 'en', 'any other language: English'],
    [{ LANG: 'jv_ID' }, 'en', 'Javanese starts with j, is not Japanese'],
    [{ LC_ALL: 'en_US.UTF-8', LANG: 'ja_JP.UTF-8' }, 'en', 'LC_ALL wins over LANG'],
    [{ LC_ALL: 'C', LANG: 'en_US.UTF-8' }, 'ja', 'LC_ALL=C wins, and names no language'],
    [{ LC_ALL: '', LANG: 'en_US.UTF-8' }, 'en', 'an empty LC_ALL is unset'],
    [{ LC_MESSAGES: 'ja_JP', LANG: 'en_US' }, 'ja', 'LC_MESSAGES wins over LANG'],
    [{ LC_ALL: 'en_GB', LC_MESSAGES: 'ja_JP' }, 'en', 'LC_ALL wins over LC_MESSAGES'],
    [{ GRADE_LANG: 'en', LC_ALL: 'ja_JP.UTF-8' }, 'en', 'GRADE_LANG wins over the locale'],
    [{ GRADE_LANG: 'ja', LANG: 'en_US.UTF-8' }, 'ja', 'GRADE_LANG wins over the locale'],
    [{ GRADE_LANG: 'EN', LANG: 'C' }, 'en', 'GRADE_LANG in capitals'],
    [{ GRADE_LANG: '', LANG: 'en_US.UTF-8' }, 'en', 'an empty GRADE_LANG is unset'],
  ];

  it.each(table)('%o → %s (%s)', (env, lang) => {
    expect(defaultLang(env)).toBe(lang);
    expect(parseLang(undefined, env)).toBe(lang);
  });

  it('--lang wins over GRADE_LANG and the locale', () => {
    expect(parseLang('ja', { GRADE_LANG: 'en', LC_ALL: 'en_US.UTF-8' })).toBe('ja');
    expect(parseLang('en', { GRADE_LANG: 'ja', LANG: 'ja_JP.UTF-8' })).toBe('en');
  });

  it('a bad --lang or GRADE_LANG says what was expected and what came', () => {
    expect(() => parseLang('fr', {})).toThrow('--lang: ja か en を指定してください / expected ja or en, got "fr"');
    expect(() => defaultLang({ GRADE_LANG: 'ja_JP.UTF-8' })).toThrow(/GRADE_LANG: .*expected ja or en, got "ja_JP.UTF-8"/);
  });

  it('reads the language part of a locale name', () => {
    expect(localeLanguage('ja_JP.UTF-8')).toBe('ja');
    expect(localeLanguage('pt_BR')).toBe('pt');
    expect(localeLanguage(' C.UTF-8 ')).toBeUndefined();
    expect(localeLanguage(undefined)).toBeUndefined();
    expect(langFromLocale({ GRADE_LANG: 'en' })).toBe('ja'); // the locale alone ignores GRADE_LANG
  });
});

describe('the CLI reads GRADE_LANG and the locale itself (so `npm run grade` honours them)', () => {
  /** `tsx grader/cli.ts grade --step 3` on the reference, no --lang, in the given environment. */
  const grade = (env: NodeJS.ProcessEnv) => new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const p = spawn(process.execPath,
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'grader/cli.ts'), 'grade', '--submission', 'solutions', '--step', '3', '--no-typecheck'],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b; });
    p.stderr.on('data', (b: Buffer) => { stderr += b; });
    p.on('error', fail);
    p.on('close', code => done({ code, stdout, stderr }));
  });

  it('GRADE_LANG=en over a Japanese locale gives English; C.UTF-8 alone gives Japanese; a bad GRADE_LANG exits 2', async () => {
    const [en, wsl, bad] = await Promise.all([
      grade({ GRADE_LANG: 'en', LANG: 'ja_JP.UTF-8' }),
      grade({ LANG: 'C.UTF-8' }),
      grade({ GRADE_LANG: 'fr' }),
    ]);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toContain('total: 9 / 9');
    expect(wsl.code, wsl.stderr).toBe(0);
    expect(wsl.stdout).toContain('合計: 9 / 9');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('GRADE_LANG: ja か en を指定してください / expected ja or en, got "fr"');
    expect(bad.stdout).toBe('');
  });
});
