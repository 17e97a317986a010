import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers.js';

/**
 * GraphiQL in a real browser with no internet: Debian's chromium (never a
 * downloaded browser), every request not to 127.0.0.1 refused. Yoga's default
 * page would load its scripts from a CDN and stay on "Loading…".
 */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const skipReason = `Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (.ci/run does) to run the GraphiQL browser test`;
const ARTIFACTS = new URL('../artifacts/', import.meta.url);
// Generous: Chromium starting on a busy 2-core machine beside other test workers.
const BROWSER_TIMEOUT_MS = 60_000;

let stack: Stack;
let browser: Browser | undefined;
const outside: string[] = [];

beforeAll(async () => {
  // Polled each second: the live queue tab sees a change soon after the sandbox makes it.
  stack = await startStack({ env: { QUEUE_POLL_SECONDS: '1' } });
  if (!available) {
    console.warn(`GraphiQL browser tests skipped: ${skipReason}`);
    return;
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: BROWSER_TIMEOUT_MS,
  });
}, 2 * BROWSER_TIMEOUT_MS);
afterAll(async () => {
  await browser?.close();
  await stack.close();
});

/** A fresh browser profile (no stored tabs) that can reach nothing but loopback. */
async function offlineContext(): Promise<BrowserContext> {
  const context = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    outside.push(url.href);
    return route.abort('internetdisconnected');
  });
  return context;
}

async function openGraphiQL(context: BrowserContext, search = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(stack.url + search);
  await page.locator('.graphiql-container').first().waitFor();
  return page;
}

async function run(page: Page): Promise<string> {
  await page.getByRole('button', { name: /Execute query/ }).click();
  const response = page.locator('.graphiql-response');
  await expect.poll(() => response.innerText(), { timeout: BROWSER_TIMEOUT_MS }).toContain('"data"');
  // Monaco renders spaces as no-break spaces.
  return (await response.innerText()).replaceAll('\u00a0', ' ');
}

describe('GraphiQL served by the gateway, offline', () => {
  it('renders with its example tabs and runs the dashboard tab, fetching nothing from outside', { timeout: 3 * BROWSER_TIMEOUT_MS }, async (test) => {
    if (!available) return test.skip(skipReason);
    const context = await offlineContext();
    const page = await openGraphiQL(context);
    await expect.poll(() => page.locator('.graphiql-tab').allInnerTexts()).toEqual([
      'Dashboard',
      'LiveQueue',
      'WatchQueue',
      'FailedSmsLastDay',
      'UnhandledQueries',
      'PostMessage',
      'BotTraining',
    ]);
    await stack.resetStats();
    const response = await run(page);
    expect(response).toContain('"agentId": 20457');
    expect(response).toContain('"name": "Acme Retail Assistant"');
    expect(response).not.toContain('"errors"');
    expect((await stack.stats()).total).toBeGreaterThan(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('graphiql-dashboard.png', ARTIFACTS).pathname });
    expect(outside).toEqual([]);
    await context.close();
  });

  it('runs the live queue tab, a subscription over SSE, and shows the queue move', { timeout: 3 * BROWSER_TIMEOUT_MS }, async (test) => {
    if (!available) return test.skip(skipReason);
    const context = await offlineContext();
    const page = await openGraphiQL(context);
    // The tabs can be dragged to reorder them, which takes a pointer click for the start of a drag: a click event selects.
    await page.locator('button.graphiql-tab-button[title="WatchQueue"]').dispatchEvent('click');
    const editor = page.locator('.graphiql-query-editor').first().locator('.view-lines');
    await expect.poll(() => editor.innerText(), { timeout: BROWSER_TIMEOUT_MS }).toContain('WatchQueue');
    const first = await run(page);
    // Monaco renders the lines in view only: the top of the event.
    expect(first).toContain('"contactQueue"');
    expect(first).toContain('"asOf"');
    expect(first).not.toContain('"errors"');
    // A contact that has waited longest of all writes in: it enters the top 10 on the next poll.
    const added = await fetch(`${stack.sandbox.url}/__sandbox/contacts`, {
      method: 'POST',
      body: JSON.stringify({ status: 'unattended', count: 1, waitingSeconds: 2_000_000 }),
    });
    const { added: [id] } = (await added.json()) as { added: string[] };
    const response = page.locator('.graphiql-response');
    await expect.poll(() => response.innerText(), { timeout: BROWSER_TIMEOUT_MS }).toContain(id);
    expect((await response.innerText()).replaceAll('\u00a0', ' ')).toContain('"entered"');
    await page.screenshot({ path: new URL('graphiql-live-queue.png', ARTIFACTS).pathname });
    expect(outside).toEqual([]);
    await context.close();
  });

  it('runs a query passed in the URL and shows its data', { timeout: 3 * BROWSER_TIMEOUT_MS }, async (test) => {
    if (!available) return test.skip(skipReason);
    const context = await offlineContext();
    const query = '{ queue: contacts(status: UNATTENDED, first: 2) { totalCount nodes { name waitingTime } } }';
    const page = await openGraphiQL(context, `?query=${encodeURIComponent(query)}`);
    const response = await run(page);
    expect(response).toContain('"queue"');
    expect(response).toContain('"waitingTime"');
    expect(outside).toEqual([]);
    await context.close();
  });

  it('runs a query typed into a new tab', { timeout: 3 * BROWSER_TIMEOUT_MS }, async (test) => {
    if (!available) return test.skip(skipReason);
    const context = await offlineContext();
    const page = await openGraphiQL(context);
    await page.getByRole('button', { name: 'New tab' }).click();
    await expect.poll(() => page.locator('.graphiql-tab').count()).toBe(8);
    // On a busy machine the new tab's editor can take a moment to take focus;
    // keys sent before then land in the old tab. Type until the editor holds
    // exactly the typed query.
    const typed = 'query Typed { agent(agentId: 20457) { name languages } }';
    const editor = page.locator('.graphiql-query-editor').first();
    // Monaco's text lines, without the line-number gutter.
    const editorText = async () => (await editor.locator('.view-lines').innerText()).replaceAll('\u00a0', ' ').replace(/\s+/g, ' ').trim();
    for (let attempt = 0; attempt < 3 && (await editorText()) !== typed; attempt++) {
      await editor.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(typed);
    }
    expect(await editorText()).toBe(typed);
    const response = await run(page);
    expect(response).toContain('"name": "Acme Retail Assistant"');
    expect(response).toContain('"languages"');
    expect(outside).toEqual([]);
    await context.close();
  });

  it('lists the schema\'s types, with their descriptions, in the documentation explorer', { timeout: 3 * BROWSER_TIMEOUT_MS }, async (test) => {
    if (!available) return test.skip(skipReason);
    const context = await offlineContext();
    const page = await openGraphiQL(context);
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const explorer = page.locator('.graphiql-doc-explorer');
    await expect.poll(() => explorer.innerText(), { timeout: BROWSER_TIMEOUT_MS }).toContain('All Schema Types');
    const text = await explorer.innerText();
    for (const type of ['Query', 'Mutation', 'Agent', 'Contact', 'SmsRecord', 'UnhandledMessage', 'DateTime']) {
      expect(text).toContain(type);
    }
    await explorer.getByRole('link', { name: 'Contact', exact: true }).first().click();
    await expect.poll(() => explorer.innerText(), { timeout: BROWSER_TIMEOUT_MS }).toContain('waitingTime');
    expect(await explorer.innerText()).toContain('Seconds this contact has been waiting');
    await page.screenshot({ path: new URL('graphiql-docs.png', ARTIFACTS).pathname });
    expect(outside).toEqual([]);
    await context.close();
  });
});
