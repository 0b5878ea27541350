// lib/curve.ts — the learning curve of `make train`: a PNG (out/learning-curve.png) and a
// preview in the terminal. 学習曲線: PNG と端末での表示。
//
// Two panels, because the two numbers live on different scales: the lecture's E (train loss,
// the ½ and the sum over pixels included, ≈ 4–25) on the left, the test error per pixel
// (≈ 0.01–0.05) on the right with PCA's error at the same q as a dashed reference line. With
// σ > 0 the right panel also has the error of the noisy test input itself (dashed) and of its
// reconstruction (solid), so the denoiser's gain is the gap between them.
import type { OutputKind } from './model.ts';
import type { RgbImage } from './image.ts';
import { PICTURE_LABELS, type Bilingual } from './picture-labels.ts';
import { discPolygon, drawText, fillPolygons, fontMetrics, segmentPolygon, textWidth, type Plot, type Polygon } from './text.ts';

export interface CurvePoint {
  epoch: number;
  trainLoss: number;         // the lecture's E, mean over the epoch's mini-batches
  testError: number;         // per pixel, clean test input
  noisyTestError?: number;   // per pixel, reconstruction of the noisy test input (σ > 0)
}

export interface CurveInput {
  history: CurvePoint[];
  output: OutputKind;        // which E the left panel shows
  pca?: number;              // PCA's test error per pixel at the same q (reference line)
  noisyInput?: number;       // error per pixel of the noisy test input itself (σ > 0)
  subtitle?: string;         // the settings, one line (ASCII and Greek)
}

type Rgb = readonly [number, number, number];
const INK: Rgb = [34, 34, 34];
const FRAME: Rgb = [90, 90, 90];
const GRID: Rgb = [225, 225, 225];
const BLUE: Rgb = [31, 119, 180];
const RED: Rgb = [214, 39, 40];
const GREY: Rgb = [110, 110, 110];

/** One line of a panel: a curve over the epochs, or a constant reference (dashed). */
interface Series { label: Bilingual; color: Rgb; values: number[]; reference: boolean }
interface Panel { title: Bilingual; series: Series[] }

function panels(input: CurveInput): Panel[] {
  const h = input.history;
  const L = PICTURE_LABELS;
  const errors: Series[] = [{
    label: input.noisyInput !== undefined ? L.cleanInput : L.autoencoder,
    color: BLUE, values: h.map(r => r.testError), reference: false,
  }];
  if (input.pca !== undefined) errors.push({ label: L.pca, color: GREY, values: [input.pca], reference: true });
  if (input.noisyInput !== undefined) errors.push({ label: L.noisyInput, color: RED, values: [input.noisyInput], reference: true });
  if (h.some(r => r.noisyTestError !== undefined)) {
    errors.push({ label: L.denoised, color: RED, values: h.map(r => r.noisyTestError ?? NaN), reference: false });
  }
  return [
    { title: input.output === 'sigmoid' ? L.trainLossCross : L.trainLossSquared,
      series: [{ label: L.trainLoss, color: BLUE, values: h.map(r => r.trainLoss), reference: false }] },
    { title: L.testError, series: errors },
  ];
}

/** Ticks 0, step, 2·step, … up to at least max: step 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(max: number, count = 5): { step: number; top: number; decimals: number } {
  if (!(max > 0) || !Number.isFinite(max)) return { step: 1, top: 1, decimals: 0 };
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map(m => m * mag).find(s => s >= raw)!;
  const top = Math.ceil(max / step - 1e-9) * step;
  return { step, top, decimals: Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) };
}

/** The largest finite value the panel shows (0 when there is none). */
function panelMax(p: Panel): number {
  let m = 0;
  for (const s of p.series) for (const v of s.values) if (Number.isFinite(v) && v > m) m = v;
  return m;
}

function fmt(v: number): string {
  return !Number.isFinite(v) ? String(v) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(3);
}

/** The final value of a series (its last finite one). */
function last(s: Series): number {
  for (let i = s.values.length - 1; i >= 0; i--) if (Number.isFinite(s.values[i])) return s.values[i];
  return NaN;
}

// ---- PNG ------------------------------------------------------------------------------------

const WIDTH = 1000;
const TITLE = 17, LABEL = 13, SMALL = 12;

function rgbPlot(img: RgbImage, c: Rgb): Plot {
  return (x, y, a) => {
    const k = 3 * (y * img.width + x);
    for (let i = 0; i < 3; i++) img.rgb[k + i] = Math.round(img.rgb[k + i] * (1 - a) + c[i] * a);
  };
}

/** Polygons all wound the same way, so that overlaps (joints, markers) add up instead of cancelling. */
function sameWinding(polys: Polygon[]): Polygon[] {
  return polys.filter(p => p.length >= 6).map((p) => {
    let area = 0;
    for (let i = 0; i < p.length; i += 2) {
      const j = (i + 2) % p.length;
      area += p[i] * p[j + 1] - p[j] * p[i + 1];
    }
    if (area >= 0) return p;
    const r: Polygon = [];
    for (let i = p.length - 2; i >= 0; i -= 2) r.push(p[i], p[i + 1]);
    return r;
  });
}

/** A polyline of the given width; dashed lines are cut into 7 px dashes with 5 px gaps. */
function stroke(points: [number, number][], lineWidth: number, dashed: boolean): Polygon[] {
  const polys: Polygon[] = [];
  if (!dashed) {
    for (let i = 1; i < points.length; i++) polys.push(segmentPolygon(...points[i - 1], ...points[i], lineWidth));
    for (const [x, y] of points) polys.push(discPolygon(x, y, lineWidth / 2));
    return sameWinding(polys);
  }
  const on = 7, off = 5;
  let phase = 0;
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1], [x1, y1] = points[i];
    const len = Math.hypot(x1 - x0, y1 - y0);
    let t = 0;
    while (t < len) {
      const inDash = phase < on;
      const step = Math.min(len - t, inDash ? on - phase : on + off - phase);
      if (inDash) {
        const a = t / len, b = (t + step) / len;
        polys.push(segmentPolygon(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a, x0 + (x1 - x0) * b, y0 + (y1 - y0) * b, lineWidth));
      }
      t += step;
      phase = (phase + step) % (on + off);
    }
  }
  return sameWinding(polys);
}

/** Font size at most `size` at which `text` fits in `width` px. */
function fitting(text: string, size: number, width: number): number {
  const w = textWidth(text, size);
  return w <= width ? size : Math.max(8, Math.floor(size * width / w));
}

/** The learning curve as a colour picture: title, settings, two panels with legends. */
export function drawLearningCurve(input: CurveInput): RgbImage {
  if (input.history.length === 0) throw new Error('drawLearningCurve: expected at least one epoch in history, got none');
  const ps = panels(input);
  const legendRows = Math.max(...ps.map(p => p.series.length));
  const lm = fontMetrics(LABEL), sm = fontMetrics(SMALL), tm = fontMetrics(TITLE);
  const margin = 16;
  const headerH = margin + tm.lineHeight + (input.subtitle ? sm.lineHeight : 0) + 10;
  const panelTitleH = 2 * lm.lineHeight + 6;
  const plotH = 260;
  const axisH = sm.lineHeight + 4 + lm.lineHeight + 8;   // tick labels, axis name
  const legendH = legendRows * (lm.lineHeight + 2) + 6;
  const height = headerH + panelTitleH + plotH + axisH + legendH + margin;
  const width = WIDTH;
  const img: RgbImage = { width, height, rgb: new Uint8Array(width * height * 3).fill(255) };
  const text = (s: string, x: number, baseline: number, size: number, c: Rgb = INK) =>
    drawText(rgbPlot(img, c), width, height, s, x, Math.round(baseline), size);
  const fill = (polys: Polygon[], c: Rgb) => fillPolygons(polys, width, height, rgbPlot(img, c));

  const title = `${PICTURE_LABELS.curveTitle.ja} / ${PICTURE_LABELS.curveTitle.en}`;
  text(title, margin, margin + tm.ascent * 0.9, TITLE);
  if (input.subtitle) text(input.subtitle, margin, margin + tm.lineHeight + sm.ascent * 0.9, SMALL, FRAME);

  const epochs = input.history.map(r => r.epoch);
  const xMin = Math.min(...epochs), xMax = Math.max(...epochs);
  const [x0, x1] = xMax > xMin ? [xMin, xMax] : [xMin - 1, xMin + 1];
  const panelW = (width - 3 * margin) / 2;

  ps.forEach((panel, k) => {
    const left = margin + k * (panelW + margin);
    const ticks = niceTicks(panelMax(panel) * 1.04);
    const tickLabels: string[] = [];
    for (let v = 0; v <= ticks.top + ticks.step / 2; v += ticks.step) tickLabels.push(v.toFixed(ticks.decimals));
    const yLabelW = Math.ceil(Math.max(...tickLabels.map(t => textWidth(t, SMALL)))) + 8;
    const plotL = Math.round(left + yLabelW), plotR = Math.round(left + panelW - 8);
    const plotT = headerH + panelTitleH, plotB = plotT + plotH;
    const X = (e: number) => plotL + ((e - x0) / (x1 - x0)) * (plotR - plotL);
    const Y = (v: number) => plotB - (v / ticks.top) * plotH;

    // Panel title, Japanese above English, shrunk to fit the panel if it must be.
    for (const [i, s] of [panel.title.ja, panel.title.en].entries()) {
      const size = fitting(s, LABEL, panelW);
      text(s, left, headerH + lm.ascent * 0.9 + i * lm.lineHeight, size);
    }
    // Grid, y ticks and their numbers.
    tickLabels.forEach((t, i) => {
      const y = Y(i * ticks.step);
      fill([segmentPolygon(plotL, y, plotR, y, 1)], GRID);
      text(t, plotL - 6 - textWidth(t, SMALL), y + sm.ascent * 0.35, SMALL, FRAME);
    });
    // x ticks: whole epochs, at most about 10 labels.
    const every = Math.max(1, Math.ceil((xMax - xMin + 1) / 10));
    for (let e = xMin; e <= xMax; e += every) {
      const x = X(e);
      fill([segmentPolygon(x, plotB, x, plotB + 4, 1)], FRAME);
      const t = String(e);
      text(t, x - textWidth(t, SMALL) / 2, plotB + 6 + sm.ascent * 0.9, SMALL, FRAME);
    }
    const axis = `${PICTURE_LABELS.epoch.ja} / ${PICTURE_LABELS.epoch.en}`;
    text(axis, (plotL + plotR) / 2 - textWidth(axis, LABEL) / 2, plotB + sm.lineHeight + 6 + lm.ascent * 0.9, LABEL);
    // Frame: left and bottom axes.
    fill([segmentPolygon(plotL, plotT, plotL, plotB, 1.2), segmentPolygon(plotL, plotB, plotR, plotB, 1.2)], FRAME);

    // The series: references first, so curves are drawn over them.
    const ordered = [...panel.series].sort((a, b) => Number(b.reference) - Number(a.reference));
    for (const s of ordered) {
      if (s.reference) {
        const v = s.values[0];
        if (Number.isFinite(v)) fill(stroke([[plotL, Y(v)], [plotR, Y(v)]], 2, true), s.color);
        continue;
      }
      // Finite points only; a NaN breaks the line.
      let run: [number, number][] = [];
      const runs: [number, number][][] = [run];
      s.values.forEach((v, i) => {
        if (Number.isFinite(v)) run.push([X(epochs[i]), Y(v)]);
        else if (run.length > 0) runs.push((run = []));
      });
      for (const r of runs) fill(stroke(r, 2.2, false), s.color);
      if (epochs.length <= 40) for (const r of runs) fill(r.map(([x, y]) => discPolygon(x, y, 3.2)), s.color);
    }

    // Legend under the axis name: a line sample, then "日本語 / English: final value".
    const legendTop = plotB + axisH + 4;
    panel.series.forEach((s, i) => {
      const y = legendTop + i * (lm.lineHeight + 2) + lm.lineHeight / 2;
      fill(stroke([[left + 4, y], [left + 34, y]], s.reference ? 2 : 2.2, s.reference), s.color);
      const name = s.label.ja === s.label.en ? s.label.en : `${s.label.ja} / ${s.label.en}`;
      const line = `${name}: ${fmt(last(s))}`;
      text(line, left + 42, y + lm.ascent * 0.35, fitting(line, LABEL, panelW - 46));
    });
  });
  return img;
}

// ---- terminal -----------------------------------------------------------------------------------

// Braille cells: 2 × 4 dots each, so a curve gets twice the columns and four times the lines.
const DOT = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];

/** Terminal columns of a string: East Asian wide characters take two. */
export function displayWidth(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return n;
}

function ansi(c: Rgb, colors: 24 | 256): string {
  if (colors === 24) return `\x1b[38;2;${c[0]};${c[1]};${c[2]}m`;
  const level = (v: number) => Math.round((v / 255) * 5);
  return `\x1b[38;5;${16 + 36 * level(c[0]) + 6 * level(c[1]) + level(c[2])}m`;
}

/**
 * The learning curve in braille characters, one panel under the other, in one language.
 * `colors`: 24 or 256 for a colour terminal, 0 for plain text (a log file); without colour,
 * reference lines are dotted and the legend tells them apart.
 */
export function terminalCurve(input: CurveInput, opts: { lang: 'ja' | 'en'; width?: number; colors?: 0 | 24 | 256; rows?: number }): string {
  if (input.history.length === 0) throw new Error('terminalCurve: expected at least one epoch in history, got none');
  const colors = opts.colors ?? 0;
  const rows = opts.rows ?? 8;
  const epochs = input.history.map(r => r.epoch);
  const xMin = Math.min(...epochs), xMax = Math.max(...epochs);
  const out: string[] = [];
  const paint = (s: string, c: Rgb) => (colors === 0 ? s : `${ansi(c, colors)}${s}\x1b[0m`);

  for (const panel of panels(input)) {
    const ticks = niceTicks(panelMax(panel) * 1.04);
    const labels = [ticks.top.toFixed(ticks.decimals), (0).toFixed(ticks.decimals)];
    const lw = Math.max(...labels.map(l => l.length));
    const cols = Math.max(10, Math.min(60, (opts.width ?? 80) - lw - 2));
    const w = 2 * cols, h = 4 * rows;
    const mask = new Uint8Array(cols * rows);
    const owner: (Rgb | undefined)[] = new Array(cols * rows);
    const dot = (x: number, y: number, c: Rgb) => {
      if (x < 0 || x >= w || y < 0 || y >= h) return;
      const cell = Math.floor(y / 4) * cols + Math.floor(x / 2);
      mask[cell] |= DOT[x % 2][y % 4];
      owner[cell] = c;
    };
    const X = (e: number) => (xMax > xMin ? Math.round(((e - xMin) / (xMax - xMin)) * (w - 1)) : 0);
    const Y = (v: number) => Math.round((1 - v / ticks.top) * (h - 1));
    const ordered = [...panel.series].sort((a, b) => Number(b.reference) - Number(a.reference));
    for (const s of ordered) {
      if (s.reference) {
        if (Number.isFinite(s.values[0])) for (let x = 0; x < w; x += 2) dot(x, Y(s.values[0]), s.color); // dotted
        continue;
      }
      let prev: [number, number] | undefined;
      s.values.forEach((v, i) => {
        if (!Number.isFinite(v)) { prev = undefined; return; }
        const p: [number, number] = [X(epochs[i]), Y(v)];
        if (prev) {
          const n = Math.max(Math.abs(p[0] - prev[0]), Math.abs(p[1] - prev[1]), 1);
          for (let t = 0; t <= n; t++) dot(Math.round(prev[0] + ((p[0] - prev[0]) * t) / n), Math.round(prev[1] + ((p[1] - prev[1]) * t) / n), s.color);
        } else dot(...p, s.color);
        prev = p;
      });
    }
    out.push(panel.title[opts.lang]);
    for (let r = 0; r < rows; r++) {
      const label = r === 0 ? labels[0] : r === rows - 1 ? labels[1] : '';
      let line = `${label.padStart(lw)} ${r === rows - 1 ? '┼' : '┤'}`;
      let current: Rgb | undefined; // send a colour only when it changes along the line
      for (let c = 0; c < cols; c++) {
        const k = r * cols + c;
        if (mask[k] === 0) { line += ' '; continue; }
        if (colors !== 0 && owner[k] !== current) line += ansi((current = owner[k]!), colors);
        line += String.fromCharCode(0x2800 + mask[k]);
      }
      line = line.trimEnd();
      out.push(current ? `${line}\x1b[0m` : line);
    }
    const first = String(xMin), lastE = String(xMax), axis = PICTURE_LABELS.epoch[opts.lang];
    out.push(`${' '.repeat(lw + 2)}${first}${' '.repeat(Math.max(1, cols - first.length - lastE.length))}${lastE}  ${axis}`);
    // The legend on one line if it fits, else one entry per line.
    const entries = panel.series.map(s => [paint(s.reference ? '┄┄' : '━━', s.color), `${s.label[opts.lang]} ${fmt(last(s))}`]);
    const oneLine = entries.map(([swatch, t]) => `${swatch} ${t}`).join('   ');
    const visible = entries.reduce((n, [, t]) => n + 3 + displayWidth(t) + 3, -3);
    out.push(...(visible <= lw + 2 + cols ? [oneLine] : entries.map(([swatch, t]) => `${swatch} ${t}`)));
    out.push('');
  }
  return out.join('\n').trimEnd();
}
