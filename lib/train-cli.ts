// lib/train-cli.ts — `make train` / `npm run train`: train the autoencoder built from your
// assignments/ (or, with --solution, from solutions/), compare it with PCA, draw pictures.
// make train: assignments/ の関数でオートエンコーダを学習し、PCA と比べ、画像を書き出します。
//
//   npx tsx lib/train-cli.ts [--solution] [--q 64] [--epochs N] [--batch N] [--optimizer adam|sgd]
//       [--lr X] [--sigma X] [--output identity|sigmoid] [--seed N] [--out DIR] [--[no-]preview]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { normalizeColumns, terminalPreview, terminalPreviewPlain, writePngGrid } from './image.ts';
import { gemmName } from './matmul/index.ts';
import { dropBiasColumn, Matrix } from './matrix.ts';
import { loadMnist } from './mnist.ts';
import { initParams, type ForwardResult, type Grads, type OutputKind, type Params } from './model.ts';
import { pcaReconstructionError } from './pca.ts';
import { Rng } from './random.ts';
import { DEFAULT_TRAIN, gatherColumns, SIGMOID_DEFAULTS, train, type EpochReport, type Steps, type TrainOptions } from './train.ts';

const STEP_FILES = ['01_forward.ts', '02_backward.ts', '03_sgd.ts', '04_adam.ts', '05_denoising.ts'];
const STEP_FUNCTIONS: (keyof Steps)[] = [
  'forward', 'squaredError', 'crossEntropy', 'backward', 'sgdStep', 'adamInit', 'adamStep', 'corrupt',
];
/** The stubs throw `'<step>: <fn>() は未実装 / not implemented'` (tools/stubs.ts). */
const NOT_IMPLEMENTED = /(\d\d_\w+): (\w+)\(\) は未実装/;

/** An error meant for the student: printed as is, without a stack trace. */
class UserError extends Error {}

interface CliOptions {
  solution?: boolean; q: number; epochs: number; batch: number; optimizer: 'adam' | 'sgd';
  lr?: number; initStd?: number; sigma: number; output: OutputKind; seed: number; out: string; preview?: boolean;
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

/** Imports the five step files of assignments/ or solutions/ and checks their exports. */
async function loadSteps(folder: 'assignments' | 'solutions'): Promise<Steps> {
  const dir = new URL(`../${folder}/`, import.meta.url);
  if (!existsSync(fileURLToPath(dir))) {
    throw new UserError(folder === 'solutions'
      ? 'solutions/ は配布版にはありません / solutions/ is not in the student release'
      : 'assignments/ が見つかりません / assignments/ not found');
  }
  const exports: Record<string, unknown> = {};
  for (const file of STEP_FILES) {
    try {
      Object.assign(exports, await import(new URL(file, dir).href));
    } catch (e) {
      throw new UserError(`${folder}/${file} を読み込めません / cannot load ${folder}/${file}:\n  ${firstLine(e)}`);
    }
  }
  for (const name of STEP_FUNCTIONS) {
    if (typeof exports[name] !== 'function') {
      throw new UserError(`${folder}/ に関数 ${name} がありません / ${folder}/ does not export a function ${name}`);
    }
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
function notImplemented(message: string, folder: string, opts: TrainOptions): string {
  const [, step, fn] = NOT_IMPLEMENTED.exec(message)!;
  const lines = [
    `${folder}/${step}.ts の ${fn}() がまだ実装されていません。先に make grade で各ステップを確かめてください。`,
    `${fn}() in ${folder}/${step}.ts is not implemented yet. Run \`make grade\` first to check each step.`,
  ];
  if (step === '04_adam' && opts.optimizer === 'adam') {
    lines.push('adam の前に SGD で学習するには / to train with SGD before doing Adam: make train ARGS="--optimizer sgd"');
  }
  return lines.join('\n');
}

/** What to tell a student whose code threw during training. */
function explain(e: unknown, folder: string, opts: TrainOptions): string {
  if (e instanceof UserError) return e.message;
  const message = e instanceof Error ? e.message : String(e);
  if (NOT_IMPLEMENTED.test(message)) return notImplemented(message, folder, opts);
  // Point at the student's own line, not at a stack of library frames.
  const where = (e instanceof Error ? e.stack ?? '' : '').split('\n')
    .find(l => l.includes(`/${folder}/`))?.trim();
  return [
    `学習中にエラーが起きました / training stopped with an error:`,
    `  ${message.split('\n')[0]}`,
    ...(where ? [`  ${where}`] : []),
    `make grade で各ステップを確かめてください / run \`make grade\` to check each step.`,
  ].join('\n');
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

  const steps = await loadSteps(folder);
  const missing = firstMissing(steps, opts);
  if (missing !== undefined) throw new UserError(notImplemented(missing, folder, opts));
  const started = performance.now();
  const mnist = loadMnist();
  const data = { train: mnist.train.X, test: mnist.test.X };
  const rate = opts.optimizer === 'adam' ? `adam α=${opts.adam.alpha}` : `sgd η=${opts.eta}`;
  console.log(`オートエンコーダの学習 / training the autoencoder from ${folder}/`);
  console.log(`  q=${opts.q}  epochs=${opts.epochs}  batch=${opts.batchSize}  ${rate}  init N(0, ${opts.initStd}²)  σ=${opts.sigma}  output=${opts.output}  seed=${opts.seed}`);
  console.log(`  MNIST ${data.train.cols} train / ${data.test.cols} test, d=${data.train.rows}; matmul: ${gemmName()}`);
  console.log(`  train loss = 講義の誤差 E (バッチ平均) / the lecture's E, mean over batches`);
  console.log(`  test error = 1 画素あたりの二乗誤差 / mean squared error per pixel (clean test set)`);
  console.log('');
  console.log('epoch  train loss  test error  seconds');

  // One progress bar per epoch, ticked by every parameter update. cli-progress draws only on
  // a terminal; in a log file there are just the per-epoch lines.
  const batches = Math.ceil(data.train.cols / opts.batchSize);
  const bar = new cliProgress.SingleBar({
    format: 'epoch {epoch}/{epochs} |{bar}| {value}/{total} batches',
    hideCursor: true, clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  let epoch = 1, inEpoch = 0;
  const tick = () => {
    if (inEpoch++ === 0) bar.start(batches, 0, { epoch, epochs: opts.epochs });
    bar.increment();
  };
  const watched: Steps = {
    ...steps,
    sgdStep: (...a) => { const r = steps.sgdStep(...a); tick(); return r; },
    adamStep: (...a) => { const r = steps.adamStep(...a); tick(); return r; },
  };
  const onEpoch = (r: EpochReport) => {
    if (inEpoch > 0) bar.stop();
    epoch++;
    inEpoch = 0;
    console.log(`${String(r.epoch).padStart(5)}  ${fmt(r.trainLoss).padStart(10)}  ${fmt(r.testError, 5).padStart(10)}  ${r.seconds.toFixed(2).padStart(7)}`);
    if (!Number.isFinite(r.trainLoss) || !Number.isFinite(r.testError)) {
      throw new UserError([
        `誤差が ${r.trainLoss} になりました (epoch ${r.epoch})。make grade で各ステップを確かめるか、学習率 --lr を下げてください。`,
        `The loss became ${r.trainLoss} at epoch ${r.epoch}. Check each step with \`make grade\`, or lower the learning rate (--lr).`,
      ].join('\n'));
    }
  };

  let params: Params, history: EpochReport[];
  try {
    ({ params, history } = train(watched, data, opts, onEpoch));
  } catch (e) {
    bar.stop();
    throw new UserError(explain(e, folder, opts));
  }
  const final = history[history.length - 1];

  console.log('');
  console.log('PCA を計算中 / computing PCA …');
  const pca = pcaReconstructionError(data.train, data.test, opts.q);
  console.log(`autoencoder (q=${opts.q}): ${fmt(final.testError, 5)}`);
  console.log(`PCA         (q=${opts.q}): ${fmt(pca, 5)}   比 / ratio autoencoder ÷ PCA = ${(final.testError / pca).toFixed(2)}`);

  // Pictures: originals on top, (noisy inputs,) reconstructions below; features = columns of W̃1.
  const picks = oneOfEachDigit(mnist.test.labels);
  const originals = gatherColumns(data.test, picks, 0, picks.length);
  const noisy = opts.sigma > 0 ? steps.corrupt(originals, opts.sigma, new Rng(opts.seed + 3)) : undefined;
  const recon = steps.forward(params, noisy ?? originals, opts.output).Xhat;
  const rows = noisy ? [originals, noisy, recon] : [originals, recon];
  const labels = noisy ? ['original', 'noisy', 'output'] : ['original', 'output'];
  mkdirSync(cli.out, { recursive: true });
  const reconstructionPng = join(cli.out, 'reconstruction.png');
  const featuresPng = join(cli.out, 'features.png');
  const lossCsv = join(cli.out, 'loss.csv');
  writePngGrid(reconstructionPng, concatColumns(...rows), { perRow: picks.length, rowLabels: labels });
  writePngGrid(featuresPng, normalizeColumns(dropBiasColumn(params.W1)), { perRow: Math.ceil(Math.sqrt(opts.q)) });
  writeFileSync(lossCsv, ['epoch,train_loss,test_error,seconds',
    ...history.map(r => `${r.epoch},${r.trainLoss},${r.testError},${r.seconds.toFixed(3)}`)].join('\n') + '\n');
  console.log('');
  console.log(`書き出し / wrote: ${reconstructionPng}, ${featuresPng}, ${lossCsv}`);
  console.log(`合計 / total: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const tty = process.stdout.isTTY === true;
  if (cli.preview === true || (cli.preview === undefined && tty)) {
    // As many pairs as fit the terminal's width (a tile is 14 characters and a space), so each
    // reconstruction sits right under its original.
    const width = process.stdout.columns;
    const k = Math.max(1, Math.min(8, Math.floor(((width ?? 120) + 1) / 15)));
    const first = Array.from({ length: k }, (_, j) => j);
    const take = (m: Matrix) => gatherColumns(m, first, 0, k);
    const previewCols = concatColumns(...rows.map(take));
    const colors = /truecolor|24bit/i.test(process.env.COLORTERM ?? '') ? 24 : 256;
    console.log('');
    console.log(`上: 元画像${noisy ? '、中: ノイズ入り' : ''}、下: 再現画像 / top: originals${noisy ? ', middle: noisy' : ''}, bottom: reconstructions`);
    console.log(tty ? terminalPreview(previewCols, { perRow: k, colors }) : terminalPreviewPlain(previewCols, { perRow: k }));
  }
}

main(process.argv).catch((e: unknown) => {
  console.error(e instanceof UserError ? e.message : e);
  process.exitCode = 1;
});
