import type { Kysely } from 'kysely';

/** Tables of the drift feature's state side (backends, state versions, locks). */
export async function up(_db: Kysely<any>): Promise<void> {}

export async function down(_db: Kysely<any>): Promise<void> {}
