// grader/report/lang.ts — which language the report speaks: --lang, else the locale.
import type { Lang } from '../types.ts';

export function defaultLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^ja/i.test(locale) ? 'ja' : 'en';
}

export function parseLang(value: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (value === undefined) return defaultLang(env);
  if (value === 'ja' || value === 'en') return value;
  throw new Error(`--lang: expected ja or en, got "${value}"`);
}
