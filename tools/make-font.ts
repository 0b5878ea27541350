// tools/make-font.ts — regenerates lib/fonts/: the subset of Noto Sans CJK JP that the pictures of
// `make train` draw their labels with, and its licence. Run it after editing lib/picture-labels.ts:
//
//   apt-get install -y python3-fonttools fonts-noto-cjk     # Debian / Ubuntu, once
//   npx tsx tools/make-font.ts [--source FONT.ttc|otf] [--font-number N]
//
// Why a subset: the whole font is 19 MB per weight and the student zip must stay small; the
// pictures need printable ASCII, a few symbols and the kana and kanji of their labels only
// (lib/picture-labels.ts `pictureCharacters`). The subset keeps kerning and drops hinting
// (lib/text.ts rasterises outlines with its own anti-aliasing) and vertical metrics.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pictureCharacters } from '../lib/picture-labels.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FONT_DIR = join(ROOT, 'lib/fonts');
export const FONT_FILE = 'NotoSansCJKjp-Regular-subset.otf';
const LICENCE_FILE = 'LICENSE-NotoSansCJK.txt';
const DEFAULT_SOURCE = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'; // Debian's fonts-noto-cjk
const DEBIAN_COPYRIGHT = '/usr/share/doc/fonts-noto-cjk/copyright';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** pyftsubset, as a command or as `python3 -m fontTools.subset` (Debian's python3 has it even
 *  where another python3 comes first on PATH). */
function subsetCommand(): string[] {
  const candidates = [['pyftsubset'], ['/usr/bin/python3', '-m', 'fontTools.subset'], ['python3', '-m', 'fontTools.subset']];
  for (const c of candidates) {
    if (spawnSync(c[0], [...c.slice(1), '--help'], { stdio: 'ignore' }).status === 0) return c;
  }
  throw new Error('fontTools not found: expected pyftsubset or python3 with fontTools (apt-get install -y python3-fonttools)');
}

/** The SIL OFL 1.1 text from Debian's copyright file (its "License: SIL-1.1" paragraph). */
function oflText(): string {
  const lines = readFileSync(DEBIAN_COPYRIGHT, 'utf8').split('\n');
  const start = lines.findIndex((l, i) => l.trim() === 'License: SIL-1.1' && /^\s/.test(lines[i + 1] ?? ''));
  if (start < 0) throw new Error(`${DEBIAN_COPYRIGHT}: expected a "License: SIL-1.1" paragraph with the licence text`);
  const body: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith(' ')) break;
    body.push(l === ' .' ? '' : l.slice(1));
  }
  return body.join('\n');
}

function main(): void {
  const source = arg('--source') ?? DEFAULT_SOURCE;
  const fontNumber = arg('--font-number') ?? '0'; // 0 = Noto Sans CJK JP in the Debian .ttc
  if (!existsSync(source)) throw new Error(`source font ${source} not found (apt-get install -y fonts-noto-cjk, or --source FILE)`);
  const chars = pictureCharacters();
  const unicodes = chars.map(c => c.codePointAt(0)!.toString(16).padStart(4, '0')).join(',');
  mkdirSync(FONT_DIR, { recursive: true });
  const out = join(FONT_DIR, FONT_FILE);
  const cmd = subsetCommand();
  execFileSync(cmd[0], [...cmd.slice(1), source, `--font-number=${fontNumber}`, `--unicodes=${unicodes}`,
    `--output-file=${out}`, '--layout-features=kern', '--no-hinting', '--notdef-outline',
    '--drop-tables+=VORG,vhea,vmtx,BASE', '--name-IDs=0,1,2,3,4,5,6,13,14', '--name-languages=0x409'], { stdio: 'inherit' });

  const copyright = execFileSync(cmd[0] === 'pyftsubset' ? 'python3' : cmd[0], ['-c',
    'import sys; from fontTools.ttLib import TTFont; n = TTFont(sys.argv[1])["name"]; print(n.getDebugName(0)); print(n.getDebugName(4))', out],
  { encoding: 'utf8' }).trim().split('\n');
  writeFileSync(join(FONT_DIR, LICENCE_FILE), [
    `${FONT_FILE}: a subset of ${copyright[1]} (${relative(ROOT, fileURLToPath(import.meta.url))} made it from Debian's`,
    'fonts-noto-cjk; upstream https://github.com/notofonts/noto-cjk). Subsetting is the only change.',
    '',
    copyright[0],
    "Noto Sans CJK is licensed under the SIL Open Font License, Version 1.1, with Reserved Font Name 'Source'.",
    '',
    oflText(),
    '',
  ].join('\n'));
  console.log(`wrote ${relative(ROOT, out)}: ${chars.length} characters, ${(statSync(out).size / 1024).toFixed(1)} KB; and ${LICENCE_FILE}`);
}

main();
