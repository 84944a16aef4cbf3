import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createThreatPipeline, parseLogLine } from '../features/threats/detection';

const USAGE = 'usage: vigil detect FILE.log [--source NAME] [--rules DIR]';

/**
 * `vigil detect FILE.log`: each line goes through the same pipeline as POST /api/v1/detect (parsers, Sigma rules,
 * web-attack grammars, correlation). The event time is the line's own timestamp when it has one, else now, so
 * correlation windows follow the log. Prints one JSON object per detected threat.
 */
export async function detect(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { source: { type: 'string', short: 's' }, rules: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const file = positionals[0];
  if (!file) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const input = createReadStream(file);
  try {
    await new Promise<void>((resolve, reject) => input.once('open', () => resolve()).once('error', reject));
  } catch (error) {
    process.stderr.write(`vigil detect: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 1;
  }
  const pipeline = createThreatPipeline(values.rules ? { rulesDir: values.rules } : {});
  let lineNumber = 0;
  let out = '';
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    const now = Date.now();
    const eventTime = Number(parseLogLine(line, { timestamp: now, source: values.source }).fields.event_time);
    const timestamp = Number.isFinite(eventTime) ? eventTime : now;
    const { detections } = pipeline.analyze(line, { organizationId: 'cli', timestamp, source: values.source ?? null });
    for (const d of detections) {
      out += `${JSON.stringify({
        line: lineNumber, timestamp: new Date(timestamp).toISOString(), threat_type: d.threatType, severity: d.severity,
        confidence: d.confidence, mitre_attack: d.mitreAttack, source_ip: d.sourceIp, user: d.user, target: d.target,
        rules: d.rules, explanation: d.explanation, evidence: d.evidence,
      })}\n`;
    }
    if (out.length > 65_536) {
      process.stdout.write(out);
      out = '';
    }
  }
  process.stdout.write(out);
  return 0;
}
