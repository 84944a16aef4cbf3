import type { DriftCore } from '../../drift.deps';
import { createStateModule, type StateModule } from '../index';

/**
 * Test wiring: route tests of the state module replace `src/app/features/drift.ts` with this (vi.mock), so they
 * exercise the state module through the real composition root whatever the rest of the drift feature does.
 */
export const wired: { module: StateModule | null } = { module: null };

export async function wireDrift(core: DriftCore) {
  const module = createStateModule(core);
  wired.module = module;
  return { feature: { name: 'drift-state', routes: module.routes, start: module.start, stop: module.stop } };
}
