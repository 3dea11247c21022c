/**
 * The one test that bundles the real handlers (esbuild, locally): slow, so on its own.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENTRIES, InterviewFollowupStack } from '../../infra/stack.js';
import { fn, type Json, SENDER } from './synth.js';

describe('bundling', () => {
  const handlersExist = Object.values(DEFAULT_ENTRIES).every((entry) => existsSync(entry));
  const outdir = mkdtempSync(path.join(tmpdir(), 'interview-followup-cdk-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it.skipIf(!handlersExist)(
    'bundles the three real handlers locally with esbuild into ESM assets',
    () => {
      const app = new App({ outdir });
      const stack = new InterviewFollowupStack(app, 'Bundled', SENDER);
      app.synth();
      const manifest = JSON.parse(
        readFileSync(path.join(outdir, `${stack.artifactId}.assets.json`), 'utf8'),
      ) as {
        files: Record<string, { source: { path: string; packaging?: string } }>;
      };
      const template = Template.fromJSON(
        JSON.parse(readFileSync(path.join(outdir, stack.templateFile), 'utf8')) as Json,
      );
      const hashes = new Set<string>();
      for (const id of ['Api', 'Sender', 'Feedback'] as const) {
        const code = fn(template, id).properties.Code as { S3Key: string };
        const hash = code.S3Key.replace(/\.zip$/, '');
        hashes.add(hash);
        const asset = manifest.files[hash];
        expect(asset?.source.packaging, `${id} asset`).toBe('zip');
        const dir = path.join(outdir, asset?.source.path ?? 'missing');
        const bundle = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
        expect(bundle.startsWith('import { createRequire')).toBe(true);
        expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b/);
        expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
      }
      expect(hashes.size).toBe(3);
    },
    180_000,
  );
});
