// grader/sandbox/protocol.ts — the messages between the judge and the sandbox child.
// The judge writes JSON lines on the child's stdin: first a Hello with a secret token, then
// jobs. The child answers on fd 3, one JSON line per event, each carrying the token: student
// code can write on fd 3 too, but it never sees the token (the runner reads it before any
// student module is loaded), so a line without it is forged. The child's stdout/stderr are
// only captured for display: nothing a submission prints there is read as a result.
import type { Encoded } from '../codec.ts';
import { ArrayPrototypeJoin, push, StringPrototypeIndexOf, StringPrototypeSlice } from './primordials.ts';

/** A step file's module name (`01_forward`): the course manifest declares them. */
export type StepModule = string;

/**
 * What the child says when student code asks for a module at run time (a computed import(),
 * require, process.getBuiltinModule): only the static imports that compile.ts allows load.
 * `lib`: the course's given modules. The judge sends the text in its Hello.
 */
export function runtimeImportRefused(lib: readonly string[]): string {
  const allowed = `../lib/{${lib.join(',')}}.ts`;
  return `採点環境では実行時の import() / require() は使えません。使えるのは ${allowed} と自分の課題ファイルの静的 import だけです / `
    + `import() and require() at run time are not available in the grading sandbox: only static imports of ${allowed} and your own assignment files`;
}

export interface CallJob {
  id: number;
  kind: 'call';
  module: StepModule;
  fn: string;
  args: Encoded[];
}

/** A program step (lecture 4: training): the course's program module runs the student's steps. */
export interface ProgramJob {
  id: number;
  kind: 'program';
  opts: Encoded;
  data: Encoded;
}

export type Job = CallJob | ProgramJob;
/** A job before the child assigns its id. */
export type JobBody = Omit<CallJob, 'id'> | Omit<ProgramJob, 'id'>;

/**
 * The first line on the child's stdin: the token, the course's student functions as
 * [module, function] pairs (what a program job hands to the program, and where errors point),
 * and the words for a module asked for at run time (runtimeImportRefused).
 */
export interface Hello { token: string; functions: [StepModule, string][]; refusal: string }

/** Error messages are cut to this length on both sides of the channel. */
export const MAX_ERROR_MESSAGE = 2000;

export interface SourceLocation { file: string; line: number; column: number }

export interface ErrorInfo {
  kind: 'import' | 'throw' | 'missing-export' | 'not-implemented' | 'timeout' | 'crash' | 'protocol' | 'compile' | 'skipped';
  message: string;
  name?: string;
  location?: SourceLocation;
  module?: string;
  fn?: string;
}

/**
 * An event from the child, stamped with the Hello's token (`k`): progress (a module starts or
 * ends loading; in a program job, a student function is called) or a job's result.
 */
export type ChildEvent = { k: string } & (
  | { id: number; phase: 'import' | 'imported'; module: string }
  | { id: number; phase: 'call'; fn: string }
  // A call's answer also carries its arguments as they are after the call (`after`, encoded
  // like `value`), which the judge compares with what it sent, and the argument paths whose
  // objects were swapped for others (`replaced`). A training run's answer has neither.
  | { id: number; ok: true; value: Encoded; after?: Encoded[]; replaced?: string[]; ms: number }
  | { id: number; ok: false; error: ErrorInfo });

/**
 * Splits a stream of text into lines for `onLine`, on both ends of the channel. A line can carry
 * megabytes (a job's data, an answer): only the newest piece is searched for its end, and a
 * line's pieces are joined once. Appending to one string and searching all of it for every
 * 64 KiB piece cost seconds per training job. Built from captured built-ins: the runner uses it
 * beside student code. `waiting()`: characters of the unfinished line.
 */
export function lineSplitter(onLine: (line: string) => void): { write(chunk: string): void; waiting(): number } {
  let pieces: string[] = [];
  let waiting = 0;
  return {
    write(chunk) {
      let nl: number;
      while ((nl = StringPrototypeIndexOf(chunk, '\n')) >= 0) {
        push(pieces, StringPrototypeSlice(chunk, 0, nl));
        const line = ArrayPrototypeJoin(pieces, '');
        pieces = [];
        waiting = 0;
        chunk = StringPrototypeSlice(chunk, nl + 1);
        onLine(line);
      }
      if (chunk.length > 0) { push(pieces, chunk); waiting += chunk.length; }
    },
    waiting: () => waiting,
  };
}
