import { defineConfig } from 'vitest/config';

/**
 * Three tiers (see the README's Development section):
 * - `fast`: the pure rules (test/unit), the use cases and HTTP in process on the in-memory
 *   adapters (test/service), and the port contracts on those adapters. No servers, no child
 *   processes, no state outside each test's own objects, so the files share one module graph
 *   (isolate: false) instead of importing the AWS SDK and the app again for every file.
 * - `infra`: the CDK stack, synthesized in process; shares modules the same way, so aws-cdk-lib
 *   is loaded once.
 * - `integration`: the journeys through the real local servers (dynalite, the SES stand-in, the
 *   emulator), child processes and kills; each file in a fresh module graph, as before.
 * Two workers on the two-core machines: the integration files mostly wait on servers and
 * children, so they overlap well with the CPU-bound tiers.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['test/unit/**/*.test.ts', 'test/service/**/*.test.ts', 'test/contract/memory.test.ts'],
          // TEST_SERVICE=local runs test/service through the local runtime instead, whose SES
          // stand-in keeps one mailbox per module instance: each file then gets its own again.
          isolate: process.env.TEST_SERVICE === 'local',
        },
      },
      {
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/contract/aws.test.ts'],
        },
      },
    ],
  },
});
