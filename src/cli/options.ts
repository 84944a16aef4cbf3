import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../lib/config';

/** Flags shared by the server commands; each maps onto a VIGIL_* setting and wins over the environment. */
export function configFromArgs(args: string[], extra: Record<string, { type: 'string' | 'boolean' }> = {}) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      'redis-url': { type: 'string' },
      'log-level': { type: 'string' },
      ...extra,
    },
  });
  const config: Config = loadConfig({
    port: values.port,
    host: values.host,
    dataDir: values['data-dir'],
    databaseUrl: values['database-url'],
    redisUrl: values['redis-url'],
    logLevel: values['log-level'],
  } as Record<string, unknown>);
  return { config, values: values as Record<string, string | boolean | undefined>, positionals };
}
