// course/train-cli.ts — `make train` / `npm run train`: train the autoencoder built from your
// assignments/ (or, with --solution, from solutions/), compare it with PCA, draw pictures.
// make train: assignments/ の関数でオートエンコーダを学習し、PCA と比べ、画像を書き出します。
//
//   npx tsx course/train-cli.ts [--solution] [--q 64] [--epochs N] [--batch N] [--optimizer adam|sgd]
//       [--lr X] [--sigma X] [--output identity|sigmoid] [--seed N] [--out DIR] [--[no-]preview] [--lang ja|en]
//
// Writes out/reconstruction.png, out/features.png, out/learning-curve.png and out/loss.csv. The
// pictures are labelled in Japanese and English; what it prints follows the language rule of
// grader/report/lang.ts (--lang, GRADE_LANG, the locale).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { COURSE } from '../grader/course.ts';
import { LANG_HELP, parseLang } from '../grader/report/lang.ts';
import { NOT_IMPLEMENTED as MARKER, type Lang } from '../grader/types.ts';
import { displayWidth, drawLearningCurve, terminalCurve, type CurveInput, type CurvePoint } from '../lib/curve.ts';
import { normalizeColumns, terminalPreview, terminalPreviewPlain, writePng, writePngGrid } from '../lib/image.ts';
import { gemmName } from '../lib/matmul/index.ts';
import { dropBiasColumn, Matrix } from '../lib/matrix.ts';
import { loadMnist } from '../lib/mnist.ts';
import { initParams, type ForwardResult, type Grads, type OutputKind, type Params } from '../lib/model.ts';
import { pcaReconstructionError } from '../lib/pca.ts';
import { PICTURE_LABELS, type Bilingual } from '../lib/picture-labels.ts';
import { Rng } from '../lib/random.ts';
import { DEFAULT_TRAIN, gatherColumns, meanSquaredDifference, reconstructionError, SIGMOID_DEFAULTS, train, type EpochReport, type Steps, type TrainOptions } from '../lib/train.ts';

/** The course's step files and the functions training needs, from the manifest. */
const STEP_FILES = COURSE.files;
const STEP_FUNCTIONS = COURSE.codeSteps.flatMap(s => s.functions.map(f => f.name)) as (keyof Steps)[];
/** The stubs throw `'<module>: <fn>() は未実装 / not implemented'` (tools/stubs.ts). */
const NOT_IMPLEMENTED = new RegExp(`([\\w-]+): (\\w+)\\(\\) は${MARKER.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`);

/** An error meant for the student: printed as is, without a stack trace. */
class UserError extends Error {}

interface CliOptions {
  solution?: boolean; q: number; epochs: number; batch: number; optimizer: 'adam' | 'sgd';
  lr?: number; initStd?: number; sigma: number; output: OutputKind; seed: number; out: string; preview?: boolean; lang?: string;
}

function integer(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`整数 ≥ ${min} が必要です / expected an integer ≥ ${min}, got "${v}"`);
    return n;
  };
}

function nonNegative(v: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < 0) throw new InvalidArgumentError(`0 以上の数が必要です / expected a number ≥ 0, got "${v}"`);
  return x;
}

/** Everything `make train` prints, in each language. (The pictures carry both: picture-labels.ts.) */
const T = {
  ja: {
    noSolutions: 'solutions/ は配布版にはありません。',
    noAssignments: 'assignments/ が見つかりません。',
    cannotLoad: (f: string, why: string) => `${f} を読み込めません:\n  ${why}`,
    noFunction: (folder: string, name: string) => `${folder}/ に関数 ${name} がありません。`,
    notImplemented: (folder: string, step: string, fn: string) =>
      `${folder}/${step}.ts の ${fn}() がまだ実装されていません。先に make grade で各ステップを確かめてください。`,
    trySgd: 'adam の前に SGD で学習するには: make train ARGS="--optimizer sgd"',
    stopped: '学習中にエラーが起きました:',
    checkSteps: 'make grade で各ステップを確かめてください。',
    diverged: (loss: number, epoch: number) =>
      `誤差が ${loss} になりました (epoch ${epoch})。make grade で各ステップを確かめるか、学習率 --lr を下げてください。`,
    training: (folder: string) => `オートエンコーダの学習 (${folder}/ の関数で)`,
    data: (n: number, m: number, d: number, gemm: string) => `MNIST 訓練 ${n} 枚 / テスト ${m} 枚, d=${d}; 行列積: ${gemm}`,
    trainLoss: 'train loss = 講義の誤差 E (ミニバッチの平均)',
    testError: 'test error = テスト画像での 1 画素あたりの二乗誤差 (ノイズなしの入力から)',
    denoised: (sigma: number) => `denoised   = ノイズ入り (σ=${sigma}) のテスト画像から再現したときの 1 画素あたりの二乗誤差`,
    pca: 'PCA を計算中 …',
    results: 'テスト誤差 (1 画素あたりの二乗誤差):',
    ratio: (r: string) => `比 オートエンコーダ ÷ PCA = ${r}`,
    noisy: (sigma: number, input: string, recon: string, pct: string) =>
      `ノイズ入りの入力 (σ=${sigma}): ${input}、その再現: ${recon} (入力の誤差の ${pct}%)`,
    wrote: '書き出し:',
    total: (s: string) => `合計: ${s} 秒`,
    previewCurve: '学習曲線 (画像: learning-curve.png)',
    previewRecon: (noisy: boolean) => `上: 原画像${noisy ? '、中: ノイズ入り' : ''}、下: 再現画像 (画像: reconstruction.png)`,
    previewFeatures: (k: number, q: number) => `中間層で学習された特徴 (W̃1 の列) の最初の ${k} 個 / 全 ${q} 個 (画像: features.png)`,
  },
  en: {
    noSolutions: 'solutions/ is not in the student release.',
    noAssignments: 'assignments/ not found.',
    cannotLoad: (f: string, why: string) => `cannot load ${f}:\n  ${why}`,
    noFunction: (folder: string, name: string) => `${folder}/ does not export a function ${name}.`,
    notImplemented: (folder: string, step: string, fn: string) =>
      `${fn}() in ${folder}/${step}.ts is not implemented yet. Run \`make grade\` first to check each step.`,
    trySgd: 'to train with SGD before doing Adam: make train ARGS="--optimizer sgd"',
    stopped: 'training stopped with an error:',
    checkSteps: 'run `make grade` to check each step.',
    diverged: (loss: number, epoch: number) =>
      `The loss became ${loss} at epoch ${epoch}. Check each step with \`make grade\`, or lower the learning rate (--lr).`,
    training: (folder: string) => `training the autoencoder from ${folder}/`,
    data: (n: number, m: number, d: number, gemm: string) => `MNIST ${n} train / ${m} test, d=${d}; matmul: ${gemm}`,
    trainLoss: "train loss = the lecture's E, mean over mini-batches",
    testError: 'test error = mean squared error per pixel on the test set (clean input)',
    denoised: (sigma: number) => `denoised   = mean squared error per pixel, reconstructing the noisy (σ=${sigma}) test set`,
    pca: 'computing PCA …',
    results: 'test error (mean squared error per pixel):',
    ratio: (r: string) => `ratio autoencoder ÷ PCA = ${r}`,
    noisy: (sigma: number, input: string, recon: string, pct: string) =>
      `noisy input (σ=${sigma}): ${input}, reconstruction: ${recon} (${pct}% of the input's error)`,
    wrote: 'wrote:',
    total: (s: string) => `total: ${s} s`,
    previewCurve: 'learning curve (picture: learning-curve.png)',
    previewRecon: (noisy: boolean) => `top: originals${noisy ? ', middle: noisy' : ''}, bottom: reconstructions (picture: reconstruction.png)`,
    previewFeatures: (k: number, q: number) => `the first ${k} of ${q} learned features, columns of W̃1 (picture: features.png)`,
  },
} satisfies Record<Lang, unknown>;
type Text = typeof T.ja;

/** Imports the five step files of assignments/ or solutions/ and checks their exports. */
async function loadSteps(folder: 'assignments' | 'solutions', t: Text): Promise<Steps> {
  const dir = new URL(`../${folder}/`, import.meta.url);
  if (!existsSync(fileURLToPath(dir))) throw new UserError(folder === 'solutions' ? t.noSolutions : t.noAssignments);
  const exports: Record<string, unknown> = {};
  for (const file of STEP_FILES) {
    try {
      Object.assign(exports, await import(new URL(file, dir).href));
    } catch (e) {
      throw new UserError(t.cannotLoad(`${folder}/${file}`, firstLine(e)));
    }
  }
  for (const name of STEP_FUNCTIONS) {
    if (typeof exports[name] !== 'function') throw new UserError(t.noFunction(folder, name));
  }
  return exports as unknown as Steps;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/**
 * The first stub still throwing "not implemented", in lecture order, tried on a tiny case
 * before training: so the message names the next step to do, before any output.
 */
function firstMissing(steps: Steps, opts: TrainOptions): string | undefined {
  const X = new Matrix(4, 3).map((_, i, j) => (i + j) % 2);
  const params = initParams(4, 2, new Rng(0));
  const calls: (() => unknown)[] = [];
  let fwd: ForwardResult | undefined, grads: Grads | undefined;
  calls.push(() => (fwd = steps.forward(params, X, opts.output)));
  calls.push(() => (opts.output === 'sigmoid' ? steps.crossEntropy : steps.squaredError)(X, fwd!.Xhat));
  calls.push(() => (grads = steps.backward(params, fwd!, X)));
  if (opts.optimizer === 'sgd') calls.push(() => steps.sgdStep(params, grads!, 0.1));
  else calls.push(() => steps.adamStep(params, grads!, steps.adamInit(params), 1, opts.adam));
  if (opts.sigma > 0) calls.push(() => steps.corrupt(X, opts.sigma, new Rng(0)));
  for (const call of calls) {
    try {
      call();
    } catch (e) {
      if (NOT_IMPLEMENTED.test(e instanceof Error ? e.message : String(e))) return (e as Error).message;
      return undefined; // another error: the training run's own message says more
    }
  }
  return undefined;
}

/** "<fn>() in <folder>/<step>.ts is not implemented yet", from a stub's error message. */
function notImplemented(message: string, folder: string, opts: TrainOptions, t: Text): string {
  const [, step, fn] = NOT_IMPLEMENTED.exec(message)!;
  const lines = [t.notImplemented(folder, step, fn)];
  if (step === '04_adam' && opts.optimizer === 'adam') lines.push(t.trySgd);
  return lines.join('\n');
}

/** What to tell a student whose code threw during training. */
function explain(e: unknown, folder: string, opts: TrainOptions, t: Text): string {
  if (e instanceof UserError) return e.message;
  const message = e instanceof Error ? e.message : String(e);
  if (NOT_IMPLEMENTED.test(message)) return notImplemented(message, folder, opts, t);
  // Point at the student's own line, not at a stack of library frames.
  const where = (e instanceof Error ? e.stack ?? '' : '').split('\n')
    .find(l => l.includes(`/${folder}/`))?.trim();
  return [t.stopped, `  ${message.split('\n')[0]}`, ...(where ? [`  ${where}`] : []), t.checkSteps].join('\n');
}

/** The columns of the given matrices side by side (rows of a picture grid, one after the other). */
function concatColumns(...ms: Matrix[]): Matrix {
  const cols = ms.reduce((s, m) => s + m.cols, 0);
  const out = new Matrix(ms[0].rows, cols);
  let at = 0;
  for (const m of ms) {
    for (let r = 0; r < m.rows; r++) out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), r * cols + at);
    at += m.cols;
  }
  return out;
}

/** The first test image of each digit 0…9: a picture like the lecture's figures (a) and (b). */
function oneOfEachDigit(labels: Uint8Array): number[] {
  const picks: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const j = labels.indexOf(digit);
    if (j >= 0) picks.push(j);
  }
  return picks;
}

function fmt(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/** Mean over all entries of (a − b)²: the error per pixel of the noisy input itself. */
/** A picture label: Japanese on the first line, English on the second. */
const twoLines = (l: Bilingual, extra = '') => `${l.ja}${extra}\n${l.en}${extra}`;
/** A picture title on one line: "日本語 / English". */
const oneLine = (l: Bilingual, extra = '') => `${l.ja}${extra} / ${l.en}${extra}`;

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('make train')
    .description('オートエンコーダを学習し、PCA と比べ、画像を書き出します。\n'
      + 'Trains the autoencoder, compares it with PCA and writes pictures.')
    .option('--solution', 'solutions/ の参照実装を使う / use the reference solutions')
    .option('--q <n>', '中間層の次元 / hidden size q', integer(1), DEFAULT_TRAIN.q)
    .option('--epochs <n>', 'エポック数 / epochs', integer(1), DEFAULT_TRAIN.epochs)
    .option('--batch <n>', 'ミニバッチの大きさ / mini-batch size', integer(1), DEFAULT_TRAIN.batchSize)
    .addOption(new Option('--optimizer <name>', '更新方法 / optimizer').choices(['adam', 'sgd']).default(DEFAULT_TRAIN.optimizer))
    .option('--lr <x>', `学習率: adam の α (既定 ${DEFAULT_TRAIN.adam.alpha}), SGD の η (既定 ${DEFAULT_TRAIN.eta}) / learning rate`, nonNegative)
    .option('--sigma <x>', 'ノイズの標準偏差 σ (> 0 でデノイジング) / noise std σ (> 0: denoising)', nonNegative, DEFAULT_TRAIN.sigma)
    .addOption(new Option('--output <kind>', '出力層 g / output layer g').choices(['identity', 'sigmoid']).default(DEFAULT_TRAIN.output))
    .option('--seed <n>', '乱数のシード / random seed', integer(0), DEFAULT_TRAIN.seed)
    .option('--init-std <x>', `初期値 N(0, s²) の s (既定 ${DEFAULT_TRAIN.initStd}; sigmoid 出力では ${SIGMOID_DEFAULTS.initStd}) / initial weight std`, nonNegative)
    .option('--out <dir>', '出力先 / output folder', 'out')
    .option('--preview', 'ターミナルに画像を必ず表示 / always show the terminal preview')
    .option('--no-preview', 'ターミナルに画像を表示しない / no terminal preview')
    .addOption(new Option('--lang <ja|en>', LANG_HELP).choices(['ja', 'en']))
    .addHelpText('after', [
      '',
      '例 / examples:',
      '  make train                                   # assignments/ を既定の設定で / your code, default settings',
      '  make train ARGS="--optimizer sgd"            # adam の前に / before you do Adam',
      '  make train ARGS="--sigma 0.3"                # デノイジング / denoising autoencoder',
      '  npm run train -- --epochs 5 --q 32           # make が無いとき / without make',
    ].join('\n'));
  program.parse(argv);
  const cli = program.opts<CliOptions>();
  let lang: Lang;
  try {
    lang = parseLang(cli.lang);
  } catch (e) {
    throw new UserError(firstLine(e));
  }
  const t = T[lang];
  const folder = cli.solution ? 'solutions' : 'assignments';

  // g = sigmoid has its own measured defaults (see SIGMOID_DEFAULTS); explicit options win.
  const sigmoid = cli.output === 'sigmoid';
  const defaultAlpha = sigmoid ? SIGMOID_DEFAULTS.alpha : DEFAULT_TRAIN.adam.alpha;
  const opts: TrainOptions = {
    ...DEFAULT_TRAIN,
    q: cli.q, epochs: cli.epochs, batchSize: cli.batch, optimizer: cli.optimizer,
    eta: cli.optimizer === 'sgd' && cli.lr !== undefined ? cli.lr : DEFAULT_TRAIN.eta,
    adam: { ...DEFAULT_TRAIN.adam, alpha: cli.optimizer === 'adam' && cli.lr !== undefined ? cli.lr : defaultAlpha },
    sigma: cli.sigma, output: cli.output, seed: cli.seed,
    initStd: cli.initStd ?? (sigmoid ? SIGMOID_DEFAULTS.initStd : DEFAULT_TRAIN.initStd),
  };

  const steps = await loadSteps(folder, t);
  const missing = firstMissing(steps, opts);
  if (missing !== undefined) throw new UserError(notImplemented(missing, folder, opts, t));
  const started = performance.now();
  const mnist = loadMnist();
  const data = { train: mnist.train.X, test: mnist.test.X };
  const denoising = opts.sigma > 0;
  const rate = opts.optimizer === 'adam' ? `adam α=${opts.adam.alpha}` : `sgd η=${opts.eta}`;
  const settings = `q=${opts.q}  epochs=${opts.epochs}  batch=${opts.batchSize}  ${rate}  init N(0, ${opts.initStd}²)  σ=${opts.sigma}  output=${opts.output}  seed=${opts.seed}`;
  console.log(t.training(folder));
  console.log(`  ${settings}`);
  console.log(`  ${t.data(data.train.cols, data.test.cols, data.train.rows, gemmName())}`);
  console.log(`  ${t.trainLoss}`);
  console.log(`  ${t.testError}`);
  if (denoising) console.log(`  ${t.denoised(opts.sigma)}`);
  console.log('');
  console.log(`epoch  train loss  test error${denoising ? '    denoised' : ''}  seconds`);

  // Denoising: one fixed noisy copy of the test set, Rng(seed + 3) (training noise is Rng(seed + 2)),
  // made with the student's own corrupt(). Its error against the clean set is what the
  // reconstruction must beat; the picture shows some of these same noisy digits.
  const noisyTest = denoising ? steps.corrupt(data.test, opts.sigma, new Rng(opts.seed + 3)) : undefined;

  // One progress bar per epoch, ticked by every parameter update. cli-progress draws only on
  // a terminal; in a log file there are just the per-epoch lines.
  const batches = Math.ceil(data.train.cols / opts.batchSize);
  const bar = new cliProgress.SingleBar({
    format: 'epoch {epoch}/{epochs} |{bar}| {value}/{total} batches',
    hideCursor: true, clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  let epoch = 1, inEpoch = 0;
  let latest: Params | undefined; // the parameters after the latest update, for the denoised error
  const tick = (p: Params) => {
    latest = p;
    if (inEpoch++ === 0) bar.start(batches, 0, { epoch, epochs: opts.epochs });
    bar.increment();
  };
  const watched: Steps = {
    ...steps,
    sgdStep: (...a) => { const r = steps.sgdStep(...a); tick(r); return r; },
    adamStep: (...a) => { const r = steps.adamStep(...a); tick(r.params); return r; },
  };
  const curve: CurvePoint[] = [];
  const onEpoch = (r: EpochReport) => {
    if (inEpoch > 0) bar.stop();
    epoch++;
    inEpoch = 0;
    const denoised = noisyTest && latest ? reconstructionError(steps, latest, data.test, opts.output, noisyTest) : undefined;
    curve.push({ epoch: r.epoch, trainLoss: r.trainLoss, testError: r.testError, noisyTestError: denoised });
    console.log(`${String(r.epoch).padStart(5)}  ${fmt(r.trainLoss).padStart(10)}  ${fmt(r.testError, 5).padStart(10)}${denoised !== undefined ? `  ${fmt(denoised, 5).padStart(10)}` : ''}  ${r.seconds.toFixed(2).padStart(7)}`);
    if (!Number.isFinite(r.trainLoss) || !Number.isFinite(r.testError)) throw new UserError(t.diverged(r.trainLoss, r.epoch));
  };

  let params: Params, history: EpochReport[];
  try {
    ({ params, history } = train(watched, data, opts, onEpoch));
  } catch (e) {
    bar.stop();
    throw new UserError(explain(e, folder, opts, t));
  }
  const final = history[history.length - 1];
  const finalDenoised = curve[curve.length - 1].noisyTestError;
  const noisyInputError = noisyTest ? meanSquaredDifference(noisyTest, data.test) : undefined;

  console.log('');
  console.log(t.pca);
  const pca = pcaReconstructionError(data.train, data.test, opts.q);
  const names = [`autoencoder (q=${opts.q})`, `PCA (q=${opts.q})`];
  const nameWidth = Math.max(...names.map(displayWidth));
  console.log(t.results);
  console.log(`  ${names[0].padEnd(nameWidth)}  ${fmt(final.testError, 5)}`);
  console.log(`  ${names[1].padEnd(nameWidth)}  ${fmt(pca, 5)}   ${t.ratio((final.testError / pca).toFixed(2))}`);
  if (noisyInputError !== undefined && finalDenoised !== undefined) {
    console.log(`  ${t.noisy(opts.sigma, fmt(noisyInputError, 5), fmt(finalDenoised, 5), (100 * finalDenoised / noisyInputError).toFixed(0))}`);
  }

  // Pictures: originals on top, (noisy inputs,) reconstructions below; features = columns of W̃1.
  const picks = oneOfEachDigit(mnist.test.labels);
  const originals = gatherColumns(data.test, picks, 0, picks.length);
  const noisy = noisyTest ? gatherColumns(noisyTest, picks, 0, picks.length) : undefined;
  const recon = steps.forward(params, noisy ?? originals, opts.output).Xhat;
  const rows = noisy ? [originals, noisy, recon] : [originals, recon];
  const L = PICTURE_LABELS;
  const labels = noisy
    ? [twoLines(L.original), twoLines(L.noisy, ` σ=${opts.sigma}`), twoLines(L.reconstruction)]
    : [twoLines(L.original), twoLines(L.reconstruction)];
  const features = normalizeColumns(dropBiasColumn(params.W1));
  const curveInput: CurveInput = {
    history: curve, output: opts.output, pca, noisyInput: noisyInputError, subtitle: settings.replace(/ {2}/g, ', '),
  };
  mkdirSync(cli.out, { recursive: true });
  const reconstructionPng = join(cli.out, 'reconstruction.png');
  const featuresPng = join(cli.out, 'features.png');
  const curvePng = join(cli.out, 'learning-curve.png');
  const lossCsv = join(cli.out, 'loss.csv');
  writePngGrid(reconstructionPng, concatColumns(...rows), {
    perRow: picks.length, rowLabels: labels, title: oneLine(L.reconstructionTitle, ` (q = ${opts.q})`),
  });
  writePngGrid(featuresPng, features, { perRow: Math.ceil(Math.sqrt(opts.q)), title: twoLines(L.featuresTitle, ` (q = ${opts.q})`) });
  writePng(curvePng, drawLearningCurve(curveInput));
  writeFileSync(lossCsv, [`epoch,train_loss,test_error,seconds${denoising ? ',denoised_error' : ''}`,
    ...history.map((r, i) => `${r.epoch},${r.trainLoss},${r.testError},${r.seconds.toFixed(3)}${denoising ? `,${curve[i].noisyTestError}` : ''}`)].join('\n') + '\n');
  console.log('');
  console.log(`${t.wrote} ${curvePng}, ${reconstructionPng}, ${featuresPng}, ${lossCsv}`);
  console.log(t.total(((performance.now() - started) / 1000).toFixed(1)));

  const tty = process.stdout.isTTY === true;
  if (cli.preview === true || (cli.preview === undefined && tty)) {
    const width = process.stdout.columns ?? 120;
    const colors = /truecolor|24bit/i.test(process.env.COLORTERM ?? '') ? 24 : 256;
    console.log('');
    console.log(t.previewCurve);
    console.log(terminalCurve(curveInput, { lang, width, colors: tty ? colors : 0 }));

    // As many pairs as fit the terminal's width (a tile is 14 characters and a space), so each
    // reconstruction sits right under its original.
    const k = Math.max(1, Math.min(8, Math.floor((width + 1) / 15)));
    const take = (m: Matrix, n: number) => gatherColumns(m, Array.from({ length: n }, (_, j) => j), 0, n);
    const previewCols = concatColumns(...rows.map(m => take(m, k)));
    const show = (m: Matrix, perRow: number) => (tty ? terminalPreview(m, { perRow, colors }) : terminalPreviewPlain(m, { perRow }));
    console.log('');
    console.log(t.previewRecon(noisy !== undefined));
    console.log(show(previewCols, k));

    // One row of features: the whole grid (8 × 8 tiles of 7 lines) would not fit a screen.
    const kf = Math.min(opts.q, Math.max(1, Math.floor((width + 1) / 15)));
    console.log('');
    console.log(t.previewFeatures(kf, opts.q));
    console.log(show(take(features, kf), kf));
  }
}

main(process.argv).catch((e: unknown) => {
  console.error(e instanceof UserError ? e.message : e);
  process.exitCode = 1;
});
