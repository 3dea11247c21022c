/**
 * The self-serve web app in a real browser (issue 18), with JavaScript off as well as on, at a
 * phone's width (and each state at a desktop's too): fill the form (with JavaScript off from an
 * Outlook invite whose zone is a Windows name; with it on, the zone defaults to the browser's and
 * the preview follows the fields), send it with Enter, open the verify link from the local mailbox,
 * confirm; then on the manage page fix a name, cancel one person's follow-up, restore it, and
 * erase. axe-core finds no violations on any page or state. Screenshots go to test-results/e2e/.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../integration/helpers.js';
import { mailsTo } from '../support/panel.js';
import { ARTIFACTS, axeViolations, launchChromium, pageWidth } from './browser.js';

const { ctx } = useLocalRuntime({ selfServe: 'on' });
const INVITE = fileURLToPath(new URL('../fixtures/invites/outlook-windows-zone.ics', import.meta.url));
const PHONE = 360;
const DESKTOP = 1280;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * The page, checked at a phone's width and a desktop's: nothing runs off either, and axe finds
 * nothing. axe is a script, so it runs in the JavaScript-on pass only; every page but the form has
 * no script of its own, so both passes see the same documents there.
 */
async function checked(page: Page, shot: string, javaScript: boolean): Promise<void> {
  if (javaScript) expect(await axeViolations(page)).toEqual([]);
  for (const width of [PHONE, DESKTOP]) {
    await page.setViewportSize({ width, height: 800 });
    expect(await pageWidth(page), `${shot} at ${width}`).toBeLessThanOrEqual(width);
    await page.screenshot({ path: `${ARTIFACTS}/${shot}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: PHONE, height: 800 });
}

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);

/**
 * A screenshot for the README (docs/screenshots/, copied from test-results/e2e/readme-*.png when
 * the pages change): what a phone or a desktop shows, from `selector`'s top.
 */
async function readmeShot(page: Page, name: string, width: number, selector: string): Promise<void> {
  await page.setViewportSize({ width, height: width === PHONE ? 760 : 860 });
  await page
    .locator(selector)
    .first()
    .evaluate((el) => (el as unknown as { scrollIntoView(): void }).scrollIntoView());
  await page.screenshot({ path: `${ARTIFACTS}/readme-${name}.png` });
  await page.setViewportSize({ width: PHONE, height: 800 });
}

/** The manage page: fix a name, cancel one person's follow-up and restore it, then erase. */
async function manage(page: Page, suffix: string, javaScript: boolean, first: string, second: string) {
  await page.getByRole('link', { name: 'Change the details' }).click();
  await page.getByRole('heading', { name: 'Change your emails' }).waitFor();
  await checked(page, `self-serve-edit-${suffix}`, javaScript);
  await field(page, 'interviewers.0.name').fill('Dr. Hiring Manager');
  await page.getByRole('button', { name: 'Save changes' }).last().click();
  await page.getByText('Saved: what is still to go follows your changes').waitFor();

  const jordan = page.getByRole('region', { name: 'Emails to Jordan Example' });
  await jordan.getByRole('button', { name: /^Cancel this follow-up/ }).click();
  await page.getByText('Done: the follow-up to Jordan Example will not be sent.').waitFor();
  await checked(page, `self-serve-manage-cancelled-${suffix}`, javaScript);
  if (javaScript) await readmeShot(page, 'manage-phone', PHONE, 'h1');
  await page.getByRole('button', { name: 'Restore the follow-up to Jordan Example' }).click();
  await page.getByText('Restored: it goes out as planned.').waitFor();
  expect(await jordan.getByRole('button', { name: /^Cancel this follow-up/ }).count()).toBe(1);

  // The thank-yous go, the first with the name as fixed.
  await ctx.api.setClock('2026-11-28T12:00:00.000Z');
  const thanks = mailsTo(await ctx.api.mail(), first);
  expect(thanks.map((m) => m.subject)).toEqual(['Thank you for the Copywriter interview at Example Corp']);
  expect(thanks[0]?.text).toContain('Dr. Hiring Manager');
  expect(mailsTo(await ctx.api.mail(), second)).toHaveLength(1);

  await page.reload();
  await page.getByRole('button', { name: 'Erase my data' }).click(); // not ticked: refused
  await page.getByText('Tick this box to erase').waitFor();
  // The answer opens scrolled to the refusal, not at the top of a long page.
  const refusal = await page.getByText('Tick this box to erase').boundingBox();
  expect(refusal && refusal.y >= 0 && refusal.y + refusal.height <= 800).toBe(true);
  await checked(page, `self-serve-erase-unticked-${suffix}`, javaScript);
  await page.getByLabel(/I understand: everything not yet sent is cancelled/).check();
  await page.getByRole('button', { name: 'Erase my data' }).click();
  await page.getByRole('heading', { name: 'Erased' }).waitFor();
  await checked(page, `self-serve-erased-${suffix}`, javaScript);
  // Nothing more goes: the follow-ups were cancelled with the erasure.
  await ctx.api.setClock('2026-12-09T00:00:00.000Z');
  expect(mailsTo(await ctx.api.mail(), first)).toHaveLength(1);
  expect(mailsTo(await ctx.api.mail(), second)).toHaveLength(1);
}

describe('the self-serve web app in a browser', () => {
  for (const javaScript of [false, true]) {
    it(`from the form to the manage page, verified first (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      await ctx.api.setClock('2026-11-27T19:30:00.000Z');
      const context = await browser.newContext({
        viewport: { width: PHONE, height: 800 },
        bypassCSP: true,
        javaScriptEnabled: javaScript,
        timezoneId: 'America/New_York',
      });
      const page = await context.newPage();
      const suffix = javaScript ? 'js' : 'nojs';
      const candidate = `reagan+web-${suffix}@example.com`;
      // The invite names Mrs. Hiring Manager at hiring.manager@example.org and Jordan Example.
      const first = javaScript ? `web-${suffix}@example.org` : 'hiring.manager@example.org';
      const second = javaScript ? `jordan-${suffix}@example.org` : 'jordan@example.org';
      const zone = javaScript ? 'EST' : 'PST';
      await page.goto(`${ctx.runtime.apiUrl}/`);
      await checked(page, `self-serve-form-${suffix}`, javaScript);
      // With JavaScript the zone is the browser's until changed; without, it waits to be typed.
      expect(await page.getByLabel('Time zone').inputValue()).toBe(javaScript ? 'America/New_York' : '');

      // Sent empty: every error is shown, tied to its field.
      await page.getByRole('button', { name: 'Send me the link to confirm' }).last().click();
      await page.waitForSelector('[aria-invalid="true"]');
      await checked(page, `self-serve-form-errors-${suffix}`, javaScript);

      await page.getByLabel('Your name').fill('Reagan Applicant');
      await page.getByLabel('Your email', { exact: true }).fill(candidate);
      if (javaScript) {
        await field(page, 'interviewers.0.name').fill('Mrs. Hiring Manager');
        await field(page, 'interviewers.0.email').fill(first);
        await page.getByLabel('Position', { exact: true }).fill('Copywriter');
        await page.getByLabel('When it ended').fill('2026-11-27T14:00');
        // The preview follows the fields as they change.
        const preview = page.locator('#preview');
        await preview.getByText('Subject: Thank you for the Copywriter interview').waitFor();
        await field(page, 'interviewers.0.note').fill('our talk about the spring campaign');
        await preview
          .getByText(/our talk about the spring campaign/)
          .first()
          .waitFor();
        await page.getByRole('button', { name: 'Add an interviewer' }).click();
        await field(page, 'interviewers.1.name').fill('Jordan Example');
        await field(page, 'interviewers.1.email').fill(second);
        await preview.getByRole('region', { name: 'Emails to Jordan Example' }).waitFor();
        await checked(page, `self-serve-preview-${suffix}`, javaScript);
        await readmeShot(page, 'preview-desktop', DESKTOP, '#preview');
      } else {
        // From an Outlook invite whose zone is a Windows name: the form fills in, to check.
        await page.getByLabel("The interview's calendar invite").setInputFiles(INVITE);
        await page.getByRole('button', { name: 'Fill in from the invite' }).click();
        await page.waitForSelector('input[name="interviewers.1.email"][value="jordan@example.org"]');
        expect(await page.getByLabel('Time zone').inputValue()).toBe('America/Los_Angeles');
        expect(await page.getByLabel('When it ended').inputValue()).toBe('2026-11-27T14:00');
        await page.getByLabel('Position', { exact: true }).fill('Copywriter');
        // The preview without JavaScript: a button that posts the form back with it.
        await page.getByRole('button', { name: 'Preview the emails' }).click();
        await page
          .locator('#preview')
          .getByText('Subject: Thank you for the Copywriter interview')
          .first()
          .waitFor();
        await checked(page, `self-serve-preview-${suffix}`, javaScript);
      }
      await page.getByLabel('Company (optional)').fill('Example Corp');
      await page.getByLabel('Company (optional)').press('Enter'); // the form's default button sends it
      await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
      await checked(page, `self-serve-check-inbox-${suffix}`, javaScript);

      await ctx.runtime.emulator.settle();
      expect(mailsTo(await ctx.api.mail(), first)).toEqual([]);
      expect(mailsTo(await ctx.api.mail(), second)).toEqual([]);
      const verify = mailsTo(await ctx.api.mail(), candidate).at(-1)?.text ?? '';
      const link = /https?:\/\/\S+\/manage\/[A-Za-z0-9_-]{43}/.exec(verify)?.[0];
      expect(link).toBeDefined();
      await page.goto(link as string);
      await page.getByRole('heading', { name: 'Confirm your emails' }).waitFor();
      expect(await page.textContent('main')).toContain(`Friday, November 27 at 5:00 PM ${zone}`);
      await checked(page, `self-serve-confirm-${suffix}`, javaScript);
      await page.getByRole('button', { name: 'Confirm and schedule' }).click();
      await page.getByText('Confirmed: your emails are scheduled').waitFor();
      expect(new URL(page.url()).pathname).toBe(new URL(link as string).pathname);
      await checked(page, `self-serve-manage-${suffix}`, javaScript);

      await manage(page, suffix, javaScript, first, second);
      await context.close();
    });
  }

  it('an invite chosen or dropped on its box fills the form in at once, with JavaScript', async () => {
    const context = await browser.newContext({ viewport: { width: PHONE, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${ctx.runtime.apiUrl}/`);
    await page.getByLabel("The interview's calendar invite").setInputFiles(INVITE); // no button pressed
    // No address of the candidate's typed yet: every attendee is listed, to remove by hand.
    await page.waitForSelector('input[name="interviewers.0.email"][value="hiring.manager@example.org"]');
    await checked(page, 'self-serve-form-invite-js', true);
    await readmeShot(page, 'form-phone', PHONE, 'h1');

    await page.goto(`${ctx.runtime.apiUrl}/`);
    const dropped = await page.evaluateHandle(
      (text) => {
        const g = globalThis as unknown as {
          DataTransfer: new () => { items: { add(file: unknown): void } };
          File: new (parts: string[], name: string, options: { type: string }) => unknown;
        };
        const transfer = new g.DataTransfer();
        transfer.items.add(new g.File([text], 'invite.ics', { type: 'text/calendar' }));
        return transfer;
      },
      await readFile(INVITE, 'utf8'),
    );
    await page.dispatchEvent('#invite-drop', 'drop', { dataTransfer: dropped });
    await page.waitForSelector('input[value="jordan@example.org"]');
    expect(await page.getByLabel('Time zone').inputValue()).toBe('America/Los_Angeles');

    // A preview refused (the route's throttle, say) says the preview is not up to date.
    await page.route('**/preview', (route) => route.fulfill({ status: 429, body: '' }));
    await page.getByLabel('Your name').fill('Reagan Applicant');
    await page.getByText('The preview could not be updated just now').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
