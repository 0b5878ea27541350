// grader/sandbox/protocol.ts — the messages between the judge and the sandbox child.
// The judge writes JSON lines on the child's stdin: first a Hello with a secret token, then
// jobs. The child answers on fd 3, one JSON line per event, each carrying the token: student
// code can write on fd 3 too, but it never sees the token (the runner reads it before any
// student module is loaded), so a line without it is forged. The child's stdout/stderr are
// only captured for display: nothing a submission prints there is read as a result.
import type { Encoded } from '../codec.ts';

/** A step file's module name (`01_forward`): the course manifest declares them. */
export type StepModule = string;

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
 * The first line on the child's stdin: the token, and the course's student functions as
 * [module, function] pairs (what a program job hands to the program, and where errors point).
 */
export interface Hello { token: string; functions: [StepModule, string][] }

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
  | { id: number; ok: true; value: Encoded; mutated: string[]; ms: number }
  | { id: number; ok: false; error: ErrorInfo });
