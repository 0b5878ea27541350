// npm run stubs — regenerate assignments/ from solutions/ (never edit assignments/ by hand).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stubsFrom } from './stubs.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2] ?? join(root, 'assignments');
mkdirSync(outDir, { recursive: true });
for (const [name, text] of stubsFrom(join(root, 'solutions'))) {
  writeFileSync(join(outDir, name), text);
  console.log(`wrote ${join(outDir, name)}`);
}
