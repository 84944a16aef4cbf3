import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import path from 'node:path';
import { configFromArgs } from './options';

export async function migrate(args: string[]): Promise<number> {
  const { config } = configFromArgs(args);
  const database = openDatabase({ url: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'vigil.db') });
  try {
    const applied = await migrateToLatest(database.db);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return 0;
  } finally {
    await database.close();
  }
}
