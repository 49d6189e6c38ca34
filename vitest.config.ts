import { defineConfig } from "vitest/config";

// Integration tests use Postgres when DATABASE_URL is set and an embedded PGlite otherwise; each
// test file gets its own database copied from a template made once in the global setup.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
  },
});
