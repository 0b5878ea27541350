// grader/sandbox/protocol.ts — the messages between the judge and the sandbox child.
// The judge writes jobs as JSON lines on the child's stdin; the child answers on fd 3, one JSON
// line per event. The child's stdout/stderr are only captured for display: nothing a submission
// prints there is read as a result.
import type { Encoded } from '../codec.ts';

export const STEP_MODULES = ['01_forward', '02_backward', '03_sgd', '04_adam', '05_denoising'] as const;
export type StepModule = (typeof STEP_MODULES)[number];

export interface CallJob {
  id: number;
  kind: 'call';
  module: StepModule;
  fn: string;
  args: Encoded[];
}

export interface TrainJob {
  id: number;
  kind: 'train';
  opts: Encoded;
  data: Encoded; // { train: Matrix, test: Matrix }
}

export type Job = CallJob | TrainJob;
/** A job before the child assigns its id. */
export type JobBody = Omit<CallJob, 'id'> | Omit<TrainJob, 'id'>;

export interface SourceLocation { file: string; line: number; column: number }

export interface ErrorInfo {
  kind: 'import' | 'throw' | 'missing-export' | 'not-implemented' | 'timeout' | 'crash' | 'protocol' | 'compile' | 'skipped';
  message: string;
  name?: string;
  location?: SourceLocation;
  module?: string;
  fn?: string;
}

/** An event from the child: progress (importing a module) or a job's result. */
export type ChildEvent =
  | { id: number; phase: 'import'; module: string }
  | { id: number; ok: true; value: Encoded; mutated: string[]; ms: number }
  | { id: number; ok: false; error: ErrorInfo };
