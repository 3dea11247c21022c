/**
 * How every function is bundled and sized, in one place: the stack turns these into NodejsFunction
 * props, and `npm run bench` into the same esbuild options and its Lambda prices, so what it
 * measures is what is deployed. (No aws-cdk-lib import here, so the bench can load it cheaply.)
 */

/** Lambda's Node.js runtime version; the esbuild target follows it. */
export const NODE_MAJOR = 24;
export const ESBUILD_TARGET = `node${NODE_MAJOR}`;

/** Output is ESM; CommonJS dependencies that call require() get a real one. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __cdkCreateRequire } from 'node:module'; const require = __cdkCreateRequire(import.meta.url);";

export const MAIN_FIELDS = ['module', 'main'];
export const MINIFY = true;
export const SOURCE_MAP = true;

/** Every function's memory (MB), on arm64; the bench bills Lambda durations at it. */
export const FUNCTION_MEMORY_MB = 256;
