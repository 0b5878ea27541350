import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Grading tests spawn sandboxed children; two cores, so keep files from starving each other.
    maxWorkers: 2,
    testTimeout: 60_000,
    // A test that asserts nothing is a defect: every test must run at least one expect().
    expect: { requireAssertions: true },
    hookTimeout: 120_000,
  },
});
