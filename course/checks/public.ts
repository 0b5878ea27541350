// course/checks/public.ts — the public check functions, keyed by rubric id (the manifest's
// `checks.public`). Hidden checks live in hidden.ts, which the student release does not contain.
import type { CheckFn } from '../../grader/checks/common.ts';
import { STEP01 } from './step01.ts';
import { STEP02 } from './step02.ts';
import { STEP03 } from './step03.ts';
import { STEP04 } from './step04.ts';
import { STEP05 } from './step05.ts';
import { STEP06 } from './step06.ts';

export const CHECKS: Record<string, CheckFn> = { ...STEP01, ...STEP02, ...STEP03, ...STEP04, ...STEP05, ...STEP06 };
