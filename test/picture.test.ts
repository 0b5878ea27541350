// The pictures' text and the learning curve: the subset font holds every label, glyphs are
// real glyphs (a 'g' is not a '9'), the rasteriser covers what it should, and the learning
// curve has its panels, lines and labels.
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drawLearningCurve, niceTicks, terminalCurve, type CurveInput } from '../lib/curve.ts';
import type { RgbImage } from '../lib/image.ts';
import { EXTRA_GLYPHS, PICTURE_LABELS, pictureCharacters } from '../lib/picture-labels.ts';
import { drawText, fillPolygons, FONT_PATH, missingCharacters, textWidth, type Polygon } from '../lib/text.ts';

/** A white-on-black canvas with `text` drawn at `size` px, baseline at y = 30. */
function render(text: string, size = 20, width = 400, height = 44) {
  const cov = new Float64Array(width * height);
  drawText((x, y, a) => { cov[y * width + x] = a; }, width, height, text, 4, 30, size);
  return { width, height, cov, inkRows: (y0: number, y1: number) => {
    let n = 0;
    for (let y = y0; y < y1; y++) for (let x = 0; x < width; x++) if (cov[y * width + x] > 0.5) n++;
    return n;
  } };
}

/** Runs of inked columns from left to right: one per glyph when glyphs do not touch. */
function inkRuns(r: ReturnType<typeof render>): number {
  let runs = 0, inside = false;
  for (let x = 0; x < r.width; x++) {
    let ink = false;
    for (let y = 0; y < r.height; y++) if (r.cov[y * r.width + x] > 0.25) { ink = true; break; }
    if (ink && !inside) runs++;
    inside = ink;
  }
  return runs;
}

describe('the subset font', () => {
  it('has a glyph for every character of every label, of printable ASCII and of EXTRA_GLYPHS', () => {
    const all = Object.values(PICTURE_LABELS).flatMap(l => [l.ja, l.en]).join('');
    expect(missingCharacters(all)).toEqual([]);
    expect(missingCharacters(pictureCharacters().join(''))).toEqual([]);
    expect(missingCharacters(EXTRA_GLYPHS)).toEqual([]);
    expect(missingCharacters('Ω')).toEqual(['Ω']); // the check can fail: a character outside the subset
  });

  it('is small: the student zip must stay under 2 MB', () => {
    expect(statSync(FONT_PATH).size).toBeLessThan(100 * 1024);
  });
});

describe('text', () => {
  it("'g' and 'p' go below the baseline, '9' and 'P' do not: 'original' no longer reads 'ori9inal'", () => {
    for (const ch of ['g', 'p']) expect(render(ch).inkRows(31, 44), ch).toBeGreaterThan(5);
    for (const ch of ['9', 'P']) expect(render(ch).inkRows(31, 44), ch).toBe(0);
    expect(Array.from(render('g').cov)).not.toEqual(Array.from(render('9').cov));
  });

  it('draws one glyph per character: "1 1 1 1" has four glyphs, "原画像" three', () => {
    expect(inkRuns(render('1 1 1 1'))).toBe(4);
    expect(inkRuns(render('原 画 像'))).toBe(3);
    expect(inkRuns(render(''))).toBe(0);
  });

  it('is anti-aliased and sized by the font: wider text for more characters and a larger size', () => {
    const r = render('original');
    expect(r.cov.some(a => a > 0.1 && a < 0.9)).toBe(true);
    expect(textWidth('original', 26)).toBeCloseTo(textWidth('original', 13) * 2, 6);
    expect(textWidth('原画像', 13)).toBeCloseTo(3 * 13, 0); // kanji are one em wide
  });

  it('draws a combining tilde over the letter before it (W̃1)', () => {
    const plain = render('W1', 20), tilde = render('W\u03031', 20);
    const capTop = 30 - 15; // a capital is about 0.73 em tall
    expect(plain.inkRows(0, capTop - 1)).toBe(0);
    expect(tilde.inkRows(0, capTop - 1)).toBeGreaterThan(3);
    expect(textWidth('W\u03031', 20)).toBe(textWidth('W1', 20)); // it takes no room of its own
  });
});

describe('fillPolygons', () => {
  const cover = (polys: Polygon[], w = 20, h = 20) => {
    const c = new Float64Array(w * h);
    fillPolygons(polys, w, h, (x, y, a) => { c[y * w + x] += a; });
    return c;
  };
  const sum = (c: Float64Array) => c.reduce((s, v) => s + v, 0);

  it('covers a pixel-aligned square exactly, and half of each edge pixel of a shifted one', () => {
    const c = cover([[2, 2, 12, 2, 12, 12, 2, 12]]);
    expect(sum(c)).toBeCloseTo(100, 10);
    expect(c.filter(v => v > 0).every(v => Math.abs(v - 1) < 1e-12)).toBe(true);
    const half = cover([[2.5, 2, 12.5, 2, 12.5, 12, 2.5, 12]]);
    expect(sum(half)).toBeCloseTo(100, 10);
    expect(half[5 * 20 + 2]).toBeCloseTo(0.5, 10);
    expect(half[5 * 20 + 12]).toBeCloseTo(0.5, 10);
  });

  it('nonzero winding: a contour wound the other way is a hole; the same way, a union', () => {
    const outer = [0, 0, 10, 0, 10, 10, 0, 10];
    const holeCcw = [3, 3, 3, 7, 7, 7, 7, 3];
    const sameCw = [3, 3, 7, 3, 7, 7, 3, 7];
    expect(sum(cover([outer, holeCcw]))).toBeCloseTo(100 - 16, 10);
    expect(sum(cover([outer, sameCw]))).toBeCloseTo(100, 10);
  });

  it('clips to the canvas and ignores degenerate input', () => {
    expect(sum(cover([[-5, -5, 30, -5, 30, 30, -5, 30]]))).toBeCloseTo(400, 10);
    expect(sum(cover([[], [1, 1, 5, 1], [NaN, 0, 3, 3, 0, 3]]))).toBe(0);
  });
});

describe('the learning curve', () => {
  const loss = [23.9, 14.6, 10.7, 8.6, 7.2, 6.3, 5.7, 5.2, 4.9, 4.7];
  const err = [0.0447, 0.0308, 0.0239, 0.0199, 0.0173, 0.0153, 0.0140, 0.0129, 0.0122, 0.0117];
  const history = loss.map((l, i) => ({ epoch: i + 1, trainLoss: l, testError: err[i] }));
  const plain: CurveInput = { history, output: 'identity', pca: 0.00916, subtitle: 'q=64, epochs=10' };
  const denoising: CurveInput = {
    ...plain, noisyInput: 0.09, history: history.map(r => ({ ...r, noisyTestError: r.testError * 1.5 })),
  };

  /** Pixels close to a colour in the box [x0, x1) × [y0, y1). */
  function count(img: RgbImage, rgb: [number, number, number], x0 = 0, x1 = img.width, y0 = 0, y1 = img.height, tol = 40): number {
    let n = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const k = 3 * (y * img.width + x);
        if (Math.abs(img.rgb[k] - rgb[0]) + Math.abs(img.rgb[k + 1] - rgb[1]) + Math.abs(img.rgb[k + 2] - rgb[2]) <= tol) n++;
      }
    }
    return n;
  }
  const BLUE: [number, number, number] = [31, 119, 180], RED: [number, number, number] = [214, 39, 40];
  const GREY: [number, number, number] = [110, 110, 110], DARK: [number, number, number] = [34, 34, 34];

  it('is a 1000 px wide colour picture with two panels, each with its curve', () => {
    const img = drawLearningCurve(plain);
    expect(img.width).toBe(1000);
    expect(img.height).toBeGreaterThan(350);
    expect(img.rgb.length).toBe(img.width * img.height * 3);
    const mid = img.width / 2;
    // Each panel's plot area (below the titles, above the axis names) holds a blue curve.
    expect(count(img, BLUE, 0, mid, 100, 380)).toBeGreaterThan(500);
    expect(count(img, BLUE, mid, img.width, 100, 380)).toBeGreaterThan(500);
    // PCA's dashed grey reference line in the right panel only.
    expect(count(img, GREY, mid + 60, img.width - 20, 100, 380, 12)).toBeGreaterThan(150);
    expect(count(img, GREY, 60, mid - 20, 100, 380, 12)).toBeLessThan(50);
    const noPca = drawLearningCurve({ ...plain, pca: undefined });
    expect(count(noPca, GREY, mid + 60, img.width - 20, 100, 380, 12)).toBeLessThan(50);
    expect(count(img, RED)).toBe(0); // no denoising, no red lines
  });

  it('has its labels: title, panel titles, axis names and legends are inked', () => {
    const img = drawLearningCurve(plain);
    expect(count(img, DARK, 0, 400, 0, 40)).toBeGreaterThan(100);        // 学習曲線 / learning curve
    expect(count(img, DARK, 0, 480, 60, 100)).toBeGreaterThan(100);      // the left panel's two title lines
    expect(count(img, DARK, 520, 1000, 60, 100)).toBeGreaterThan(100);   // the right panel's
    expect(count(img, DARK, 0, img.width, img.height - 70, img.height)).toBeGreaterThan(150); // legends
  });

  it('with σ > 0 also draws the noisy input (dashed) and its reconstruction (solid), in red', () => {
    const img = drawLearningCurve(denoising);
    expect(count(img, RED, img.width / 2, img.width, 100, 380)).toBeGreaterThan(800);
    expect(count(img, RED, 0, img.width / 2, 100, 380)).toBe(0);
    expect(img.height).toBeGreaterThan(drawLearningCurve(plain).height); // two more legend lines
  });

  it('draws a single epoch as a point, skips NaN, refuses an empty history', () => {
    const one = drawLearningCurve({ ...plain, history: history.slice(0, 1) });
    expect(count(one, BLUE, 0, 500, 100, 380)).toBeGreaterThan(15);
    const gap = drawLearningCurve({ ...plain, history: history.map((r, i) => (i === 4 ? { ...r, testError: NaN } : r)) });
    expect(count(gap, BLUE, 500, 1000, 100, 380)).toBeGreaterThan(300);
    expect(() => drawLearningCurve({ ...plain, history: [] })).toThrow('drawLearningCurve: expected at least one epoch in history, got none');
  });

  it('niceTicks: steps of 1, 2 or 5 × 10^k up to at least the maximum', () => {
    expect(niceTicks(24.9)).toEqual({ step: 5, top: 25, decimals: 0 });
    expect(niceTicks(0.0465)).toEqual({ step: 0.01, top: 0.05, decimals: 2 });
    expect(niceTicks(0.093).top).toBeCloseTo(0.1, 12);
    expect(niceTicks(0)).toEqual({ step: 1, top: 1, decimals: 0 });
  });

  it('in the terminal: braille curves in one language, colour only when asked, lines within the width', () => {
    const ja = terminalCurve(denoising, { lang: 'ja', width: 80 });
    const en = terminalCurve(plain, { lang: 'en', width: 80, colors: 24 });
    expect(ja).toMatch(/[\u2801-\u28ff]/);
    expect(ja).toContain(PICTURE_LABELS.testError.ja);
    expect(ja).toContain(PICTURE_LABELS.noisyInput.ja);
    expect(ja).not.toContain(PICTURE_LABELS.testError.en);
    expect(ja).not.toMatch(/\x1b\[/);
    expect(en).toContain('PCA (same q) 0.00916');
    expect(en).toContain('\x1b[38;2;31;119;180m');
    const visible = en.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    expect(Math.max(...visible.map(l => l.length))).toBeLessThanOrEqual(80);
  });
});
