/**
 * The self-serve form in a real browser (issue 18, first slice), with JavaScript off as well as
 * on: fill the form at a phone's width (with JavaScript off, from an Outlook invite whose zone is a
 * Windows name), send it with Enter, open the verify link from the local
 * mailbox, read the plan, press "Confirm and schedule", and land on the interview's page; the form's
 * errors too. axe-core finds no violations on any page or state. Screenshots go to test-results/e2e/.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../integration/helpers.js';
import { mailsTo } from '../support/panel.js';
import { ARTIFACTS, axeViolations, launchChromium, pageWidth } from './browser.js';

const { ctx } = useLocalRuntime({ selfServe: 'on' });
const INVITE = fileURLToPath(new URL('../fixtures/invites/outlook-windows-zone.ics', import.meta.url));
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * The page, checked: nothing runs off its width, and axe finds nothing. axe is a script, so it
 * runs in the JavaScript-on pass only; the pages have no script of their own, so both passes see
 * the same document.
 */
async function checked(page: Page, width: number, shot: string, javaScript: boolean): Promise<void> {
  if (javaScript) expect(await axeViolations(page)).toEqual([]);
  expect(await pageWidth(page)).toBeLessThanOrEqual(width);
  await page.screenshot({ path: `${ARTIFACTS}/${shot}.png`, fullPage: true });
}

describe('the self-serve form in a browser', () => {
  for (const javaScript of [false, true]) {
    it(`schedules a thank-you and follow-up from the form, verified first (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      await ctx.api.setClock('2026-11-27T19:30:00.000Z');
      const width = 360;
      const context = await browser.newContext({
        viewport: { width, height: 800 },
        bypassCSP: true,
        javaScriptEnabled: javaScript,
      });
      const page = await context.newPage();
      const suffix = javaScript ? 'js' : 'nojs';
      const candidate = `reagan+web-${suffix}@example.com`;
      // The invite names Mrs. Hiring Manager at hiring.manager@example.org (and Jordan Example).
      const interviewer = javaScript ? `web-${suffix}@example.org` : 'hiring.manager@example.org';
      const zone = javaScript ? 'EST' : 'PST';
      await page.goto(`${ctx.runtime.apiUrl}/`);
      await checked(page, width, `self-serve-form-${suffix}`, javaScript);

      // Sent empty: every error is shown, tied to its field.
      await page.getByRole('button', { name: 'Send me the link to confirm' }).last().click();
      await page.waitForSelector('[aria-invalid="true"]');
      await checked(page, width, `self-serve-form-errors-${suffix}`, javaScript);

      await page.getByLabel('Your name').fill('Reagan Applicant');
      await page.getByLabel('Your email').fill(candidate);
      if (javaScript) {
        await page.getByLabel('Name', { exact: true }).fill('Mrs. Hiring Manager');
        await page.getByLabel('Email', { exact: true }).fill(interviewer);
        await page.getByLabel('Position', { exact: true }).fill('Copywriter');
        await page.getByLabel('When it ended').fill('2026-11-27T14:00');
        await page.getByLabel('Time zone').fill('America/New_York');
      } else {
        // From an Outlook invite whose zone is a Windows name: the form fills in, to check.
        await page.getByLabel("The interview's calendar invite").setInputFiles(INVITE);
        await page.getByRole('button', { name: 'Fill in from the invite' }).click();
        await page.waitForSelector('input[name="interviewers.1.email"][value="jordan@example.org"]');
        expect(await page.getByLabel('Time zone').inputValue()).toBe('America/Los_Angeles');
        expect(await page.getByLabel('When it ended').inputValue()).toBe('2026-11-27T14:00');
        await checked(page, width, `self-serve-form-invite-${suffix}`, javaScript);
        await page.getByLabel('Position', { exact: true }).fill('Copywriter');
      }
      await page.getByLabel('Company (optional)').fill('Example Corp');
      await page.getByLabel('Company (optional)').press('Enter'); // the form's default button sends it
      await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
      await checked(page, width, `self-serve-check-inbox-${suffix}`, javaScript);

      await ctx.runtime.emulator.settle();
      expect(mailsTo(await ctx.api.mail(), interviewer)).toEqual([]);
      const verify = mailsTo(await ctx.api.mail(), candidate).at(-1)?.text ?? '';
      const link = /https?:\/\/\S+\/manage\/[A-Za-z0-9_-]{43}/.exec(verify)?.[0];
      expect(link).toBeDefined();
      await page.goto(link as string);
      await page.getByRole('heading', { name: 'Confirm your emails' }).waitFor();
      expect(await page.textContent('main')).toContain(`Friday, November 27 at 5:00 PM ${zone}`);
      await checked(page, width, `self-serve-confirm-${suffix}`, javaScript);
      await page.getByRole('button', { name: 'Confirm and schedule' }).click();
      await page.waitForURL(/\/cancel\//);
      expect(await page.textContent('main')).toContain('Mrs. Hiring Manager');
      await checked(page, width, `self-serve-confirmed-${suffix}`, javaScript);
      await context.close();

      await ctx.api.setClock('2026-12-03T00:00:00.000Z');
      expect(mailsTo(await ctx.api.mail(), interviewer).map((m) => m.subject)).toEqual([
        'Thank you for the Copywriter interview at Example Corp',
        'Re: Thank you for the Copywriter interview at Example Corp',
      ]);
    });
  }

  it('the form filled in from an invite passes axe, at phone and desktop width', async () => {
    for (const width of [360, 1280]) {
      const page = await browser.newPage({ viewport: { width, height: 900 }, bypassCSP: true });
      await page.goto(`${ctx.runtime.apiUrl}/`);
      await page.getByLabel("The interview's calendar invite").setInputFiles(INVITE);
      await page.getByRole('button', { name: 'Fill in from the invite' }).click();
      // No address of the candidate's typed yet: every attendee is listed, to remove by hand.
      await page.waitForSelector('input[name="interviewers.0.email"][value="hiring.manager@example.org"]');
      await checked(page, width, `self-serve-form-invite-${width}`, true);
      await page.close();
    }
  });
});
