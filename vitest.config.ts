import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'
import SlowestFirst from './test/support/slowestFirst'

export default defineConfig({
  test: {
    // Two workers on two cores (the default leaves one core to Vitest itself, which mostly waits):
    // the server tests are CPU-bound (PGlite's WebAssembly, scrypt) and otherwise run one by one.
    maxWorkers: 2,
    // The slowest files start first, so both workers finish together (test/support/slowestFirst.ts).
    sequence: { sequencer: SlowestFirst },
    projects: [
      // 20 s: a limit for hangs, not an assertion (measureCounts' property test took over the default 5 s at a high machine load).
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', testTimeout: 20_000 } },
      // globalSetup: the command-line tools bundled once per run, run with plain node by test/server/cli.ts (test/support/serverBundle.ts).
      { test: { name: 'server', setupFiles: ['./test/server/setup.ts'], globalSetup: ['./test/support/serverBundle.ts'], include: ['test/server/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 60_000 } },
      // Several server processes on one PostgreSQL: run by npm run test:postgres only.
      { test: { name: 'multiprocess', include: ['test/multiprocess/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 240_000 } },
      // 15 s: a limit for hangs, not an assertion (kpiDashboard's page took over the default 5 s at a machine load of 11).
      { plugins: [vue()], test: { name: 'component', include: ['test/component/**/*.test.ts'], environment: 'happy-dom', testTimeout: 15_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.ts'],
          environment: 'node',
          // The server and its admin command bundled once per run, started with plain node (test/support/serverBundle.ts).
          globalSetup: ['./test/support/serverBundle.ts'],
          // Two files at a time (maxWorkers above): each starts its own server on a free port, its own
          // data directory and its own Chromium (test/e2e/harness.ts), so they share nothing. One file
          // keeps about one core busy (its server, its browser, the layout check), so two use both.
          // A test shares the cores with another file's: professional.e2e's first took 107 s beside
          // another file at a machine load of 8, so 180 s (a limit for hangs, not an assertion).
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // expect.poll's default of one second is too short for a screen to appear while another
          // file's browser shares the two cores (two flakes in clean-clone runs); a poll that holds
          // returns at once, so this costs nothing when green.
          expect: { poll: { timeout: 5_000 } },
        },
      },
    ],
  },
})
