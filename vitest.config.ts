import { defineConfig } from 'vitest/config';

/**
 * Two projects: everything on embedded SQLite, and the database-touching suites (API routes and repositories)
 * again on PostgreSQL when VIGIL_TEST_DATABASE_URL is set. Without it the PostgreSQL project is one skipped
 * test that says so.
 */
const pg = Boolean(process.env.VIGIL_TEST_DATABASE_URL);
const dbSuites = ['src/**/*.routes*.test.ts', 'src/**/*.repository*.test.ts', 'src/**/*.db.test.ts', 'test/**/*.db.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['test/postgres-skipped.test.ts'],
          env: { VIGIL_TEST_DIALECT: 'sqlite' },
        },
      },
      pg
        ? { extends: true, test: { name: 'postgres', include: dbSuites, env: { VIGIL_TEST_DIALECT: 'postgres' } } }
        : { extends: true, test: { name: 'postgres', include: ['test/postgres-skipped.test.ts'] } },
    ],
  },
});
