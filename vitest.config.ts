import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: pure rules run in plain Node; everything that touches a binding runs inside
// workerd through miniflare, with the real Durable Objects, D1 and Queues.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    test: {
      projects: [
        {
          test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  JWT_SECRET: "test-secret",
                  TEST_MIGRATIONS: migrations,
                  LIVEROOM_TEST_CLOCK: "1",
                },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/workers/**/*.test.ts"],
            setupFiles: ["test/workers/apply-migrations.ts"],
          },
        },
        // `npm run sim` (scripts/sim.mjs, issue 14) only: seeds of the fault simulation, passed as bindings.
        ...(process.env.LIVEROOM_SIM === undefined
          ? []
          : [
              {
                plugins: [
                  cloudflareTest({
                    wrangler: { configPath: "./wrangler.toml" },
                    miniflare: {
                      bindings: {
                        JWT_SECRET: "test-secret",
                        TEST_MIGRATIONS: migrations,
                        LIVEROOM_TEST_CLOCK: "1",
                        SIM_FROM: process.env.SIM_FROM ?? "1",
                        SIM_SEEDS: process.env.SIM_SEEDS ?? "1",
                        SIM_SHARDS: process.env.SIM_SHARDS ?? "3",
                        SIM_PARALLEL: process.env.SIM_PARALLEL ?? "1",
                      },
                      // The settlement Queue as wrangler.toml has it, but a batch waits 50 ms, not 1 s, to fill:
                      // a seed spends its time on faults, not on the Queue's timer.
                      queueConsumers: {
                        "liveroom-settlement": {
                          maxBatchSize: 100,
                          maxBatchTimeout: 0.05,
                          maxRetries: 10,
                          retryDelay: 2,
                          deadLetterQueue: "liveroom-settlement-dlq",
                        },
                        "liveroom-settlement-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.05 },
                      },
                    },
                  }),
                ],
                test: {
                  name: "sim",
                  include: ["test/sim/**/*.test.ts"],
                  setupFiles: ["test/workers/apply-migrations.ts"],
                },
              },
            ]),
        {
          // Real Chromium against `wrangler dev` (test/e2e/support): one server for all files, one file at a time.
          test: {
            name: "e2e",
            include: ["test/e2e/**/*.test.ts"],
            environment: "node",
            globalSetup: ["test/e2e/support/global-setup.ts"],
            fileParallelism: false,
            testTimeout: 60_000,
            hookTimeout: 90_000,
          },
        },
      ],
    },
  };
});
