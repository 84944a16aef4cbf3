import { Worker } from 'node:worker_threads';
import type { Logger } from '../../../lib/logger';
import { trainAndEvaluate, type TrainingInput } from './training';

type Result = ReturnType<typeof trainAndEvaluate>;

function inWorker(input: TrainingInput): Promise<Result> {
  return new Promise((resolve, reject) => {
    // Sources run through tsx (no build step), so the worker loads it too.
    const worker = new Worker(new URL('./train.worker.mjs', import.meta.url), { workerData: input });
    let settled = false;
    worker.once('message', (message: { ok: boolean; result?: Result; error?: string }) => {
      settled = true;
      if (message.ok) resolve(message.result!);
      else reject(new Error(message.error));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (!settled) reject(Object.assign(error, { workerFailed: true }));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(Object.assign(new Error(`training worker exited with code ${code}`), { workerFailed: true }));
    });
  });
}

/** Trains in a worker thread; if a worker cannot be started here, trains in-process and says so in the log. */
export async function train(input: TrainingInput, logger: Logger): Promise<Result & { where: 'worker' | 'in-process' }> {
  try {
    return { ...(await inWorker(input)), where: 'worker' };
  } catch (error) {
    if (!(error as { workerFailed?: boolean }).workerFailed) throw error;
    logger.warn({ err: error }, 'anomalies: training worker unavailable; training in-process');
    return { ...trainAndEvaluate(input), where: 'in-process' };
  }
}
