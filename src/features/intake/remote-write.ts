import { AppError } from '../../lib/errors';
import { snappyDecode } from './decompress';
import { boundedMetadata, firstLabel, seriesName } from './intake.logic';
import { writeRequestType } from './proto/remote-write.proto';

interface DecodedSeries {
  labels?: { name?: string; value?: string }[];
  samples?: { value?: number; timestamp?: number }[];
}

/**
 * A Prometheus remote_write 1.0 body (snappy block, protobuf WriteRequest) to metric events: one per sample,
 * the series' `instance` (else `job`) as source, `__name__{other labels}` as the metric, labels as metadata.
 * Stale markers and other non-finite samples are skipped: they carry no value to learn from.
 */
export function remoteWriteToEvents(body: Buffer, maxBytes: number): { events: unknown[]; skipped: number } {
  const raw = snappyDecode(body, maxBytes);
  let series: DecodedSeries[];
  try {
    const request = writeRequestType.toObject(writeRequestType.decode(raw), { longs: Number, defaults: false }) as { timeseries?: DecodedSeries[] };
    series = request.timeseries ?? [];
  } catch (error) {
    throw new AppError({ code: 'VALIDATION_ERROR', message: `Body is not a valid remote_write WriteRequest: ${(error as Error).message}` });
  }
  const events: unknown[] = [];
  let skipped = 0;
  series.forEach((ts, index) => {
    const labels: Record<string, string> = {};
    for (const label of ts.labels ?? []) if (label.name) labels[label.name] = label.value ?? '';
    const metric = labels.__name__;
    if (!metric) {
      throw new AppError({ code: 'VALIDATION_ERROR', message: `timeseries[${index}] has no __name__ label`, details: { timeseries: index } });
    }
    const { __name__: _name, instance: _instance, ...rest } = labels;
    const source = firstLabel(labels, ['instance', 'job'], 'prometheus');
    const name = seriesName(metric, rest);
    const metadata = boundedMetadata({ labels });
    for (const sample of ts.samples ?? []) {
      if (typeof sample.value !== 'number' || !Number.isFinite(sample.value)) {
        skipped++;
        continue;
      }
      events.push({ type: 'metric', source, name, value: sample.value, ...(sample.timestamp ? { timestamp: sample.timestamp } : {}), metadata });
    }
  });
  return { events, skipped };
}
