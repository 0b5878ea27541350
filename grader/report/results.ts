// grader/report/results.ts — Gradescope's results.json and JUnit XML, written once, after grading.
import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { diagnosisLines } from './diagnosis.ts';
import type { GradeReport } from '../engine.ts';
import type { Lang, Verdict } from '../types.ts';
import { neutral, xmlText } from './neutral.ts';

export interface GradescopeTest {
  name: string; number: string; score: number; max_score: number;
  status: 'passed' | 'failed'; output: string; visibility: 'visible' | 'after_published';
  extra_data: { step: string; check: string; fault?: string; faults?: string[]; observations?: string[] };
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  tests: GradescopeTest[];
  extra_data: { grader_version: string; rubric_hash: string; seeds: Record<string, number>; secret_tag?: string; checked_points: number; protections: string[] };
}

export function verdictText(v: Verdict, lang: Lang): string {
  const lines = v.messages.map(m => neutral(m[lang]));
  lines.push(...diagnosisLines(v, lang).map(neutral));
  return lines.join('\n');
}

export function toGradescope(report: GradeReport, lang: Lang): GradescopeResults {
  return {
    score: report.score,
    execution_time: Math.round(report.seconds * 1000) / 1000,
    output: [`${report.score} / ${report.checkedPoints}`,
      ...report.typeWarnings.map(w => `${lang === 'ja' ? '型チェックの警告' : 'type-check warning'}: ${w.file}:${w.line}:${w.column} ${w.code} ${neutral(w.message)}`)].join('\n'),
    tests: report.verdicts.map((v, i) => ({
      name: `${v.id}: ${v.title[lang]}`,
      number: `${v.step}.${i + 1}`,
      score: v.points,
      max_score: v.maxPoints,
      status: v.status === 'passed' ? 'passed' : 'failed',
      output: verdictText(v, lang),
      visibility: v.visibility === 'public' ? 'visible' : 'after_published',
      extra_data: {
        step: v.step, check: v.id, ...(v.fault ? { fault: v.fault.id } : {}),
        ...(v.faults ? { faults: v.faults.map(f => f.id) } : {}),
        ...(v.observations ? { observations: v.observations.map(o => o[lang]) } : {}),
      },
    })),
    extra_data: {
      grader_version: report.graderVersion,
      rubric_hash: report.rubricHash,
      seeds: Object.fromEntries(report.verdicts.map(v => [v.id, v.seed])),
      ...(report.seedTag ? { secret_tag: report.seedTag } : {}),
      checked_points: report.checkedPoints,
      protections: report.protections.notes,
    },
  };
}

/** Well-formed XML 1.0 for any text (grader/report/neutral.ts). */
const xml = xmlText;

export function toJUnit(report: GradeReport, lang: Lang): string {
  const failures = report.verdicts.filter(v => v.status === 'failed').length;
  const errors = report.verdicts.filter(v => v.status === 'error').length;
  const cases = report.verdicts.map(v => {
    const open = `    <testcase classname="lec4.step${v.step}" name="${xml(`${v.id}: ${v.title[lang]}`)}" time="${v.seconds.toFixed(3)}">`;
    if (v.status === 'passed') return `${open}</testcase>`;
    const tag = v.status === 'error' ? 'error' : 'failure';
    const text = verdictText(v, lang);
    return `${open}\n      <${tag} message="${xml(text.split('\n')[0] ?? '')}">${xml(text)}</${tag}>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lec4" tests="${report.verdicts.length}" failures="${failures}" errors="${errors}" time="${report.seconds.toFixed(3)}">`,
    `  <testsuite name="lec4-autoencoder" tests="${report.verdicts.length}" failures="${failures}" errors="${errors}" time="${report.seconds.toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Write via a temporary file and rename, so a reader never sees half a file. */
export function writeAtomic(path: string, text: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
