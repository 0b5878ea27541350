// lib/image.ts — pictures of digits: PNG grids and terminal previews.
// 画像出力: 784 × n の行列 (各列が 28×28 の画像) を PNG やターミナルに並べて表示します。
//
// Like MNIST itself, 0 is black background and 1 is white ink. Values are clipped to [0,1]
// (NaN shows as black), so reconstructions that overshoot still draw.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import { Matrix } from './matrix.ts';
import { drawText, fontMetrics, textWidth, type Plot } from './text.ts';

export interface GridOptions {
  perRow: number;        // tiles per row
  rowLabels?: string[];  // one label per row of tiles, drawn in a strip at the left ('\n' = next line)
  title?: string;        // drawn in a band above the tiles ('\n' = next line)
  scale?: number;        // integer zoom of the tiles (default 2: 28 px is tiny on screen); text is drawn at full size
  pad?: number;          // grey gap between tiles, in unscaled pixels (default 2)
  fontSize?: number;     // px of the row labels (default 13; the title is 2 px larger)
}

export interface GrayImage { width: number; height: number; gray: Uint8Array }
/** 8-bit RGB, 3 bytes per pixel, row by row. */
export interface RgbImage { width: number; height: number; rgb: Uint8Array }

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const GAP_GRAY = 96; // the gap is grey so that tiles with a light border stay apart
const TEXT_GRAY = 255;
const LABEL_SIZE = 13;  // px: Japanese stays legible from 12 px on
const MARGIN = 6;       // px around the text of labels and titles

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

/** A Plot that blends `value` into a grey image by coverage. */
export function grayPlot(img: GrayImage, value: number): Plot {
  return (x, y, a) => {
    const k = y * img.width + x;
    img.gray[k] = Math.round(img.gray[k] * (1 - a) + value * a);
  };
}

/** Lines of text stacked at `size` px, the block's top at y; returns nothing, draws through plot. */
function drawLines(img: GrayImage, lines: string[], x: number, top: number, size: number): void {
  const { ascent, lineHeight } = fontMetrics(size);
  const plot = grayPlot(img, TEXT_GRAY);
  lines.forEach((line, i) => drawText(plot, img.width, img.height, line, x, Math.round(top + i * lineHeight + ascent * 0.88), size));
}

/** Height in px of `n` lines of text at `size` px, as drawLines stacks them. */
function linesHeight(n: number, size: number): number {
  const { ascent, descent, lineHeight } = fontMetrics(size);
  return n === 0 ? 0 : Math.ceil((n - 1) * lineHeight + (ascent + descent) * 0.88);
}

/** Lay the columns of `images` out as 28×28 tiles, perRow per row, on a grey canvas, with
 *  optional row labels at the left and a title above (both in the real font, at full size). */
export function tileGrid(images: Matrix, opts: GridOptions): GrayImage {
  const what = 'tileGrid';
  checkTiles(what, images, opts.perRow);
  const scale = opts.scale ?? 2;
  const pad = opts.pad ?? 2;
  const size = opts.fontSize ?? LABEL_SIZE;
  checkCount(what, 'scale', scale, 1);
  checkCount(what, 'pad', pad, 0);
  if (!(size >= 6 && size <= 200)) throw new Error(`${what}: fontSize must be between 6 and 200 px, got ${size}`);
  const n = images.cols;
  const cols = Math.min(opts.perRow, n);
  const rows = Math.ceil(n / opts.perRow);
  const labels = opts.rowLabels?.map(l => l.split('\n'));
  if (labels !== undefined && labels.length !== rows) {
    throw new Error(`${what}: expected ${rows} rowLabels (${n} images, ${opts.perRow} per row), got ${labels.length}`);
  }
  const titleSize = size + 2;
  const titleLines = opts.title ? opts.title.split('\n') : [];
  const widest = (lines: string[], px: number) => Math.max(0, ...lines.map(l => Math.ceil(textWidth(l, px))));
  const labelWidth = labels ? widest(labels.flat(), size) : 0;
  const strip = labelWidth > 0 ? labelWidth + 2 * MARGIN - pad * scale : 0; // the tiles' own gap is the right margin
  const band = titleLines.length > 0 ? linesHeight(titleLines.length, titleSize) + 2 * MARGIN - pad * scale : 0;

  const pitch = (SIDE + pad) * scale;
  const tilesW = pad * scale + cols * pitch;
  const w = Math.max(Math.max(0, strip) + tilesW, titleLines.length > 0 ? widest(titleLines, titleSize) + 2 * MARGIN : 0);
  const h = Math.max(0, band) + pad * scale + rows * pitch;
  const img: GrayImage = { width: w, height: h, gray: new Uint8Array(w * h).fill(GAP_GRAY) };
  const x0 = Math.max(0, strip) + pad * scale, y0 = Math.max(0, band) + pad * scale;
  for (let j = 0; j < n; j++) {
    const left = x0 + (j % opts.perRow) * pitch;
    const top = y0 + Math.floor(j / opts.perRow) * pitch;
    for (let r = 0; r < SIDE * scale; r++) {
      const row = (top + r) * w + left;
      const src = Math.floor(r / scale);
      for (let c = 0; c < SIDE * scale; c++) img.gray[row + c] = Math.round(255 * pixel(images, j, src, Math.floor(c / scale)));
    }
  }
  if (titleLines.length > 0) drawLines(img, titleLines, MARGIN, MARGIN, titleSize);
  labels?.forEach((lines, row) => {
    const middle = y0 + row * pitch + (SIDE * scale) / 2;
    drawLines(img, lines, MARGIN, middle - linesHeight(lines.length, size) / 2, size);
  });
  return img;
}

/** A PNG file's bytes: 8-bit greyscale for a GrayImage, 8-bit RGB for an RgbImage. */
export function encodePng(img: GrayImage | RgbImage): Buffer {
  const { width, height } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be integers ≥ 1, got ${width}×${height}`);
  }
  const [bytes, channels, what] = 'rgb' in img ? [img.rgb, 3, 'RGB bytes'] : [img.gray, 1, 'grey values'];
  if (bytes.length !== width * height * channels) {
    throw new Error(`encodePng: a ${width}×${height} image needs ${width * height * channels} ${what}, got ${bytes.length}`);
  }
  const colorType = channels === 3 ? 2 : 0;
  const png = new PNG(); // no size yet: avoids allocating an unused RGBA buffer
  png.width = width;
  png.height = height;
  png.data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false });
}

/** Writes the bytes of a picture to `path`, creating its folder if needed. */
export function writePng(path: string, img: GrayImage | RgbImage): void {
  const bytes = encodePng(img);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

/** tileGrid + encodePng, written to `path` (its folder is created if needed). */
export function writePngGrid(path: string, images: Matrix, opts: GridOptions): void {
  writePng(path, tileGrid(images, opts));
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
