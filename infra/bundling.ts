/**
 * How every function is bundled, in one place: the stack turns these into NodejsFunction
 * bundling props, and `npm run bench` into the same esbuild options, so the measured bundles are
 * the deployed ones. (No aws-cdk-lib import here, so the bench can load it cheaply.)
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
