// grader/diagnosis/step.ts — which catalogued mistake(s) a step's failures point to.
// A name is given only when it explains EVERY failure of the step, not of one check: one check
// matching by coincidence (an unchanged Adam step looks like "ε inside the root" on tiny
// gradients) while another contradicts it is no diagnosis. When no single fault explains them
// all, pairs of faults are tried: the reference with both patches, which must reproduce every
// failure. A modified argument is explained by the catalogue's mutation fault beside them.
// No match, no guess.
import type { Finding, Probe } from '../checks/common.ts';
import { reproduces } from '../checks/common.ts';
import { variantKey, type FaultInfo, type Oracle } from '../oracle.ts';
import type { FaultMatch } from '../types.ts';

/** The key under which the oracle answers for a pair of faults (forms `ka`, `kb`) applied together. */
export const pairId = (a: string, b: string, ka = 0, kb = 0): string => `${variantKey(a, ka)}+${variantKey(b, kb)}`;

export interface StepDiagnosis {
  /** The fault(s) that explain every failure: one, or two at once. */
  faults: FaultMatch[];
  /** Per failing check: the faults of `faults` that explain its own failures. */
  byCheck: Map<string, FaultMatch[]>;
}

const matchOf = (f: FaultInfo): FaultMatch => ({ id: f.id, title: f.title, hint: f.hint });

/** Faults named by every finding (catalogue order of the first finding's list). */
function common(findings: readonly Finding[]): FaultMatch[] {
  if (findings.length === 0) return [];
  let ids = (findings[0].matches ?? []).map(m => m.id);
  for (const f of findings.slice(1)) {
    const mine = new Set((f.matches ?? []).map(m => m.id));
    ids = ids.filter(id => mine.has(id));
  }
  return (findings[0].matches ?? []).filter(m => ids.includes(m.id));
}

export interface DiagnoseStepOptions {
  oracle: Oracle;
  /** Try pairs of faults (TA grading; the release only where its fixture has their answers). */
  pairs: boolean;
}

/**
 * The diagnosis of a step from its failing checks' findings (check id → findings). Findings
 * that say "not implemented" are not mistakes; a failure with no probe (a hang, a crash, a
 * training run) cannot be explained by a variant, so the step gets no name at all.
 */
export async function diagnoseStep(failing: ReadonlyMap<string, readonly Finding[]>, o: DiagnoseStepOptions): Promise<StepDiagnosis | undefined> {
  const all = [...failing.values()].flat().filter(f => !f.missing);
  if (all.length === 0 || all.some(f => !f.probe && f.kind !== 'mutation')) return undefined;
  const mutation = all.filter(f => f.kind === 'mutation');
  const rest = all.filter(f => f.kind !== 'mutation');
  const mutationFault = common(mutation)[0];
  if (mutation.length > 0 && !mutationFault) return undefined;

  let faults: FaultMatch[] = [];
  if (rest.length > 0) {
    const single = common(rest)[0];
    if (single) faults = [single];
    else if (o.pairs) faults = await findPair(rest, failing, o.oracle) ?? [];
    if (faults.length === 0) return undefined;
  }
  if (mutationFault && !faults.some(f => f.id === mutationFault.id)) faults.push(mutationFault);

  // Each failing check is told the faults that explain its own failures (both, for a mix).
  const byCheck = new Map<string, FaultMatch[]>();
  for (const [check, fs] of failing) {
    const own = faults.filter(f => fs.filter(x => !x.missing).every(x => (x.matches ?? []).some(m => m.id === f.id)));
    byCheck.set(check, own.length > 0 ? own : faults);
  }
  return { faults, byCheck };
}

/**
 * Two faults of the failing calls' modules whose patches, applied together, reproduce every
 * failure. Every form of each is tried (a student's second mistake is as often written in a
 * fault's other form as in its first). Candidates are pruned by the checks each form is known to
 * fail (their union must cover the failing checks); pairs where one fault already explains some
 * failure go first. Two forms that patch the same line cannot be built together (the oracle
 * answers with the patch error, which reproduces nothing): such a pair is never named.
 */
async function findPair(findings: readonly Finding[], failing: ReadonlyMap<string, readonly Finding[]>, oracle: Oracle): Promise<FaultMatch[] | undefined> {
  const modules = new Set(findings.map(f => f.probe!.call.module));
  const candidates = oracle.faults().filter(f => f.detect === 'output' && modules.has(f.module));
  // Faults list the public checks they fail; hidden checks (TA grading) prune nothing.
  const listed = new Set(candidates.flatMap(f => f.checks));
  const failingChecks = [...failing.keys()].filter(c => listed.has(c));
  const seen = new Set(findings.flatMap(f => (f.matches ?? []).map(m => m.id)));
  type Form = { f: FaultInfo; k: number };
  const formsOf = (f: FaultInfo): Form[] => f.forms.map((_, k) => ({ f, k }));
  const pairs: [Form, Form][] = [];
  for (let i = 0; i < candidates.length; i++) {
    for (let j = i + 1; j < candidates.length; j++) {
      for (const a of formsOf(candidates[i])) {
        for (const b of formsOf(candidates[j])) {
          const covered = new Set([...a.f.forms[a.k], ...b.f.forms[b.k]]);
          if (failingChecks.every(c => covered.has(c))) pairs.push([a, b]);
        }
      }
    }
  }
  // Stable: within a score, catalogue order and first forms first.
  const score = ([a, b]: [Form, Form]) => Number(seen.has(a.f.id)) + Number(seen.has(b.f.id));
  pairs.sort((x, y) => score(y) - score(x));
  const probes: Probe[] = findings.map(f => f.probe!);
  const keyOf = ([a, b]: [Form, Form]) => (a.f.module === b.f.module ? pairId(a.f.id, b.f.id, a.k, b.k) : undefined);
  // The oracle builds pairs in batches (one build and one import each): a few first, since a
  // pair that explains a step is usually among the first tried; the rest at once if not.
  let prepared = 0;
  for (const [i, [a, b]] of pairs.entries()) {
    if (i >= prepared && oracle.prepare) {
      prepared = i + Math.max(16, prepared);
      oracle.prepare(pairs.slice(i, prepared).map(keyOf).filter((k): k is string => k !== undefined));
    }
    let ok = true;
    for (const p of probes) {
      // A pair of faults of two modules changes each module on its own.
      const one = p.call.module === a.f.module ? a : b;
      const id = keyOf([a, b]) ?? variantKey(one.f.id, one.k);
      if (!reproduces(await oracle.variant(id, p.call), p)) { ok = false; break; }
    }
    if (ok) return [matchOf(a.f), matchOf(b.f)];
  }
  return undefined;
}
