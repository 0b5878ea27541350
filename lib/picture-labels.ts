// lib/picture-labels.ts — every word drawn into the pictures of `make train`, Japanese and English.
// 画像に描く文字 (日本語と英語)。
//
// The font in lib/fonts/ is a subset: it holds printable ASCII, EXTRA_GLYPHS and the characters
// of these labels, nothing else. After editing a label, regenerate it (`npx tsx tools/make-font.ts`);
// test/picture.test.ts fails while a character here has no glyph in the font.

/** One label in both languages; pictures show Japanese above English. */
export interface Bilingual { ja: string; en: string }

export const PICTURE_LABELS = {
  original: { ja: '原画像', en: 'original' },
  noisy: { ja: 'ノイズ入り', en: 'noisy input' },
  reconstruction: { ja: '再現画像', en: 'reconstruction' },
  reconstructionTitle: { ja: 'テスト画像の再現', en: 'test digits, reconstructed' },
  featuresTitle: { ja: '中間層で学習された特徴: W̃1 の列', en: 'learned features: the columns of W̃1' },
  curveTitle: { ja: '学習曲線', en: 'learning curve' },
  trainLossSquared: { ja: '訓練誤差 E (二乗誤差, ミニバッチの平均)', en: "train loss E (the lecture's squared error, mean over mini-batches)" },
  trainLossCross: { ja: '訓練誤差 E (交差エントロピー, ミニバッチの平均)', en: "train loss E (the lecture's cross entropy, mean over mini-batches)" },
  trainLoss: { ja: '訓練誤差 E', en: 'train loss E' },
  testError: { ja: 'テスト誤差 (1 画素あたりの二乗誤差)', en: 'test error (mean squared error per pixel)' },
  epoch: { ja: 'エポック', en: 'epoch' },
  autoencoder: { ja: 'オートエンコーダ', en: 'autoencoder' },
  cleanInput: { ja: 'オートエンコーダ (元の入力)', en: 'autoencoder (clean input)' },
  pca: { ja: 'PCA (同じ q)', en: 'PCA (same q)' },
  noisyInput: { ja: 'ノイズ入りの入力そのもの', en: 'the noisy input itself' },
  denoised: { ja: 'ノイズ入りの入力からの再現', en: 'reconstruction of the noisy input' },
} as const satisfies Record<string, Bilingual>;

/** Characters that numbers, settings and symbols may need beyond printable ASCII. */
export const EXTRA_GLYPHS = 'σαβεηνδ×÷−–—·…²‖→←';

/** Combining tilde (W̃1, x̃): the font has no glyph for it; lib/text.ts draws '~' over the letter before. */
export const COMBINING_TILDE = '\u0303';

/** Every character the font must hold, in code point order (the subset's input). */
export function pictureCharacters(): string[] {
  const chars = new Set<string>();
  for (let c = 0x20; c <= 0x7e; c++) chars.add(String.fromCodePoint(c));
  for (const ch of EXTRA_GLYPHS) chars.add(ch);
  for (const { ja, en } of Object.values(PICTURE_LABELS)) for (const ch of ja + en) if (ch !== COMBINING_TILDE) chars.add(ch);
  return [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
}
