// grader/report/diagnosis.ts — how a verdict's diagnosis reads, the same in every output
// (terminal, results.json, JUnit, feedback.md): the named mistake(s) with their hints, two at
// once when a pair explains the step, and the observations (measured relations, not names).
import type { FaultMatch, Lang, Msg, Verdict } from '../types.ts';

const WORDS = {
  ja: { mistake: 'よくある間違い', both: 'よくある間違い (2 つ同時)', hint: 'ヒント', observation: '観察' },
  en: { mistake: 'known mistake', both: 'known mistakes (two at once)', hint: 'hint', observation: 'observation' },
};

/** The mistakes a verdict names: one, or two at once. */
export const faultsOf = (v: Verdict): FaultMatch[] => v.faults ?? (v.fault ? [v.fault] : []);

export interface DiagnosisParts { head?: string; hints: string[]; observations: string[] }

/** The parts, as plain text in the report's language (callers colour or escape them). */
export function diagnosisParts(v: Verdict, lang: Lang): DiagnosisParts {
  const t = WORDS[lang];
  const fs = faultsOf(v);
  const head = fs.length === 0 ? undefined
    : `${fs.length > 1 ? t.both : t.mistake}: ${fs.map(f => `${f.title[lang]} [${f.id}]`).join(' + ')}`;
  return {
    head,
    hints: fs.map(f => `${t.hint}${fs.length > 1 ? ` (${f.id})` : ''}: ${f.hint[lang]}`),
    observations: (v.observations ?? []).map((o: Msg) => `${t.observation}: ${o[lang]}`),
  };
}

/** Every line of the diagnosis, in order: observations, then the mistake(s) and hint(s). */
export function diagnosisLines(v: Verdict, lang: Lang): string[] {
  const p = diagnosisParts(v, lang);
  return [...p.observations, ...(p.head ? [p.head, ...p.hints] : [])];
}
