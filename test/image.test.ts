import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { Matrix } from '../lib/matrix.ts';
import { encodePng, normalizeColumns, terminalPreview, terminalPreviewPlain, tileGrid, writePngGrid } from '../lib/image.ts';

const root = mkdtempSync(join(tmpdir(), 'image-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** n black 28×28 images; `ink` lists [image, row, col, value] pixels to set. */
function images(n: number, ink: [number, number, number, number][] = []): Matrix {
  const m = new Matrix(784, n);
  for (const [j, r, c, v] of ink) m.set(r * 28 + c, j, v);
  return m;
}

const at = (img: { width: number; gray: Uint8Array }, x: number, y: number) => img.gray[y * img.width + x];

/** Pixels of text ink (lighter than the grey gap by a clear margin) in the box [x0, x1) × [y0, y1). */
function inked(img: { width: number; gray: Uint8Array }, x0: number, x1: number, y0: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (at(img, x, y) >= 160) n++;
  return n;
}

describe('tileGrid', () => {
  it('lays tiles out left to right, perRow per row, with a grey gap', () => {
    // Tile 1 (second in the first row) has one white pixel at row 5, col 7; tile 2 starts row 2.
    const g = tileGrid(images(3, [[1, 5, 7, 1], [2, 0, 0, 0.5]]), { perRow: 2, pad: 2, scale: 1 });
    expect([g.width, g.height]).toEqual([2 + 2 * 30, 2 + 2 * 30]);
    expect(at(g, 2 + 30 + 7, 2 + 5)).toBe(255);
    expect(at(g, 2 + 30 + 8, 2 + 5)).toBe(0);     // black background around it
    expect(at(g, 2, 2 + 30)).toBe(128);           // tile 2's first pixel, 0.5 → 128
    expect(at(g, 0, 0)).toBe(96);                 // the gap is grey, not ink or background
    expect(at(g, 2 + 30, 2 + 30)).toBe(96);       // the empty slot after the last tile too
  });

  it('clips values to [0,1] and draws NaN as black', () => {
    const g = tileGrid(images(1, [[0, 0, 0, 3], [0, 0, 1, -2], [0, 0, 2, NaN], [0, 0, 3, 0.2]]), { perRow: 1, pad: 0, scale: 1 });
    expect(Array.from(g.gray.subarray(0, 4))).toEqual([255, 0, 0, 51]);
  });

  it('scales the whole picture by an integer factor', () => {
    const g = tileGrid(images(1, [[0, 3, 4, 1]]), { perRow: 1, pad: 1, scale: 3 });
    expect([g.width, g.height]).toEqual([30 * 3, 30 * 3]);
    for (const [dx, dy] of [[0, 0], [2, 2], [1, 0]]) expect(at(g, (1 + 4) * 3 + dx, (1 + 3) * 3 + dy)).toBe(255);
    expect(at(g, (1 + 4) * 3 + 3, (1 + 3) * 3)).toBe(0);
  });

  it('draws row labels in a strip at the left, and different text draws differently', () => {
    const imgs = images(4);
    const plain = tileGrid(imgs, { perRow: 2, pad: 2, scale: 1 });
    const a = tileGrid(imgs, { perRow: 2, pad: 2, scale: 1, rowLabels: ['in', 'out'] });
    const b = tileGrid(imgs, { perRow: 2, pad: 2, scale: 1, rowLabels: ['in', 'OUT'] });
    const strip = a.width - plain.width;
    expect(strip).toBeGreaterThan(3 * 5); // room for "out" at 13 px
    expect(a.height).toBe(plain.height);
    expect(inked(a, 0, strip, 2, 30)).toBeGreaterThan(5);   // "in" beside row 0
    expect(inked(a, 0, strip, 32, 60)).toBeGreaterThan(5);  // "out" beside row 1
    expect(inked(plain, 0, plain.width, 0, plain.height)).toBe(0);
    expect(Buffer.from(a.gray).equals(Buffer.from(b.gray))).toBe(false);
    // The tiles themselves are unchanged, only shifted right by the strip.
    expect(at(a, strip + 2, 2)).toBe(at(plain, 2, 2));
  });

  it('draws two-line labels (Japanese, then English) and a title band, at full size whatever the scale', () => {
    const imgs = images(6);
    const plain = tileGrid(imgs, { perRow: 3, scale: 2 });
    const g = tileGrid(imgs, { perRow: 3, scale: 2, rowLabels: ['原画像\noriginal', '再現画像\nreconstruction'], title: 'テスト画像の再現 / test digits' });
    const band = g.height - plain.height;
    const strip = g.width - plain.width;
    expect(band).toBeGreaterThan(13);  // one 15 px line of title
    expect(strip).toBeGreaterThan(60); // "reconstruction" at 13 px
    expect(inked(g, 0, g.width, 0, band)).toBeGreaterThan(100);
    // Each label's two lines: ink in the upper and in the lower half of its row of tiles.
    for (const row of [0, 1]) {
      const top = band + 4 + row * 60;
      expect(inked(g, 0, strip, top, top + 28), `row ${row}, Japanese line`).toBeGreaterThan(20);
      expect(inked(g, 0, strip, top + 28, top + 56), `row ${row}, English line`).toBeGreaterThan(20);
    }
    // Anti-aliased text: edges blend into the grey, so there are values between grey and white.
    const greys = new Set(g.gray.subarray(0, band * g.width));
    expect([...greys].filter(v => v > 100 && v < 250).length).toBeGreaterThan(20);
  });

  it('rejects wrong inputs, saying what was expected and what came', () => {
    expect(() => tileGrid(new Matrix(28, 28), { perRow: 1 })).toThrow(/expected 784 rows.*got 28×28/);
    expect(() => tileGrid(images(0), { perRow: 1 })).toThrow(/at least one image.*got 784×0/);
    expect(() => tileGrid(images(2), { perRow: 0 })).toThrow(/perRow must be an integer ≥ 1, got 0/);
    expect(() => tileGrid(images(2), { perRow: 1.5 })).toThrow(/got 1.5/);
    expect(() => tileGrid(images(5), { perRow: 2, rowLabels: ['a', 'b'] })).toThrow(/expected 3 rowLabels.*got 2/);
    expect(() => tileGrid(images(1), { perRow: 1, scale: 0 })).toThrow(/scale must be an integer ≥ 1, got 0/);
    expect(() => tileGrid(images(1), { perRow: 1, pad: -1 })).toThrow(/pad must be an integer ≥ 0, got -1/);
    expect(() => tileGrid(images(1), { perRow: 1, fontSize: 2 })).toThrow(/fontSize must be between 6 and 200 px, got 2/);
  });
});

describe('PNG output', () => {
  it('writes a grid that decodes to the same pixels (and creates the folder)', () => {
    const imgs = images(5, [[0, 0, 0, 1], [4, 27, 27, 1], [2, 10, 10, 0.25]]);
    const opts = { perRow: 3, rowLabels: ['x', 'x+noise'], scale: 2, pad: 2 };
    const path = join(root, 'deep', 'er', 'grid.png');
    writePngGrid(path, imgs, opts);
    const png = PNG.sync.read(readFileSync(path));
    const g = tileGrid(imgs, opts);
    expect([png.width, png.height]).toEqual([g.width, g.height]);
    for (let k = 0; k < g.gray.length; k++) {
      if (png.data[4 * k] !== g.gray[k] || png.data[4 * k + 1] !== g.gray[k] || png.data[4 * k + 3] !== 255) {
        throw new Error(`pixel ${k}: PNG has ${Array.from(png.data.subarray(4 * k, 4 * k + 4))}, expected grey ${g.gray[k]}`);
      }
    }
    const strip = g.width - 2 * (2 + 3 * 30); // tiles at scale 2 follow the label strip
    expect(png.data[4 * ((2 * 2) * g.width + strip + 2 * 2)]).toBe(255); // image 0, pixel (0,0)
  });

  it('writes an RGB picture that decodes to the same colours', () => {
    const rgb = Uint8Array.from({ length: 3 * 4 * 3 }, (_, k) => (k * 37) % 256);
    const png = PNG.sync.read(encodePng({ width: 4, height: 3, rgb }));
    expect([png.width, png.height]).toEqual([4, 3]);
    for (let p = 0; p < 12; p++) expect(Array.from(png.data.subarray(4 * p, 4 * p + 3)), `pixel ${p}`).toEqual(Array.from(rgb.subarray(3 * p, 3 * p + 3)));
  });

  it('checks the size against the data', () => {
    expect(() => encodePng({ width: 2, height: 2, gray: new Uint8Array(3) })).toThrow(/needs 4 grey values, got 3/);
    expect(() => encodePng({ width: 2, height: 2, rgb: new Uint8Array(4) })).toThrow(/needs 12 RGB bytes, got 4/);
    expect(() => encodePng({ width: 0, height: 2, gray: new Uint8Array(0) })).toThrow(/got 0×2/);
  });
});

describe('normalizeColumns', () => {
  it('scales each column by its own min/max; a constant column becomes 0.5', () => {
    const W = Matrix.fromRows([[-2, 5, 1], [0, 5, 3], [2, 5, 2]]);
    expect(normalizeColumns(W).data).toEqual(Float64Array.of(0, 0.5, 0, 0.5, 0.5, 1, 1, 0.5, 0.5));
    expect(W.get(0, 0)).toBe(-2); // input untouched
  });
});

describe('terminal previews', () => {
  // Image 0 has a 4-tall × 2-wide block of ink at the top left: exactly the first text cell.
  const block: [number, number, number, number][] = [];
  for (let r = 0; r < 4; r++) for (let c = 0; c < 2; c++) block.push([0, r, c, 1]);
  const imgs = images(5, block);

  it('colour: 7 lines per row of tiles, an empty line between rows, half blocks and ANSI greys', () => {
    const out = terminalPreview(imgs, { perRow: 3 });
    const lines = out.split('\n');
    expect(lines.length).toBe(7 + 1 + 7);
    expect(lines[7]).toBe('');
    expect(out).toContain('▀');
    expect(lines[0].startsWith('\x1b[38;2;255;255;255m\x1b[48;2;255;255;255m▀')).toBe(true); // upper and lower ink
    expect(lines[0]).toContain('\x1b[38;2;0;0;0m\x1b[48;2;0;0;0m▀'); // then black on black
    const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
    expect(visible(lines[0])).toBe(Array(3).fill('▀'.repeat(14)).join(' '));
    expect(visible(lines[8])).toBe(Array(2).fill('▀'.repeat(14)).join(' '));
    expect(terminalPreview(imgs, { perRow: 3, colors: 256 }).split('\n')[0].startsWith('\x1b[38;5;231m\x1b[48;5;231m▀')).toBe(true);
  });

  it('width lowers perRow so that lines fit', () => {
    expect(terminalPreview(imgs, { perRow: 5, width: 40 }).split('\n').length).toBe(3 * 7 + 2); // 2 per row
    expect(() => terminalPreview(imgs, { perRow: 5, width: 10 })).toThrow(/width must be an integer ≥ 14, got 10/);
  });

  it('plain: same layout with shade characters only', () => {
    const out = terminalPreviewPlain(imgs, { perRow: 5 });
    const lines = out.split('\n');
    expect(lines.length).toBe(7);
    expect(lines.every((l) => l.length === 5 * 14 + 4)).toBe(true);
    expect(/^[ ░▒▓█\n]*$/.test(out)).toBe(true);
    expect(lines[0][0]).toBe('█');
    expect(lines[0][1]).toBe(' ');
  });

  it('validates like tileGrid', () => {
    expect(() => terminalPreview(new Matrix(10, 1), { perRow: 1 })).toThrow(/expected 784 rows.*got 10×1/);
    expect(() => terminalPreviewPlain(imgs, { perRow: 0 })).toThrow(/perRow must be an integer ≥ 1, got 0/);
  });
});
