// grader/report/lang.ts — which language grade, watch, train and batch speak.
//
//   1. --lang ja|en
//   2. GRADE_LANG=ja|en (read here, so `npm run grade` honours it as well as `make grade`)
//   3. the locale: the first of LC_ALL, LC_MESSAGES, LANG that is set and not empty.
//      ja_* → Japanese; a locale that names no language (C, POSIX, C.UTF-8, unset) → Japanese,
//      because the course is taught in Japanese and such locales are machine defaults (WSL,
//      Docker, CI), not a student's choice; any other language → English.
import type { Lang } from '../types.ts';

/** The language a locale name asks for: 'ja', another language's code, or undefined for
 *  a locale that names no language. */
export function localeLanguage(locale: string | undefined): string | undefined {
  const name = (locale ?? '').trim();
  // language[_territory][.codeset][@modifier] (POSIX); C and POSIX, with or without a codeset, name none.
  const language = name.split(/[_.@-]/)[0].toLowerCase();
  if (language === '' || language === 'c' || language === 'posix') return undefined;
  return language;
}

/** The language from the locale alone (step 3 above). */
export function langFromLocale(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  const language = localeLanguage(locale);
  return language === undefined || language === 'ja' ? 'ja' : 'en';
}

function checked(value: string, what: string, anyCase = false): Lang {
  const v = anyCase ? value.toLowerCase() : value;
  if (v === 'ja' || v === 'en') return v;
  throw new Error(`${what}: ja か en を指定してください / expected ja or en, got "${value}"`);
}

/** The language when no --lang is given: GRADE_LANG, else the locale. */
export function defaultLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const fromEnv = env.GRADE_LANG?.trim();
  if (fromEnv) return checked(fromEnv, 'GRADE_LANG', true);
  return langFromLocale(env);
}

/** The language of a command: its --lang value if given, else defaultLang. */
export function parseLang(value: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (value === undefined) return defaultLang(env);
  return checked(value, '--lang');
}

/** One line for --help: where the language comes from. */
export const LANG_HELP = '表示言語 / language (既定 / default: GRADE_LANG, then LC_ALL / LC_MESSAGES / LANG; ja_*, C, POSIX or unset → ja)';
