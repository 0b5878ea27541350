// grader/watch/command.ts — `npx tsx grader/cli.ts watch` (`make watch`): registers the command.
import { InvalidArgumentError, type Command } from 'commander';
import { LANG_HELP, parseLang } from '../report/lang.ts';
import { createWatch } from './loop.ts';

function parseInterval(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 50) throw new InvalidArgumentError(`expected milliseconds ≥ 50, got "${value}"`);
  return ms;
}

export function register(program: Command): void {
  program.command('watch')
    .description('re-grade on every save in assignments/ / 保存するたびに採点 (keys: r h a q)')
    .option('--submission <dir>', 'folder with assignments/', '.')
    .option('--lang <ja|en>', LANG_HELP)
    .option('--poll', 'poll the files instead of fs.watch (network drives, WSL /mnt, containers)')
    .option('--interval <ms>', 'polling interval', parseInterval, 500)
    .action(async (o: { submission: string; lang?: string; poll?: boolean; interval: number }) => {
      const watch = await createWatch({
        dir: o.submission, lang: parseLang(o.lang), out: process.stdout, input: process.stdin,
        poll: o.poll, intervalMs: o.interval,
        // close() has waited for the run in flight; nothing of ours is left to finish.
        onQuit: () => process.exit(0),
      });
      // Ctrl-C arrives as a key in raw mode; as a signal when stdin is a pipe.
      process.once('SIGINT', () => watch.key('q'));
    });
}
