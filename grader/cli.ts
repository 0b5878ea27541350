// grader/cli.ts — `npx tsx grader/cli.ts [--course DIR] grade|batch|merge|watch …`
// The course is chosen before anything else loads (every table of steps derives from its
// manifest): `--course DIR` or GRADER_COURSE, else this repository's lecture.
import { resolve } from 'node:path';

const i = process.argv.indexOf('--course');
if (i > 1) {
  const dir = process.argv[i + 1];
  if (!dir || dir.startsWith('-')) {
    console.error('error: --course needs a folder that holds course/manifest.ts');
    process.exit(2);
  }
  process.env.GRADER_COURSE = resolve(dir);
  process.argv.splice(i, 2);
}
await import('./commands.ts');
