// lib/image.ts — pictures of digits: PNG grids and terminal previews.
// 画像出力: 784 × n の行列 (各列が 28×28 の画像) を PNG やターミナルに並べて表示します。
//
// Like MNIST itself, 0 is black background and 1 is white ink. Values are clipped to [0,1]
// (NaN shows as black), so reconstructions that overshoot still draw.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import { Matrix } from './matrix.ts';

export interface GridOptions {
  perRow: number;        // tiles per row
  rowLabels?: string[];  // one label per row of tiles, drawn in a strip at the left
  scale?: number;        // integer zoom of the whole picture (default 2: 28 px is tiny on screen)
  pad?: number;          // grey gap between tiles, in unscaled pixels (default 2)
}

export interface GrayImage { width: number; height: number; gray: Uint8Array }

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const GAP_GRAY = 96; // the gap is grey so that tiles with a light border stay apart
const TEXT_GRAY = 255;

// Classic 5×7 font for ASCII 32…126: 5 bytes per glyph, one per column, bit 0 = top row.
const FONT_HEX =
  '0000000000 00005f0000 0007000700 147f147f14 242a7f2a12 2313086462 3649552250 0005030000' + //  !"#$%&'
  '001c224100 0041221c00 082a1c2a08 08083e0808 0050300000 0808080808 0060600000 2010080402' + // ()*+,-./
  '3e5149453e 00427f4000 4261514946 2141454b31 1814127f10 2745454539 3c4a494930 0171090503' + // 01234567
  '3649494936 064949291e 0036360000 0056360000 0008142241 1414141414 4122140800 0201510906' + // 89:;<=>?
  '324979413e 7e1111117e 7f49494936 3e41414122 7f4141221c 7f49494941 7f09090101 3e41415132' + // @ABCDEFG
  '7f0808087f 00417f4100 2040413f01 7f08142241 7f40404040 7f0204027f 7f0408107f 3e4141413e' + // HIJKLMNO
  '7f09090906 3e4151215e 7f09192946 4649494931 01017f0101 3f4040403f 1f2040201f 7f2018207f' + // PQRSTUVW
  '6314081463 0304780403 6151494543 00007f4141 0204081020 41417f0000 0402010204 4040404040' + // XYZ[\]^_
  '0001020400 2054545478 7f48444438 3844444420 384444487f 3854545418 087e090102 081454543c' + // `abcdefg
  '7f08040478 00447d4000 2040443d00 007f102844 00417f4000 7c04180478 7c08040478 3844444438' + // hijklmno
  '7c14141408 081414187c 7c08040408 4854545420 043f444020 3c4040207c 1c2040201c 3c4030403c' + // pqrstuvw
  '4428102844 0c5050503c 4464544c44 0008364100 00007f0000 0041360800 0804081008'; // xyz{|}~
const FONT = Uint8Array.from(FONT_HEX.replace(/ /g, '').match(/../g)!, (h) => parseInt(h, 16));
const GLYPH_W = 5;
const GLYPH_H = 7;
const ADVANCE = GLYPH_W + 1;

function shape(m: Matrix): string {
  return `${m.rows}×${m.cols}`;
}

function checkTiles(what: string, images: Matrix, perRow: number): void {
  if (!(images instanceof Matrix)) throw new Error(`${what}: expected a Matrix of images, got ${typeof images}`);
  if (images.rows !== PIXELS) {
    throw new Error(`${what}: expected ${PIXELS} rows (one 28×28 image per column), got ${shape(images)}`);
  }
  if (images.cols < 1) throw new Error(`${what}: expected at least one image (column), got ${shape(images)}`);
  if (!Number.isInteger(perRow) || perRow < 1) throw new Error(`${what}: perRow must be an integer ≥ 1, got ${perRow}`);
}

function checkCount(what: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`${what}: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/** Pixel (r, c) of image j, clipped to [0,1]; NaN → 0. */
function pixel(images: Matrix, j: number, r: number, c: number): number {
  const v = images.data[(r * SIDE + c) * images.cols + j];
  return v > 0 ? (v < 1 ? v : 1) : 0;
}

function drawText(gray: Uint8Array, width: number, x0: number, y0: number, text: string): void {
  let x = x0;
  for (const ch of text) {
    let code = ch.codePointAt(0)!;
    if (code < 32 || code > 126) code = 63; // '?' for anything the font lacks
    for (let c = 0; c < GLYPH_W; c++) {
      const bits = FONT[(code - 32) * GLYPH_W + c];
      for (let r = 0; r < GLYPH_H; r++) if (bits & (1 << r)) gray[(y0 + r) * width + x + c] = TEXT_GRAY;
    }
    x += ADVANCE;
  }
}

/** Lay the columns of `images` out as 28×28 tiles, perRow per row, on a grey canvas. */
export function tileGrid(images: Matrix, opts: GridOptions): GrayImage {
  const what = 'tileGrid';
  checkTiles(what, images, opts.perRow);
  const scale = opts.scale ?? 2;
  const pad = opts.pad ?? 2;
  checkCount(what, 'scale', scale, 1);
  checkCount(what, 'pad', pad, 0);
  const n = images.cols;
  const cols = Math.min(opts.perRow, n);
  const rows = Math.ceil(n / opts.perRow);
  const labels = opts.rowLabels;
  if (labels !== undefined && labels.length !== rows) {
    throw new Error(`${what}: expected ${rows} rowLabels (${n} images, ${opts.perRow} per row), got ${labels.length}`);
  }
  const longest = labels ? Math.max(0, ...labels.map((l) => [...l].length)) : 0;
  const strip = longest > 0 ? 2 + longest * ADVANCE : 0; // 2 px margin before the text

  const w = strip + pad + cols * (SIDE + pad);
  const h = pad + rows * (SIDE + pad);
  const gray = new Uint8Array(w * h).fill(GAP_GRAY);
  for (let j = 0; j < n; j++) {
    const x0 = strip + pad + (j % opts.perRow) * (SIDE + pad);
    const y0 = pad + Math.floor(j / opts.perRow) * (SIDE + pad);
    for (let r = 0; r < SIDE; r++) {
      for (let c = 0; c < SIDE; c++) gray[(y0 + r) * w + x0 + c] = Math.round(255 * pixel(images, j, r, c));
    }
  }
  labels?.forEach((l, row) => drawText(gray, w, 2, pad + row * (SIDE + pad) + (SIDE - GLYPH_H) / 2 | 0, l));
  if (scale === 1) return { width: w, height: h, gray };

  // Nearest-neighbour zoom of the whole canvas, text included.
  const W = w * scale;
  const big = new Uint8Array(W * h * scale);
  for (let y = 0; y < h * scale; y++) {
    const src = Math.floor(y / scale) * w;
    for (let x = 0; x < W; x++) big[y * W + x] = gray[src + Math.floor(x / scale)];
  }
  return { width: W, height: h * scale, gray: big };
}

/** An 8-bit greyscale PNG file's bytes. */
export function encodePng(img: GrayImage): Buffer {
  const { width, height, gray } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be integers ≥ 1, got ${width}×${height}`);
  }
  if (gray.length !== width * height) {
    throw new Error(`encodePng: a ${width}×${height} image needs ${width * height} grey values, got ${gray.length}`);
  }
  const png = new PNG(); // no size yet: avoids allocating an unused RGBA buffer
  png.width = width;
  png.height = height;
  png.data = Buffer.from(gray.buffer, gray.byteOffset, gray.byteLength);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/** tileGrid + encodePng, written to `path` (its folder is created if needed). */
export function writePngGrid(path: string, images: Matrix, opts: GridOptions): void {
  const bytes = encodePng(tileGrid(images, opts));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

/** Each column scaled to [0,1] by its own min and max (a constant column becomes 0.5).
 *  For pictures of learned features, whose weights are on no fixed scale. */
export function normalizeColumns(W: Matrix): Matrix {
  const out = new Matrix(W.rows, W.cols);
  for (let j = 0; j < W.cols; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < W.rows; i++) {
      const v = W.data[i * W.cols + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    for (let i = 0; i < W.rows; i++) {
      const k = i * W.cols + j;
      out.data[k] = hi > lo ? (W.data[k] - lo) / (hi - lo) : 0.5;
    }
  }
  return out;
}

// ---- terminal previews --------------------------------------------------------------------
// Each tile is shrunk to 14 × 14 (mean of 2×2 pixels) and drawn as 14 characters × 7 lines:
// a character cell is about twice as tall as wide, so one cell shows 1 × 2 of those pixels.

const HALF = SIDE / 2;
const LINES_PER_TILE = HALF / 2;

function shrink(images: Matrix, j: number): Float64Array {
  const s = new Float64Array(HALF * HALF);
  for (let r = 0; r < HALF; r++) {
    for (let c = 0; c < HALF; c++) {
      s[r * HALF + c] = (pixel(images, j, 2 * r, 2 * c) + pixel(images, j, 2 * r, 2 * c + 1)
        + pixel(images, j, 2 * r + 1, 2 * c) + pixel(images, j, 2 * r + 1, 2 * c + 1)) / 4;
    }
  }
  return s;
}

/** Rows of tiles side by side (one space apart), an empty line between rows of tiles. */
function preview(what: string, images: Matrix, opts: { perRow: number; width?: number },
  cell: (upper: number, lower: number, first: boolean) => string, tileEnd: string): string {
  checkTiles(what, images, opts.perRow);
  let perRow = Math.min(opts.perRow, images.cols);
  if (opts.width !== undefined) {
    checkCount(what, 'width', opts.width, HALF);
    perRow = Math.min(perRow, Math.floor((opts.width + 1) / (HALF + 1))); // fit the terminal
  }
  const out: string[] = [];
  for (let j0 = 0; j0 < images.cols; j0 += perRow) {
    if (j0 > 0) out.push('');
    const tiles: Float64Array[] = [];
    for (let j = j0; j < Math.min(images.cols, j0 + perRow); j++) tiles.push(shrink(images, j));
    for (let line = 0; line < LINES_PER_TILE; line++) {
      out.push(tiles.map((s) => {
        let text = '';
        for (let c = 0; c < HALF; c++) text += cell(s[2 * line * HALF + c], s[(2 * line + 1) * HALF + c], c === 0);
        return text + tileEnd;
      }).join(' '));
    }
  }
  return out.join('\n');
}

/** Colour preview with '▀' (foreground = upper pixel, background = lower pixel).
 *  `width` (e.g. process.stdout.columns) lowers perRow so that lines fit;
 *  `colors: 256` uses the 256-colour grey ramp for terminals without 24-bit colour. */
export function terminalPreview(images: Matrix, opts: { perRow: number; width?: number; colors?: 24 | 256 }): string {
  const grey = (v: number) => {
    if (opts.colors === 256) {
      const level = Math.round(v * 25); // black (16), 24 greys (232…255), white (231)
      return String(level === 0 ? 16 : level === 25 ? 231 : 231 + level);
    }
    const g = Math.round(v * 255);
    return `2;${g};${g};${g}`;
  };
  const mode = opts.colors === 256 ? '5;' : '';
  let fg = '';
  let bg = '';
  // Send a colour only when it changes: most of a digit is black, so output shrinks ~10×.
  const cell = (u: number, l: number, first: boolean) => {
    let out = '';
    const f = grey(u);
    const b = grey(l);
    if (first || f !== fg) out += `\x1b[38;${mode}${(fg = f)}m`;
    if (first || b !== bg) out += `\x1b[48;${mode}${(bg = b)}m`;
    return out + '▀';
  };
  return preview('terminalPreview', images, opts, cell, '\x1b[0m');
}

const SHADES = ' ░▒▓█';

/** Preview without colour: one shade character per cell (mean of its 2 × 4 original pixels),
 *  same layout as terminalPreview. */
export function terminalPreviewPlain(images: Matrix, opts: { perRow: number; width?: number }): string {
  return preview('terminalPreviewPlain', images, opts,
    (u, l) => SHADES[Math.min(SHADES.length - 1, Math.floor(((u + l) / 2) * SHADES.length))], '');
}
