// `make train` end to end (course/train-cli.ts): what it prints in each language, the denoiser's
// "noisy input: X, reconstruction: Y" line, and the four files it writes. Short runs (q = 8,
// one or two epochs) of the reference solutions on the course's MNIST split.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'train-cli-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }

/** `tsx course/train-cli.ts …` with only the given locale variables (not a terminal). */
function trainCli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'course/train-cli.ts'), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b; });
    p.stderr.on('data', (b: Buffer) => { stderr += b; });
    p.on('error', reject);
    p.on('close', code => resolve({ code, stdout, stderr }));
  });
}

const kana = /[\u3040-\u30ff]/;
const png = (f: string) => PNG.sync.read(readFileSync(f));

describe('make train', () => {
  let en: Run, ja: Run, stubs: Run;
  const dirEn = join(out, 'en'), dirJa = join(out, 'ja');

  beforeAll(async () => {
    [en, ja, stubs] = await Promise.all([
      trainCli(['--solution', '--epochs', '2', '--q', '8', '--sigma', '0.3', '--lang', 'en', '--preview', '--out', dirEn], { LANG: 'ja_JP.UTF-8' }),
      trainCli(['--solution', '--epochs', '1', '--q', '8', '--out', dirJa], { LANG: 'C.UTF-8' }),
      trainCli(['--out', join(out, 'stubs')], { GRADE_LANG: 'en' }), // ./assignments: the untouched stubs
    ]);
  }, 240_000);

  it('--sigma prints the noisy input\'s error next to the reconstruction\'s, and the reconstruction wins', () => {
    expect(en.code, en.stderr).toBe(0);
    const m = /noisy input \(σ=0\.3\): (\d\.\d+), reconstruction: (\d\.\d+) \((\d+)% of the input's error\)/.exec(en.stdout);
    expect(m, en.stdout).not.toBeNull();
    const [input, recon] = [Number(m![1]), Number(m![2])];
    expect(input).toBeCloseTo(0.09, 2); // σ² per pixel
    expect(recon).toBeLessThan(input);
    expect(en.stdout).toMatch(/epoch {2}train loss {2}test error {4}denoised {2}seconds/);
    expect(en.stdout).not.toMatch(kana); // --lang en wins over LANG=ja_JP
  });

  it('--preview shows the learning curve, the reconstructions and a row of features', () => {
    expect(en.stdout).toContain('learning curve (picture: learning-curve.png)');
    expect(en.stdout).toMatch(/[\u2801-\u28ff]/);              // braille curve
    expect(en.stdout).toContain('top: originals, middle: noisy, bottom: reconstructions');
    expect(en.stdout).toContain('the first 8 of 8 learned features');
    expect(en.stdout).toMatch(/[░▒▓█]/);                       // plain previews: not a terminal
    expect(en.stdout).not.toMatch(/\x1b\[/);
  });

  it('writes learning-curve.png, reconstruction.png (three rows with σ), features.png and loss.csv', () => {
    const curve = png(join(dirEn, 'learning-curve.png'));
    expect(curve.width).toBe(1000);
    const recon = png(join(dirEn, 'reconstruction.png'));
    const recon2 = png(join(dirJa, 'reconstruction.png'));
    expect(recon.height - recon2.height).toBe(60); // one more row of 28 px tiles at scale 2, 2 px gaps
    expect(recon.width).toBeGreaterThan(10 * 60);
    const features = png(join(dirEn, 'features.png'));
    expect(features.height).toBeGreaterThan(3 * 60); // 8 features: 3 rows of 3, under a title
    const csv = readFileSync(join(dirEn, 'loss.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('epoch,train_loss,test_error,seconds,denoised_error');
    expect(csv).toHaveLength(3);
    expect(readFileSync(join(dirJa, 'loss.csv'), 'utf8').split('\n')[0]).toBe('epoch,train_loss,test_error,seconds');
  });

  it('speaks Japanese under C.UTF-8 (WSL\'s default), and shows no preview when not on a terminal', () => {
    expect(ja.code, ja.stderr).toBe(0);
    expect(ja.stdout).toContain('オートエンコーダの学習 (solutions/ の関数で)');
    expect(ja.stdout).toContain('テスト誤差 (1 画素あたりの二乗誤差):');
    expect(ja.stdout).not.toContain('training the autoencoder');
    expect(ja.stdout).not.toContain('ノイズ入りの入力'); // σ = 0: no denoising line
    expect(ja.stdout).not.toMatch(/[\u2801-\u28ff]/);
    expect(existsSync(join(dirJa, 'learning-curve.png'))).toBe(true);
  });

  it('on the untouched stubs, names the first function to write, in the chosen language, and writes nothing', () => {
    expect(stubs.code).toBe(1);
    expect(stubs.stderr).toContain('forward() in assignments/01_forward.ts is not implemented yet.');
    expect(stubs.stderr).not.toMatch(kana);
    expect(existsSync(join(out, 'stubs'))).toBe(false);
  });
});
