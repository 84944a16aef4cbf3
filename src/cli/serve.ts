import { buildApp } from '../app/compose';
import { configFromArgs } from './options';

export async function serve(args: string[]): Promise<number | void> {
  const { config } = configFromArgs(args);
  const vigil = await buildApp({ config });
  const { app } = vigil;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(() => {
      app.log.error('shutdown grace period elapsed; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info({ address, database: vigil.core.dialect, redis: Boolean(config.redisUrl) }, `Vigil listening on ${address}`);
}
