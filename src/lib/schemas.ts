import { z } from 'zod';

/** Shared request/response primitives. Every string is trimmed and bounded. */
export const idParam = z.string().trim().min(1).max(128);
export const uuidString = z.string().trim().max(64);
export const shortText = (max = 200) => z.string().trim().max(max);
export const isoDate = z
  .string()
  .trim()
  .max(64)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date');
export const timestampMs = isoDate.transform((v) => Date.parse(v));

/** A 1-based page number from the query string. */
export const pageNumber = z.coerce.number().int().min(1).max(1_000_000).default(1);
/** A page size from the query string, bounded by `max`. */
export const pageLimit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** `?page=&size=` pagination (SentryFlow style) with a hard maximum. */
export const pageQuery = z.object({ page: pageNumber, size: pageLimit(100, 20) });

/** `?limit=&offset=` pagination (DriftMgr style). */
export const limitOffsetQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export const paginated = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), size: z.number().int() });

export const messageOnly = z.object({ message: z.string() });
export const anyObject = z.record(z.string(), z.unknown());
