// lib/text.ts — anti-aliased text and shapes for the pictures of `make train`.
// 画像のための文字と図形の描画 (アンチエイリアスつき)。
//
// Text uses a real font, a subset of Noto Sans CJK JP (lib/fonts/, made by tools/make-font.ts,
// SIL Open Font License), parsed by opentype.js; a small scanline rasteriser turns glyph
// outlines, lines and markers into per-pixel coverage. The caller decides what coverage does
// (blend grey, blend a colour), so one rasteriser serves greyscale grids and colour charts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { COMBINING_TILDE } from './picture-labels.ts';

/** Paint one pixel: coverage in (0, 1] is the share of the pixel inside the shape. */
export type Plot = (x: number, y: number, coverage: number) => void;

/** A closed polygon as a flat list x0, y0, x1, y1, … (pixel units, y down). */
export type Polygon = number[];

/** Sub-scanlines per pixel row; coverage along a scanline is exact. 16 gives smooth edges. */
const SUBSAMPLES = 16;

/**
 * Fills the polygons with the nonzero winding rule (as fonts need: outer contours and holes
 * wind opposite ways) and calls `plot` once for each pixel of a width × height canvas that
 * the shape touches.
 */
export function fillPolygons(polygons: Polygon[], width: number, height: number, plot: Plot): void {
  // Edges as (yTop, yBottom, x at yTop, dx/dy, winding direction); horizontal ones never cross a scanline.
  const edges: [number, number, number, number, number][] = [];
  let minX = Infinity, maxX = -Infinity;
  for (const p of polygons) {
    const n = p.length >> 1;
    for (let i = 0; i < n; i++) {
      const x0 = p[2 * i], y0 = p[2 * i + 1];
      const j = (i + 1) % n;
      const x1 = p[2 * j], y1 = p[2 * j + 1];
      if (!(Number.isFinite(x0) && Number.isFinite(y0) && Number.isFinite(x1) && Number.isFinite(y1))) continue;
      minX = Math.min(minX, x0); maxX = Math.max(maxX, x0);
      if (y0 === y1) continue;
      edges.push(y0 < y1 ? [y0, y1, x0, (x1 - x0) / (y1 - y0), 1] : [y1, y0, x1, (x1 - x0) / (y1 - y0), -1]);
    }
  }
  if (edges.length === 0) return;
  // Scanlines go down; an edge joins the active list at its top and leaves below its bottom.
  edges.sort((a, b) => a[0] - b[0]);
  const maxY = edges.reduce((m, e) => Math.max(m, e[1]), -Infinity);
  const rowStart = Math.max(0, Math.floor(edges[0][0]));
  const rowEnd = Math.min(height, Math.ceil(maxY));
  const colStart = Math.max(0, Math.floor(minX));
  const colEnd = Math.min(width, Math.ceil(maxX) + 1);
  if (rowStart >= rowEnd || colStart >= colEnd) return;
  const acc = new Float64Array(width + 1);
  let active: typeof edges = [];
  let next = 0;
  const crossings: [number, number][] = [];
  const w = 1 / SUBSAMPLES;

  const span = (a: number, b: number) => {
    a = Math.max(a, 0);
    b = Math.min(b, width);
    if (b <= a) return;
    const ia = Math.floor(a), ib = Math.floor(b);
    if (ia === ib) { acc[ia] += (b - a) * w; return; }
    acc[ia] += (ia + 1 - a) * w;
    for (let k = ia + 1; k < ib; k++) acc[k] += w;
    acc[ib] += (b - ib) * w;
  };

  for (let y = rowStart; y < rowEnd; y++) {
    for (let s = 0; s < SUBSAMPLES; s++) {
      const sy = y + (s + 0.5) * w;
      while (next < edges.length && edges[next][0] <= sy) active.push(edges[next++]);
      active = active.filter(e => e[1] > sy);
      crossings.length = 0;
      for (const e of active) if (sy >= e[0]) crossings.push([e[2] + (sy - e[0]) * e[3], e[4]]);
      if (crossings.length < 2) continue;
      crossings.sort((a, b) => a[0] - b[0]);
      let winding = 0, start = 0;
      for (const [x, dir] of crossings) {
        const before = winding;
        winding += dir;
        if (before === 0 && winding !== 0) start = x;
        else if (before !== 0 && winding === 0) span(start, x);
      }
    }
    for (let x = colStart; x < colEnd; x++) {
      if (acc[x] > 0) plot(x, y, Math.min(1, acc[x]));
      acc[x] = 0;
    }
    acc[width] = 0;
  }
}

/** A straight line of the given width as a polygon (a rectangle around the segment). */
export function segmentPolygon(x0: number, y0: number, x1: number, y1: number, lineWidth: number): Polygon {
  const len = Math.hypot(x1 - x0, y1 - y0);
  if (len === 0) return [];
  const nx = (-(y1 - y0) / len) * lineWidth / 2, ny = ((x1 - x0) / len) * lineWidth / 2;
  return [x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny];
}

/** A filled disc as a polygon (also rounds the joints of thick polylines). */
export function discPolygon(cx: number, cy: number, r: number): Polygon {
  const n = Math.max(8, Math.ceil(r * 4));
  const p: Polygon = [];
  for (let i = 0; i < n; i++) p.push(cx + r * Math.cos((2 * Math.PI * i) / n), cy + r * Math.sin((2 * Math.PI * i) / n));
  return p;
}

// ---- the font --------------------------------------------------------------------------------

/** What this file uses of opentype.js (its own typings pull in the DOM library). */
interface OtCommand { type: 'M' | 'L' | 'Q' | 'C' | 'Z'; x: number; y: number; x1: number; y1: number; x2: number; y2: number }
interface OtGlyph { getPath(x: number, y: number, size: number): { commands: OtCommand[] }; getBoundingBox(): { x1: number; y1: number; x2: number; y2: number } }
interface OtFont {
  unitsPerEm: number; ascender: number; descender: number;
  charToGlyphIndex(c: string): number;
  charToGlyph(c: string): OtGlyph;
  getAdvanceWidth(text: string, size: number, options?: object): number;
  forEachGlyph(text: string, x: number, y: number, size: number, options: object,
    callback: (glyph: OtGlyph, x: number, y: number, size: number) => void): number;
}

export const FONT_PATH = new URL('./fonts/NotoSansCJKjp-Regular-subset.otf', import.meta.url);
const RENDER = { kerning: true };
let loaded: OtFont | undefined;

/** The font, parsed once. opentype.js is loaded as CommonJS: its ESM build has no default
 *  export and its CommonJS build no named ones, so one way for Node and vitest alike. */
function font(): OtFont {
  if (loaded) return loaded;
  const { parse } = createRequire(import.meta.url)('opentype.js') as { parse(b: ArrayBuffer): OtFont };
  const bytes = readFileSync(FONT_PATH);
  loaded = parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return loaded;
}

/** Characters of `text` that the font cannot draw (they would show as an empty box). */
export function missingCharacters(text: string): string[] {
  const f = font();
  return [...new Set([...text].filter(ch => ch !== COMBINING_TILDE && ch !== '\n' && f.charToGlyphIndex(ch) === 0))];
}

/** Width in pixels of one line of text at `size` px (the font's em). */
export function textWidth(text: string, size: number): number {
  return font().getAdvanceWidth(text.replaceAll(COMBINING_TILDE, ''), size, RENDER);
}

/** Font metrics at `size` px: ascent above the baseline, descent below it (both ≥ 0). */
export function fontMetrics(size: number): { ascent: number; descent: number; lineHeight: number } {
  const f = font();
  const ascent = (f.ascender / f.unitsPerEm) * size, descent = (-f.descender / f.unitsPerEm) * size;
  return { ascent, descent, lineHeight: Math.ceil((ascent + descent) * 0.92) };
}

/** Straight-line pieces of opentype path commands, one polygon per contour. */
function flatten(commands: OtCommand[], map: (x: number, y: number) => [number, number] = (x, y) => [x, y]): Polygon[] {
  const polygons: Polygon[] = [];
  let cur: Polygon = [];
  let px = 0, py = 0;
  const lineTo = (x: number, y: number) => { const [a, b] = map(x, y); cur.push(a, b); px = x; py = y; };
  const pieces = (...pts: number[]) => {
    let hull = 0;
    for (let i = 2; i < pts.length; i += 2) hull += Math.hypot(pts[i] - pts[i - 2], pts[i + 1] - pts[i - 1]);
    return Math.max(2, Math.min(32, Math.ceil(hull / 1.5)));
  };
  for (const c of commands) {
    if (c.type === 'M') {
      if (cur.length >= 6) polygons.push(cur);
      cur = [];
      lineTo(c.x, c.y);
    } else if (c.type === 'L') {
      lineTo(c.x, c.y);
    } else if (c.type === 'Q') {
      const x0 = px, y0 = py, n = pieces(x0, y0, c.x1, c.y1, c.x, c.y);
      for (let i = 1; i <= n; i++) {
        const t = i / n, u = 1 - t;
        lineTo(u * u * x0 + 2 * u * t * c.x1 + t * t * c.x, u * u * y0 + 2 * u * t * c.y1 + t * t * c.y);
      }
    } else if (c.type === 'C') {
      const x0 = px, y0 = py, n = pieces(x0, y0, c.x1, c.y1, c.x2, c.y2, c.x, c.y);
      for (let i = 1; i <= n; i++) {
        const t = i / n, u = 1 - t;
        lineTo(u * u * u * x0 + 3 * u * u * t * c.x1 + 3 * u * t * t * c.x2 + t * t * t * c.x,
          u * u * u * y0 + 3 * u * u * t * c.y1 + 3 * u * t * t * c.y2 + t * t * t * c.y);
      }
    } else if (c.type === 'Z') {
      if (cur.length >= 6) polygons.push(cur);
      cur = [];
    }
  }
  if (cur.length >= 6) polygons.push(cur);
  return polygons;
}

/** Outlines of one line of text with its baseline at y, starting at x. A combining tilde
 *  (W̃1) is drawn as a smaller '~' over the letter before it: the font has no such mark. */
export function textPolygons(text: string, x: number, baseline: number, size: number): Polygon[] {
  const f = font();
  const tilded = new Set<number>();
  let plain = '';
  for (const ch of text) {
    if (ch === COMBINING_TILDE) tilded.add([...plain].length - 1);
    else plain += ch;
  }
  const polygons: Polygon[] = [];
  let i = 0;
  f.forEachGlyph(plain, x, baseline, size, RENDER, (glyph, gx, gy, fs) => {
    polygons.push(...flatten(glyph.getPath(gx, gy, fs).commands));
    if (tilded.has(i)) {
      const scale = fs / f.unitsPerEm;
      const box = glyph.getBoundingBox();
      const tilde = f.charToGlyph('~');
      const tb = tilde.getBoundingBox();
      const k = 0.8; // a little narrower than the ASCII tilde
      const cx = gx + ((box.x1 + box.x2) / 2) * scale, tcx = ((tb.x1 + tb.x2) / 2) * scale;
      const lift = (box.y2 - tb.y1) * scale + 0.08 * fs; // its bottom just above the letter's top
      polygons.push(...flatten(tilde.getPath(0, gy, fs).commands, (px, py) => [cx + (px - tcx) * k, py - lift]));
    }
    i++;
  });
  return polygons;
}

/** Draws one line of text (baseline at y) through `plot`, clipped to width × height. */
export function drawText(plot: Plot, width: number, height: number, text: string, x: number, baseline: number, size: number): void {
  fillPolygons(textPolygons(text, x, baseline, size), width, height, plot);
}
