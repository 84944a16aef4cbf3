import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors';
import { createIngestAdmission } from './admission';

describe('ingest admission', () => {
  it('admits up to the bound, then refuses with 503 and Retry-After until a slot is released', () => {
    let overloaded = 0;
    const admission = createIngestAdmission({ maxPending: 2, metrics: { observeIngest: () => undefined, ingestOverloaded: () => overloaded++ } });
    const a = admission.admit();
    admission.admit();
    let refused: unknown;
    try {
      admission.admit();
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(503);
    expect((refused as AppError).headers?.['retry-after']).toBe('1');
    expect(overloaded).toBe(1);
    a();
    a(); // releasing twice frees one slot only
    expect(admission.pending()).toBe(1);
    expect(() => admission.admit()).not.toThrow();
    expect(() => admission.admit()).toThrow(AppError);
  });
});
