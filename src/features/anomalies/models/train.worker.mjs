// Loads the TypeScript worker through tsx's loader: `--import tsx` in a worker's execArgv is not honoured on every Node version.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./train.worker.ts', import.meta.url).href);
