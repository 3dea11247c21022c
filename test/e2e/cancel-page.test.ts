/**
 * The cancel link in a real browser: submit an interview, open the link from the confirmation in
 * the mailbox, read the page, press "Cancel only the follow-up", and check that the thank-you goes
 * out and the follow-up does not. Screenshots before and after go to test-results/e2e/.
 *
 * Chromium is Debian's (`apt-get install -y chromium`); set CHROMIUM_PATH to use another binary.
 */
import { mkdir } from 'node:fs/promises';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { useLocalRuntime } from '../integration/helpers.js';

const ARTIFACTS = 'test-results/e2e';
const { ctx } = useLocalRuntime();
let browser: Browser;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
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
});
afterAll(async () => {
  await browser?.close();
});

describe('the cancel link in a browser', () => {
  it('cancels only the follow-up; the thank-you still goes out', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const res = await ctx.api.submit(validBody());
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await ctx.runtime.emulator.settle();

    const confirmation = (await ctx.api.mail()).find((m) => m.subject.startsWith('Scheduled:'));
    const link = /https?:\/\/\S+\/cancel\/[A-Za-z0-9_-]+/.exec(confirmation?.text ?? '')?.[0];
    expect(link).toBeDefined();

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
    await page.goto(link as string);
    await expect.poll(() => page.title()).toBe('Your interview emails');
    const body = page.locator('body');
    expect(await page.locator('h1').innerText()).toBe('Copywriter at Example Corp');
    expect(await body.innerText()).toContain('Emails to Mrs. Hiring Manager');
    expect(await body.innerText()).toContain('Goes out Friday, November 27 at 5:00 PM EST');
    expect(await body.innerText()).toContain('Goes out Wednesday, December 2 at 10:00 AM EST');
    await page.screenshot({ path: `${ARTIFACTS}/cancel-page-before.png`, fullPage: true });

    await page.getByRole('button', { name: 'Cancel only the follow-up' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').innerText()).toBe('Done: the follow-up will not be sent.');
    const items = await page.locator('li').allInnerTexts();
    expect(items[0]).toContain('Scheduled');
    expect(items[1]).toContain('Cancelled');
    expect(await page.getByRole('button', { name: 'Cancel only the follow-up' }).count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/cancel-page-after.png`, fullPage: true });
    await page.close();

    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    const toInterviewer = (await ctx.api.mail()).filter((m) => m.to.includes('hiring.manager@example.org'));
    expect(toInterviewer.map((m) => m.subject)).toEqual([
      'Thank you for the Copywriter interview at Example Corp',
    ]);
    const view = (await (await ctx.api.get(id)).json()) as { emails: { status: string }[] };
    expect(view.emails.map((e) => e.status)).toEqual(['sent', 'cancelled']);
  });
});
