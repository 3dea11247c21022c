/**
 * No regular expression in the service may backtrack super-linearly: submitted text reaches many
 * of them (validation, templates, redaction of logs), and one slow match holds a whole function.
 * Every pattern written in `lambdas/` and `local/` (regex literals and `new RegExp("…")`) is
 * extracted from the source and checked with recheck, a ReDoS checker that decides this from the
 * pattern itself, so nothing here is timed. A `RegExp` built from a non-literal is refused too:
 * it could not be checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'acorn';
import { transformSync } from 'esbuild';
import { checkSync } from 'recheck';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';

const ROOT = join(import.meta.dirname, '..', '..');
const SCANNED = ['lambdas', 'local'];

interface Pattern {
  where: string;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

type Node = { type: string; [key: string]: unknown };

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}

/** Every node of an ESTree, depth first. */
function* nodes(node: Node): Generator<Node> {
  yield node;
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) if (isNode(child)) yield* nodes(child);
  }
}

function patternsIn(file: string): Pattern[] {
  const { code } = transformSync(readFileSync(file, 'utf8'), {
    loader: file.endsWith('.tsx') ? 'tsx' : 'ts',
    jsx: 'automatic',
  });
  const tree = parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
  const found: Pattern[] = [];
  const where = relative(ROOT, file);
  for (const node of nodes(tree as unknown as Node)) {
    const regex = node.regex as { pattern: string; flags: string } | undefined;
    if (node.type === 'Literal' && regex) found.push({ where, source: regex.pattern, flags: regex.flags });
    const callee = node.callee as Node | undefined;
    if ((node.type === 'NewExpression' || node.type === 'CallExpression') && callee?.name === 'RegExp') {
      const [source, flags] = node.arguments as Node[];
      if (source?.type !== 'Literal' || typeof source.value !== 'string') {
        throw new Error(`${where}: RegExp built from a non-literal cannot be checked`);
      }
      found.push({ where, source: source.value, flags: typeof flags?.value === 'string' ? flags.value : '' });
    }
  }
  return found;
}

const patterns = SCANNED.flatMap((dir) => sourceFiles(join(ROOT, dir))).flatMap(patternsIn);

describe('regular expressions are linear', () => {
  it('the scan finds the patterns that submitted text reaches', () => {
    const sources = patterns.map((p) => p.source);
    expect(patterns.length).toBeGreaterThan(20);
    expect(sources).toContain('\\{\\{([^{}]*)\\}\\}'); // placeholders (templates.ts)
    expect(patterns.some((p) => p.where.endsWith('schema.ts'))).toBe(true);
    expect(patterns.some((p) => p.where.endsWith('redact.ts'))).toBe(true);
  });

  it.each(patterns.map((p) => [`${p.where}: /${p.source}/${p.flags}`, p] as const))(
    '%s',
    (_name, pattern) => {
      const result = checkSync(pattern.source, pattern.flags);
      const why = result.status === 'vulnerable' ? result.complexity.summary : result.status;
      expect(result.status, why).toBe('safe');
    },
  );

  it('zod’s email pattern, which the schema uses, is linear too', () => {
    const email = z.regexes.email;
    expect(checkSync(email.source, email.flags).status).toBe('safe');
  });

  it('the checker would have caught the placeholder pattern of the first version', () => {
    const result = checkSync('\\{\\{\\s*([^{}]*?)\\s*\\}\\}', 'g');
    expect(result.status).toBe('vulnerable');
  });
});
