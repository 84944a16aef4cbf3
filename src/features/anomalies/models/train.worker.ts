import { parentPort, workerData } from 'node:worker_threads';
import { trainAndEvaluate, type TrainingInput } from './training';

/** Trains off the main thread so the server stays responsive. */
try {
  parentPort!.postMessage({ ok: true, result: trainAndEvaluate(workerData as TrainingInput) });
} catch (error) {
  parentPort!.postMessage({ ok: false, error: (error as Error).message });
}
