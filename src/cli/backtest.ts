import fs from 'node:fs';
import { backtestRows, parseNabCsv, toCsv } from '../features/anomalies/backtest';

/** `vigil backtest FILE.csv`: NAB-format series in, `timestamp,value,anomaly_score,is_anomaly` out. */
export async function backtest(args: string[]): Promise<number> {
  const file = args.find((arg) => !arg.startsWith('-'));
  if (!file) {
    process.stderr.write('usage: vigil backtest FILE.csv\n');
    return 2;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`vigil backtest: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 1;
  }
  const { rows, errors } = parseNabCsv(text);
  if (errors.length > 0) {
    process.stderr.write(`vigil backtest: ${file}: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}\n`);
    return 1;
  }
  // A closed pipe (`| head`) is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  process.stdout.write(toCsv(backtestRows(rows)));
  return 0;
}
