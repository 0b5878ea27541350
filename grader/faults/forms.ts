// grader/faults/forms.ts — a catalogued fault's forms: the ways students write one mistake.
// Staff only (the release ships FaultInfo in its fixture, never patches).
import type { FaultInfo } from '../oracle.ts';
import type { Fault, Patch } from '../types.ts';

export const formCount = (f: Fault): number => 1 + (f.forms?.length ?? 0);
export const formPatches = (f: Fault, form: number): Patch[] => (form === 0 ? f.patches : f.forms![form - 1]);
export const formChecks = (f: Fault, form: number): string[] => f.formChecks?.[form] ?? f.checks;

/** What the diagnosis (and the release's fixture) knows of a fault: no patches. */
export function faultInfo(f: Fault): FaultInfo {
  const forms = Array.from({ length: formCount(f) }, (_, k) => formChecks(f, k));
  return {
    id: f.id, module: f.module, title: f.title, hint: f.hint, detect: f.detect ?? 'output',
    checks: [...new Set(forms.flat())], forms,
  };
}
