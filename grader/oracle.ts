// grader/oracle.ts — where the judge's "expected" comes from.
// Three questions: what the reference returns for a call, what a fault variant returns, and a
// value derived with reference code (a numeric gradient, a reference training run).
//   LiveOracle     computes them from solutions/ (this repo, TA grading, hidden checks);
//   FixtureOracle  reads them from a fixture file (the student release has no solutions/);
//   recording      LiveOracle writes every answer it gave, which is how fixtures are made.
// Calls are keyed by a hash of their encoded arguments, so both answer the same questions.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decode, encode, type Encoded } from './codec.ts';
import { COURSE } from './course.ts';
import type { StepModule } from './sandbox/protocol.ts';
import type { Msg } from './types.ts';

export interface Call { module: StepModule; fn: string; args: unknown[] }

/**
 * How a fault is recognised: 'output' by its return values (or the error it throws),
 * 'mutation' by the arguments it modifies, 'nondeterministic' by different answers to the
 * same inputs and the same Rng state (Math.random): no single output to match.
 */
export type Detect = 'output' | 'mutation' | 'nondeterministic';

/** What the diagnosis needs to know of a fault (the release ships this, not the patches). */
export interface FaultInfo {
  id: string; module: StepModule; title: Msg; hint: Msg; detect: Detect;
  /** Every public check that some form of the fault fails. */
  checks: string[];
  /** Form k's public checks (k = 0: the fault's `patches`, k ≥ 1: its other forms). */
  forms: string[][];
}

/** A form's variant id, the key under which the oracle and the fixture know its answers. */
export const variantKey = (faultId: string, form: number): string => `${faultId}~${form}`;

export function parseVariantKey(key: string): { id: string; form: number } {
  const m = /^(.+)~(\d+)$/.exec(key);
  if (!m) throw new Error(`not a variant key (fault~form): ${key}`);
  return { id: m[1], form: Number(m[2]) };
}

export type RefModules = Record<StepModule, Record<string, (...a: unknown[]) => unknown>>;

/**
 * What a fault variant "returns" when it throws: its error message. Some mistakes only show as
 * a shape error (Z without its bias row, W0ᵀ as on the slide, W1ᵀ with the bias column kept);
 * a student's call that throws the very same message is diagnosed as that mistake. A plain
 * object, so it survives the fixture's encoding.
 */
export interface VariantThrew { $threw: string }

export const variantThrew = (v: unknown): v is VariantThrew =>
  typeof v === 'object' && v !== null && typeof (v as { $threw?: unknown }).$threw === 'string' && Object.keys(v).length === 1;

export interface Oracle {
  /** Persist what is worth keeping between runs (no-op where nothing is). */
  flush?(): void;
  reference(call: Call): Promise<unknown>;
  /** A fault form's output (variantKey(id, form)); a VariantThrew when it throws; undefined when unknown (no match). */
  variant(key: string, call: Call): Promise<unknown>;
  derived(key: string, compute: (ref: RefModules) => unknown | Promise<unknown>): Promise<unknown>;
  faults(): readonly FaultInfo[];
  /** A hint: these variants (pairs included) are about to be asked for; build them together. */
  prepare?(keys: readonly string[]): void;
}

/**
 * A call's key: the hash of its encoded arguments. Remembered per call object: a failing call is
 * asked of every fault variant of its module (about 90 keys from one call), and encoding and
 * hashing its matrices each time was most of the judge's diagnosis time. Calls are not changed
 * after they are made (the judge sends copies to the child and to the oracle).
 */
const callKeys = new WeakMap<Call, string>();
export function callKey(call: Call): string {
  let key = callKeys.get(call);
  if (key === undefined) {
    const h = createHash('sha256').update(JSON.stringify(encode(call.args))).digest('hex').slice(0, 20);
    key = `${call.module}.${call.fn}:${h}`;
    callKeys.set(call, key);
  }
  return key;
}

/** Fresh copies for every use: a variant that mutates its arguments must not leak into the next call. */
const fresh = (args: unknown[]): unknown[] => decode(encode(args)) as unknown[];

export class LiveOracle implements Oracle {
  private ref?: Promise<RefModules>;
  private memo = new Map<string, Promise<void>>();
  /** key → encoded answer, for fixtures. */
  readonly recorded = new Map<string, Encoded>();
  /** callKey → the call, for every call the reference answered (fixtures add pairs' digests). */
  readonly calls = new Map<string, Call>();

  /** Expensive derived answers (reference training runs) kept on disk between runs. */
  private disk: Record<string, Encoded> = {};
  private diskDirty = false;

  constructor(readonly root: string, private readonly catalogue: readonly FaultInfo[],
              /** Loads a fault form's module, by variantKey. */
              private readonly loadVariant: (key: string) => Promise<Record<string, unknown>>,
              private readonly cacheFile?: string,
              /** Builds many variants at once (one esbuild call, one import). */
              private readonly prepareVariants?: (keys: readonly string[]) => void) {
    if (cacheFile && existsSync(cacheFile)) {
      try { this.disk = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, Encoded>; } catch { this.disk = {}; }
    }
  }

  /** Save new expensive answers (atomically: a killed run leaves the old file). */
  flush(): void {
    if (!this.cacheFile || !this.diskDirty) return;
    mkdirSync(join(this.cacheFile, '..'), { recursive: true });
    const tmp = `${this.cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.disk));
    renameSync(tmp, this.cacheFile);
    this.diskDirty = false;
  }

  modules(): Promise<RefModules> {
    this.ref ??= (async () => {
      const out: Partial<RefModules> = {};
      for (const m of COURSE.modules) {
        out[m] = (await import(pathToFileURL(join(this.root, 'solutions', `${m}.ts`)).href)) as never;
      }
      return out as RefModules;
    })();
    return this.ref;
  }

  /** Computes once; every caller gets its own copy, decoded from the recorded encoding. */
  private remember(key: string, compute: () => Promise<unknown>): Promise<unknown> {
    let p = this.memo.get(key);
    if (!p) {
      p = compute().then(v => { this.recorded.set(key, encode(v)); });
      this.memo.set(key, p);
    }
    return p.then(() => decode(this.recorded.get(key)));
  }

  reference(call: Call): Promise<unknown> {
    this.calls.set(callKey(call), call);
    return this.remember(`ref:${callKey(call)}`, async () => {
      const mod = (await this.modules())[call.module];
      return mod[call.fn](...fresh(call.args));
    });
  }

  variant(key: string, call: Call): Promise<unknown> {
    this.calls.set(callKey(call), call);
    return this.remember(`var:${key}:${callKey(call)}`, async () => {
      try {
        const mod = await this.loadVariant(key);
        const f = mod[call.fn] as ((...a: unknown[]) => unknown) | undefined;
        return f ? f(...fresh(call.args)) : undefined;
      } catch (err) {
        return { $threw: err instanceof Error ? err.message : String(err) } satisfies VariantThrew;
      }
    });
  }

  derived(key: string, compute: (ref: RefModules) => unknown): Promise<unknown> {
    const k = `der:${key}`;
    const persist = this.cacheFile !== undefined && key.startsWith('train:');
    return this.remember(k, async () => {
      if (persist && k in this.disk) return decode(this.disk[k]);
      const v = await compute(await this.modules());
      if (persist) { this.disk[k] = encode(v); this.diskDirty = true; }
      return v;
    });
  }

  faults(): readonly FaultInfo[] {
    return this.catalogue;
  }

  prepare(keys: readonly string[]): void {
    this.prepareVariants?.(keys);
  }
}

export interface FixtureFile {
  format: 1;
  /** sha256 of solutions/ and the grader's checks when the fixture was made. */
  solutionsHash: string;
  faults: FaultInfo[];
  answers: Record<string, Encoded>;
  /**
   * Pairs of faults, per module: the module's calls (callKeys, in order) and, per pair key, the
   * digests of its answers to those calls, concatenated (12 hex digits each; '-' for none).
   */
  pairs?: Record<string, { calls: string[]; digests: Record<string, string> }>;
}

export class FixtureOracle implements Oracle {
  constructor(private readonly file: FixtureFile) {}

  static load(path: string): FixtureOracle {
    return new FixtureOracle(JSON.parse(readFileSync(path, 'utf8')) as FixtureFile);
  }

  private answer(key: string): unknown {
    if (!(key in this.file.answers)) {
      throw new Error(`fixture has no answer for ${key}: the fixtures are stale, run \`make fixtures\``);
    }
    return decode(this.file.answers[key]);
  }

  async reference(call: Call): Promise<unknown> { return this.answer(`ref:${callKey(call)}`); }

  async variant(key: string, call: Call): Promise<unknown> {
    const k = `var:${key}:${callKey(call)}`;
    if (k in this.file.answers) return decode(this.file.answers[k]);
    // Pairs of faults ship as digests of their answers (grader/diagnosis/digest.ts).
    const m = this.file.pairs?.[call.module];
    const i = m?.calls.indexOf(callKey(call)) ?? -1;
    const d = i < 0 ? undefined : m!.digests[key]?.slice(12 * i, 12 * i + 12);
    return d === undefined || d.length < 12 || d.startsWith('-') ? undefined : { $digest: d };
  }

  async derived(key: string): Promise<unknown> { return this.answer(`der:${key}`); }

  faults(): readonly FaultInfo[] { return this.file.faults; }
}
