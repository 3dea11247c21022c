/**
 * What the browser tests share: Debian's Chromium through playwright-core (set CHROMIUM_PATH to
 * use another binary), axe-core's verdict on a page, and how wide a page lays out.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where screenshots go. */
export const ARTIFACTS = 'test-results/e2e';
const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function launchChromium(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    // As root in a sandbox, on a machine with no network but loopback.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * axe-core's violations on the page as it stands (WCAG 2.1 A and AA, and best practices). The
 * page's strict CSP refuses the injected script, so the page must come from a `bypassCSP` context.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: await AXE_SOURCE });
  const results = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe;
    return axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
  });
  const { violations } = results as { violations: { id: string; nodes: unknown[] }[] };
  return violations.map((v) => `${v.id} (${v.nodes.length})`);
}

/** How wide the page lays out: more than the viewport means something runs off the screen. */
export function pageWidth(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth,
  );
}
