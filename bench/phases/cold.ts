/**
 * Phase 1, cold start: each function bundled exactly as the stack bundles it (infra/bundling.ts),
 * its size, and the time a fresh Node process takes to import it and be ready to handle, beside a
 * baseline bundle that only imports and constructs the same AWS SDK clients.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ESBUILD_TARGET, ESM_REQUIRE_BANNER, MAIN_FIELDS, MINIFY, SOURCE_MAP } from '../../infra/bundling.js';
import { FUNCTION_ENVIRONMENT } from '../lifecycle.js';
import { median, type PhaseOptions, type Report } from '../report.js';

/** Build output (gitignored). */
const BUILD = 'bench/.build';

const FUNCTIONS = {
  api: { entry: 'lambdas/api/handler.ts', clients: ['dynamodb', 'scheduler', 'lambda', 'secrets'] },
  sender: { entry: 'lambdas/sender/handler.ts', clients: ['dynamodb', 'ses', 'scheduler'] },
  feedback: { entry: 'lambdas/feedback/handler.ts', clients: ['dynamodb', 'scheduler'] },
} as const;

const CLIENT_CODE: Record<string, { imports: string; make: string }> = {
  dynamodb: {
    imports:
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    make: 'DynamoDBDocumentClient.from(new DynamoDBClient({}))',
  },
  scheduler: {
    imports: "import { SchedulerClient } from '@aws-sdk/client-scheduler';",
    make: 'new SchedulerClient({})',
  },
  lambda: { imports: "import { LambdaClient } from '@aws-sdk/client-lambda';", make: 'new LambdaClient({})' },
  ses: {
    imports: "import { SESClient } from '@aws-sdk/client-ses';",
    make: 'new SESClient({ maxAttempts: 1 })',
  },
  secrets: {
    imports: "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';",
    make: 'new SecretsManagerClient({})',
  },
};

async function bundle(entry: string, outfile: string): Promise<number> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ESBUILD_TARGET,
    mainFields: MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    minify: MINIFY,
    sourcemap: SOURCE_MAP,
    tsconfig: 'tsconfig.json',
    logLevel: 'error',
  });
  return (await stat(outfile)).size;
}

/** A fresh process: import the bundle, check the handler, print the milliseconds it took. */
function importTime(file: string): number {
  const code =
    'const t = performance.now(); const m = await import(process.env.BENCH_FILE); ' +
    "if (typeof m.handler !== 'function') throw new Error('no handler'); " +
    'process.stdout.write(String(performance.now() - t));';
  const out = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', code], {
    env: { ...process.env, ...FUNCTION_ENVIRONMENT, BENCH_FILE: file },
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`import of ${file} failed: ${out.stderr}`);
  return Number(out.stdout);
}

export async function coldStart(report: Report, { quick }: PhaseOptions): Promise<void> {
  await mkdir(BUILD, { recursive: true });
  const samples = quick ? 5 : 15;
  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    const baselineEntry = join(BUILD, `${name}-baseline.ts`);
    const clients = fn.clients.map((c) => CLIENT_CODE[c]);
    await writeFile(
      baselineEntry,
      `${clients.map((c) => c?.imports).join('\n')}\nconst clients = [${clients.map((c) => c?.make).join(', ')}];\nexport const handler = async () => clients.length;\n`,
    );
    const bundleFile = join(process.cwd(), BUILD, `${name}.mjs`);
    const baselineFile = join(process.cwd(), BUILD, `${name}-baseline.mjs`);
    const size = await bundle(fn.entry, bundleFile);
    const baseSize = await bundle(baselineEntry, baselineFile);
    const times: number[] = [];
    const baseTimes: number[] = [];
    importTime(bundleFile); // warm the file cache for both, then alternate
    importTime(baselineFile);
    for (let i = 0; i < samples; i++) {
      times.push(importTime(bundleFile));
      baseTimes.push(importTime(baselineFile));
    }
    const ratio = median(times) / median(baseTimes);
    report.row(
      'cold start',
      `${name}: bundle size (KiB) vs SDK-only baseline`,
      `${(size / 1024).toFixed(0)} / ${(baseSize / 1024).toFixed(0)}`,
      `${(size / baseSize).toFixed(2)}× (target ≤ 1.2×)`,
    );
    report.row(
      'cold start',
      `${name}: import + init, median of ${samples} (ms) vs baseline`,
      `${median(times).toFixed(1)} / ${median(baseTimes).toFixed(1)}`,
      `${ratio.toFixed(2)}× (target ≤ 1.25×)`,
    );
  }
}
