import { ConfigError } from './lib/config';

type Command = (args: string[]) => Promise<number | void>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: 'start the server (what `npm start` runs)', load: async () => (await import('./cli/serve')).serve },
  migrate: { summary: 'apply database migrations and exit', load: async () => (await import('./cli/migrate')).migrate },
  admin: { summary: 'admin create --username U --email E --password P', load: async () => (await import('./cli/admin')).admin },
  backtest: { summary: 'backtest FILE.csv: score a NAB-format series with the streaming detectors', load: async () => (await import('./cli/backtest')).backtest },
  sigma: { summary: 'sigma RULES... --events FILE.jsonl: evaluate Sigma rules on JSON events', load: async () => (await import('./cli/sigma')).sigma },
  detect: { summary: 'detect FILE.log: run log lines through the threat pipeline', load: async () => (await import('./cli/detect')).detect },
  backup: { summary: 'backup FILE: consistent copy of the SQLite database (server may run)', load: async () => (await import('./cli/backup')).backup },
  restore: { summary: 'restore FILE: replace the SQLite database with a backup (stop the server first)', load: async () => (await import('./cli/restore')).restore },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  vigil ${name.padEnd(9)} ${c.summary}`);
  return ['Usage: vigil <command> [options]', '', 'Commands:', ...lines, '', 'Configuration: see docs/configuration.md (VIGIL_* variables).'].join('\n');
}

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`vigil: unknown command '${name}'\n\n${usage()}\n`);
    process.exitCode = 2;
    return;
  }
  try {
    const code = await (await command.load())(rest);
    if (typeof code === 'number') process.exitCode = code;
  } catch (error) {
    // Configuration and usage problems are one clear line, never a stack trace.
    if (error instanceof ConfigError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (error as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      process.stderr.write(`vigil: ${(error as Error).message}\n`);
    } else {
      process.stderr.write(`vigil: ${(error as Error).message ?? String(error)}\n`);
      if (process.env.VIGIL_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    }
    process.exitCode = 1;
  }
}
