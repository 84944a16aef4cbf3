import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { jsonEventView, loadRules } from '../features/threats/detection';

const USAGE = 'usage: vigil sigma RULE_FILE_OR_DIR... --events FILE.jsonl';

/**
 * `vigil sigma RULES... --events FILE.jsonl`: loads Sigma rules unchanged and evaluates every JSON event
 * (nested objects searched by leaf name too). stdout: `<line>\t<rule id>\t<rule title>` per match; stderr: one
 * line per rule that could not be loaded, and per event line that is not a JSON object. Exit 0 when it ran.
 */
export async function sigma(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { events: { type: 'string', short: 'e' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0 || !values.events) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { rules, failures } = loadRules(positionals);
  for (const failure of failures) process.stderr.write(`${failure.file}: ${failure.reason}\n`);

  let input: NodeJS.ReadableStream;
  try {
    input = createReadStream(values.events);
    await new Promise<void>((resolve, reject) => {
      (input as ReturnType<typeof createReadStream>).once('open', () => resolve()).once('error', reject);
    });
  } catch (error) {
    process.stderr.write(`vigil sigma: cannot read ${values.events}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 1;
  }
  let lineNumber = 0;
  let out = '';
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      process.stderr.write(`${values.events}:${lineNumber}: not valid JSON, skipped\n`);
      continue;
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      process.stderr.write(`${values.events}:${lineNumber}: not a JSON object, skipped\n`);
      continue;
    }
    const view = jsonEventView(event);
    for (const rule of rules) if (rule.matches(view)) out += `${lineNumber}\t${rule.id}\t${rule.title}\n`;
    if (out.length > 65_536) {
      process.stdout.write(out);
      out = '';
    }
  }
  process.stdout.write(out);
  return 0;
}
