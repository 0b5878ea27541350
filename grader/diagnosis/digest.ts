// grader/diagnosis/digest.ts — a short fingerprint of an answer, for the answers the student
// release cannot afford to ship whole (pairs of faults: grader/diagnosis/step.ts). Values are
// rounded to 7 significant digits (tiny ones to 0) before hashing, so the student's rounding —
// another summation order — gives the same digest as the variant's, as the TIGHT comparison
// (rtol 1e-7) would accept; a different answer gives a different one (48 bits).
import { createHash } from 'node:crypto';
import { Matrix } from '../../lib/matrix.ts';
import { variantThrew } from '../oracle.ts';

/** What the fixture holds instead of a pair's answer. */
export interface Digested { $digest: string }

export const isDigested = (v: unknown): v is Digested =>
  typeof v === 'object' && v !== null && typeof (v as { $digest?: unknown }).$digest === 'string' && Object.keys(v).length === 1;

const num = (x: number): string => (Number.isFinite(x) ? (Math.abs(x) < 1e-9 ? '0' : x.toPrecision(7)) : String(x));

function canonical(v: unknown, only?: readonly string[]): string {
  if (typeof v === 'number') return num(v);
  if (v instanceof Matrix) return `M${v.rows}x${v.cols}[${Array.from(v.data, num).join(',')}]`;
  if (variantThrew(v)) return `T${v.$threw}`;
  if (v && typeof v === 'object') {
    const keys = (only ?? Object.keys(v)).slice().sort();
    return `{${keys.map(k => `${k}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** The digest of an answer (restricted to `only`'s fields, as the comparison is). */
export function digest(v: unknown, only?: readonly string[]): string {
  return createHash('sha256').update(canonical(v, only)).digest('hex').slice(0, 12);
}
