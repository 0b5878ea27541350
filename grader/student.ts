// grader/student.ts — calls into the submission, one sandbox child per step, and turns every
// way a call can fail into a message: which file, which function, which line, which shapes.
import { Matrix } from '../lib/matrix.ts';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode, matrixFileName, type MatrixFiles } from './codec.ts';
import { COURSE } from './course.ts';
import type { Call } from './oracle.ts';
import type { CompileError, Prepared } from './sandbox/compile.ts';
import { SandboxChild, DEFAULT_LIMITS, type Limits } from './sandbox/child.ts';
import type { ErrorInfo } from './sandbox/protocol.ts';
import { msg, type Msg, type StepId } from './types.ts';

export type Outcome =
  | { ok: true; value: unknown; mutated: string[] }
  | { ok: false; error: ErrorInfo; explain: Msg };

/** "params.W0 (3×8), X (7×5)": the shapes of what was passed, for error messages. */
export function describeArgs(names: readonly string[], args: readonly unknown[]): string {
  const parts: string[] = [];
  const walk = (name: string, v: unknown, depth: number) => {
    if (v instanceof Matrix) parts.push(`${name} (${v.rows}×${v.cols})`);
    else if (typeof v === 'number') parts.push(`${name} = ${v}`);
    else if (v && typeof v === 'object' && depth < 2 && !('uniform' in (v as object))) {
      for (const [k, x] of Object.entries(v)) walk(`${name}.${k}`, x, depth + 1);
    }
  };
  args.forEach((a, i) => walk(names[i] ?? `arg${i}`, a, 0));
  return parts.join(', ');
}


/** "(01_forward.ts line 31)"; a compile error also gives the column. */
function whereOf(e: ErrorInfo): Msg {
  const l = e.location;
  if (!l) return msg('', '');
  return e.kind === 'compile'
    ? msg(` (${l.file} ${l.line} 行目 ${l.column} 文字目)`, ` (${l.file} line ${l.line}, column ${l.column})`)
    : msg(` (${l.file} ${l.line} 行目)`, ` (${l.file} line ${l.line})`);
}

/** What an error the sandbox caused means; the raw message does not say it is the sandbox. */
function causeOf(e: ErrorInfo): Msg {
  const text = `${e.name ?? ''}: ${e.message}`;
  if (/Array buffer allocation failed|Invalid (typed )?array (buffer )?length|heap out of memory/i.test(text)) {
    return msg(' — メモリ不足: 採点環境のメモリ上限を超える配列を作ろうとしました', ' — out of memory: an allocation beyond the sandbox\'s memory limit');
  }
  if (/Access to this API has been restricted|ERR_ACCESS_DENIED/.test(text)) {
    return msg(' — 採点環境ではファイル・子プロセス・ワーカーは使えません (引数だけから計算してください)',
      ' — the grading sandbox allows no files, child processes or workers: compute from the arguments only');
  }
  if (/Code generation from strings disallowed/.test(text)) {
    return msg(' — 採点環境では eval と new Function は使えません', ' — eval and new Function are disabled in the grading sandbox');
  }
  return msg('', '');
}

export function explain(e: ErrorInfo, call?: Call): Msg {
  const file = e.module ? `${e.module}.ts` : call ? `${call.module}.ts` : '';
  const fn = e.fn ?? call?.fn;
  const where = whereOf(e);
  const cause = causeOf(e);
  const shapes = call ? describeArgs(COURSE.paramsOf(call.fn) ?? [], call.args) : '';
  const shapeLine = shapes ? msg(`\n  引数の形: ${shapes}`, `\n  argument shapes: ${shapes}`) : msg('', '');
  switch (e.kind) {
    case 'not-implemented':
      return msg(`${file} の ${fn}() はまだ実装されていません (TODO の throw が残っています)`,
        `${fn}() in ${file} is not implemented yet (the TODO's throw is still there)`);
    case 'compile':
      return msg(`${file} をコンパイルできません${where.ja}: ${e.message}`, `${file} does not compile${where.en}: ${e.message}`);
    case 'import':
      return msg(`${file} を読み込むときにエラー${where.ja}: ${e.name ?? 'Error'}: ${e.message}${cause.ja}`,
        `${file} failed while loading${where.en}: ${e.name ?? 'Error'}: ${e.message}${cause.en}`);
    case 'missing-export':
      return msg(`${file} が関数 ${fn} を export していません (名前を変えていませんか?)`,
        `${file} does not export a function ${fn} (was it renamed?)`);
    case 'throw':
      return msg(`${fn}() がエラーを投げました${where.ja}: ${e.name ?? 'Error'}: ${e.message}${cause.ja}${shapeLine.ja}`,
        `${fn}() threw${where.en}: ${e.name ?? 'Error'}: ${e.message}${cause.en}${shapeLine.en}`);
    case 'timeout':
      return msg(`時間切れ: ${e.message} — 無限ループがないか確認してください`, `time limit: ${e.message}`);
    case 'crash':
      return msg(`プロセスが止まりました: ${e.message}`, `the process stopped: ${e.message}`);
    case 'protocol':
      return msg(`採点用の通信路が乱されました (${e.message})。提出コードから採点の出力を偽装しないでください`,
        `the grader's channel was disturbed (${e.message}); do not forge the grader's output`);
    case 'skipped':
      return msg(`実行しませんでした: ${e.message}`, `not run: ${e.message}`);
  }
}

export class StudentRunner {
  private children = new Map<StepId, SandboxChild>();
  /** A module that cannot be loaded, or a function that hung: later calls fail at once. */
  private fatal = new Map<string, ErrorInfo>();
  private programFatal?: ErrorInfo;

  /** Large matrices of program jobs, written once into the sandbox folder (codec.ts MatrixFiles). */
  private readonly files: MatrixFiles;

  constructor(readonly prepared: Prepared, readonly limits: Limits = DEFAULT_LIMITS) {
    this.files = sandboxFiles(prepared.dir);
    for (const [file, err] of prepared.compileErrors) this.fatal.set(file.replace(/\.ts$/, ''), compileInfo(err));
  }

  private child(step: StepId): SandboxChild {
    let c = this.children.get(step);
    if (!c) { c = new SandboxChild(this.prepared.dir, this.limits); this.children.set(step, c); }
    return c;
  }

  async call(step: StepId, call: Call): Promise<Outcome> {
    const known = this.fatal.get(call.module) ?? this.fatal.get(`${call.module}.${call.fn}`);
    if (known) return { ok: false, error: known, explain: explain(known, call) };
    const r = await this.child(step).run({ kind: 'call', module: call.module, fn: call.fn, args: call.args.map(a => encode(a)) });
    if (r.ok) return r;
    this.remember(r.error, call.module, `${call.module}.${call.fn}`);
    return { ok: false, error: r.error, explain: explain(r.error, call) };
  }

  /** A program step's job (lecture 4: a training run with the student's own steps). */
  async program(step: StepId, opts: unknown, data: unknown): Promise<Outcome> {
    for (const m of COURSE.modules) {
      const known = this.fatal.get(m);
      if (known) return { ok: false, error: known, explain: explain(known) };
    }
    // A training run that hung or crashed will do so again: later runs fail at once.
    if (this.programFatal) return { ok: false, error: this.programFatal, explain: explain(this.programFatal) };
    const r = await this.child(step).run({ kind: 'program', opts: encode(opts), data: encode(data, 0, this.files) });
    if (r.ok) return r;
    if (r.error.module) this.remember(r.error, r.error.module, `${r.error.module}.${r.error.fn ?? '?'}`);
    if (r.error.kind === 'timeout' || r.error.kind === 'crash' || r.error.kind === 'protocol') this.programFatal = r.error;
    return { ok: false, error: r.error, explain: explain(r.error) };
  }

  private remember(e: ErrorInfo, module: string, fnKey: string): void {
    if (e.kind === 'import' || e.kind === 'compile' || ((e.kind === 'timeout' || e.kind === 'crash') && e.module)) {
      this.fatal.set(e.module ?? module, e);
    } else if (e.kind === 'timeout' || e.kind === 'crash' || e.kind === 'protocol') {
      const what = e.kind === 'timeout' ? 'timed out' : e.kind === 'crash' ? 'crashed' : 'disturbed the grader\'s channel';
      this.fatal.set(fnKey, { ...e, kind: 'skipped', message: `${fnKey.split('.')[1]}() ${what} before: ${e.message}` });
    }
  }

  /** What the submission printed (captured, never parsed). */
  output(): string {
    return [...this.children.values()].map(c => c.output).join('');
  }

  close(): void {
    for (const c of this.children.values()) c.close();
  }
}

function compileInfo(err: CompileError): ErrorInfo {
  return { kind: 'compile', message: err.lineText ? `${err.message}\n    ${err.lineText}` : err.message, module: err.file.replace(/\.ts$/, ''), location: err.location };
}

/** A MatrixFiles that writes each distinct matrix once, named by the hash of its bytes. */
function sandboxFiles(dir: string): MatrixFiles {
  const written = new Set<string>();
  return {
    put(data) {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const name = matrixFileName(createHash('sha256').update(bytes).digest('hex'));
      if (!written.has(name)) {
        // Read-only for the child (the permission model); written before the job is sent.
        writeFileSync(join(dir, name), bytes);
        written.add(name);
      }
      return name;
    },
  };
}
