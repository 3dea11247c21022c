/**
 * The cancel link in a real browser: submit an interview, open the link from the confirmation in
 * the mailbox, read the page, press "Cancel only the follow-up", and check that the thank-you goes
 * out and the follow-up does not. Screenshots before and after go to test-results/e2e/.
 *
 * Chromium is Debian's (`apt-get install -y chromium`); set CHROMIUM_PATH to use another binary.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { useLocalRuntime } from '../integration/helpers.js';
import { ARTIFACTS, axeViolations, launchChromium, pageWidth } from './browser.js';

/** An interview's cancel link, from its confirmation in the local mailbox. */
async function cancelLink(email: string): Promise<string> {
  const res = await ctx.api.submit({ ...validBody(), interviewer: { name: 'Mrs. Hiring Manager', email } });
  expect(res.status).toBe(201);
  await ctx.runtime.emulator.settle();
  const confirmation = (await ctx.api.mail()).find(
    (m) => m.subject.startsWith('Scheduled:') && m.text.includes(email),
  );
  const link = /https?:\/\/\S+\/cancel\/[A-Za-z0-9_-]+/.exec(confirmation?.text ?? '')?.[0];
  expect(link).toBeDefined();
  return link as string;
}
const { ctx } = useLocalRuntime();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
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

  it('passes axe at phone and desktop width, before and after a cancel, and on the not-found page', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const link = await cancelLink('axe.check@example.org');
    for (const [name, viewport] of [
      ['phone', { width: 390, height: 844 }],
      ['desktop', { width: 1280, height: 800 }],
    ] as const) {
      const page = await browser.newPage({ viewport, bypassCSP: true });
      await page.goto(link);
      expect(await axeViolations(page), `${name}, as opened`).toEqual([]);
      await page.screenshot({ path: `${ARTIFACTS}/cancel-page-${name}.png`, fullPage: true });
      // Nothing is wider than the screen.
      expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
      await page.close();
    }
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    await page.goto(link);
    await page.getByRole('button', { name: 'Cancel all pending emails' }).click();
    await page.getByRole('status').waitFor();
    expect(await axeViolations(page), 'after cancelling').toEqual([]);
    await page.goto(`${link.slice(0, -4)}AAAA`);
    expect(await page.locator('h1').innerText()).toBe('Link not found');
    expect(await axeViolations(page), 'not found').toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/cancel-page-not-found.png`, fullPage: true });
    // The check itself finds what it should: an image without a text alternative.
    await page.setContent(
      '<!doctype html><html lang="en"><title>t</title><main><img src="x.png"></main></html>',
    );
    expect(await axeViolations(page)).toContain('image-alt (1)');
    await page.close();
  });

  it('works with JavaScript off: the buttons are plain form posts', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const link = await cancelLink('no.script@example.org');
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.locator('h1').innerText()).toBe('Copywriter at Example Corp');
    await page.getByRole('button', { name: 'Cancel only the follow-up' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').innerText()).toBe('Done: the follow-up will not be sent.');
    await page.screenshot({ path: `${ARTIFACTS}/cancel-page-no-js.png`, fullPage: true });
    await context.close();
  });
});

describe('the cancel link of a panel', () => {
  it("groups the emails by person; one person's emails cancelled, the others' go out; axe at 360 px", async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const { interviewer: _one, ...rest } = validBody();
    const res = await ctx.api.submit({
      ...rest,
      interviewers: [
        {
          name: 'Mrs. Hiring Manager',
          email: 'panel.lead@example.org',
          note: 'our talk about the spring campaign',
        },
        { name: 'Jordan Example', email: 'panel.jordan@example.org' },
        { name: 'Sam Example', email: 'panel.sam@example.org' },
      ],
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await ctx.runtime.emulator.settle();
    const confirmation = (await ctx.api.mail()).find(
      (m) => m.subject.startsWith('Scheduled:') && m.text.includes('panel.jordan@example.org'),
    );
    const link = /https?:\/\/\S+\/cancel\/[A-Za-z0-9_-]+/.exec(confirmation?.text ?? '')?.[0] as string;

    const page = await browser.newPage({ viewport: { width: 360, height: 780 }, bypassCSP: true });
    await page.goto(link);
    expect(await page.locator('h2').allInnerTexts()).toEqual([
      'Mrs. Hiring Manager panel.lead@example.org',
      'Jordan Example panel.jordan@example.org',
      'Sam Example panel.sam@example.org',
    ]);
    expect(await page.locator('section').nth(1).locator('li').count()).toBe(2);
    expect(await axeViolations(page), 'panel, as opened').toEqual([]);
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: `${ARTIFACTS}/cancel-page-panel.png`, fullPage: true });

    await page.getByRole('button', { name: 'Cancel the emails to Jordan Example' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').innerText()).toBe(
      'Done: nothing pending to Jordan Example will be sent.',
    );
    expect(await page.locator('section').nth(1).locator('li').allInnerTexts()).toEqual([
      expect.stringContaining('Cancelled'),
      expect.stringContaining('Cancelled'),
    ]);
    expect(await page.locator('section').nth(0).locator('li').first().innerText()).toContain('Scheduled');
    expect(await axeViolations(page), 'panel, after a cancel').toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/cancel-page-panel-after.png`, fullPage: true });
    await page.close();

    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    const mail = await ctx.api.mail();
    const to = (address: string) => mail.filter((m) => m.to.includes(address)).map((m) => m.subject);
    expect(to('panel.jordan@example.org')).toEqual([]);
    for (const address of ['panel.lead@example.org', 'panel.sam@example.org']) {
      expect(to(address)).toEqual([
        'Thank you for the Copywriter interview at Example Corp',
        'Re: Thank you for the Copywriter interview at Example Corp',
      ]);
    }
    const view = (await (await ctx.api.get(id)).json()) as { emails: { to: string; status: string }[] };
    expect(view.emails.map((e) => `${e.to} ${e.status}`)).toEqual([
      'panel.lead@example.org sent',
      'panel.lead@example.org sent',
      'panel.jordan@example.org cancelled',
      'panel.jordan@example.org cancelled',
      'panel.sam@example.org sent',
      'panel.sam@example.org sent',
    ]);
  });
});

describe('the API reference page', () => {
  it('passes axe, fits a phone, and links its document', async () => {
    for (const [name, viewport] of [
      ['phone', { width: 360, height: 740 }],
      ['desktop', { width: 1280, height: 800 }],
    ] as const) {
      const page = await browser.newPage({ viewport, bypassCSP: true });
      await page.goto(`${ctx.runtime.apiUrl}/docs`);
      expect(await page.locator('h1').innerText()).toBe('interview-followup API');
      expect(await axeViolations(page), name).toEqual([]);
      expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: `${ARTIFACTS}/docs-${name}.png`, fullPage: true });
      const href = await page.getByRole('link', { name: 'openapi.json' }).getAttribute('href');
      expect((await fetch(new URL(href ?? '', `${ctx.runtime.apiUrl}/docs`))).status).toBe(200);
      await page.close();
    }
  });
});
