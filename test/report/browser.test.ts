/**
 * report.html in a real browser: Debian's headless Chromium driven by
 * playwright-core (`npm test` installs the `chromium` package first: scripts/ensure-test-deps.mjs). One browser
 * launch for the whole file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { renderReport } from '../../src/report/index.ts';
import { tempDir, tinyRun } from './fixture.ts';

const CHROMIUM = '/usr/bin/chromium';

let root: string;
let context: BrowserContext;
let page: Page;
let charts: string[];
const consoleProblems: string[] = [];
const outsideRequests: string[] = [];

beforeAll(async () => {
  root = tempDir('browser');
  const dir = await tinyRun(join(root, 'out'));
  charts = (await renderReport(dir, { quiet: true, png: false })).charts;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run npm test, which installs Debian's chromium package (scripts/ensure-test-deps.mjs)`);
  context = await chromium.launchPersistentContext(join(root, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'], // containers often give /dev/shm only 64 MB
  });
  // Every request that is not the file itself or inline data is recorded and refused.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    outsideRequests.push(url);
    return route.abort();
  });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleProblems.push(`page error: ${e.message}`));
  await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-charts]', { timeout: 60_000 });
});

afterAll(async () => {
  await context?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('report.html in headless Chromium', () => {
  it('loads with no console error or warning and no request leaving the page', async () => {
    expect(await page.getAttribute('body', 'data-charts')).toBe('ready');
    expect(consoleProblems).toEqual([]);
    expect(outsideRequests).toEqual([]);
  });

  it('renders every chart as an SVG with marks, including the collapsed ones', async () => {
    const drawn = await page.$$eval('div.vega', (divs) =>
      divs.map((d) => ({ name: d.getAttribute('data-chart'), marks: d.querySelectorAll('svg .mark-line path, svg .mark-area path, svg .mark-rect path, svg .mark-symbol path, svg .mark-rule line').length })),
    );
    expect(drawn.map((d) => d.name)).toEqual(charts);
    for (const d of drawn) expect(d.marks, `${d.name} has no marks`).toBeGreaterThan(3);
  });

  it('shows a tooltip with plain-words fields when hovering a rollout on the cost chart', async () => {
    const point = page.locator('#chart-cost-vs-adoption svg .mark-symbol path').first();
    await point.scrollIntoViewIfNeeded();
    await point.hover({ force: true });
    const tooltip = page.locator('#vg-tooltip-element');
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await tooltip.innerText();
    expect(text).toContain('Strategy');
    expect(text).toContain('Sustained adoption');
    expect(text).not.toMatch(/[a-z]_[a-z]/);
  });

  it('offers to save each chart as SVG or PNG from the page, and nothing that needs the network', async () => {
    const menu = page.locator('#chart-fan-active-share details');
    await menu.locator('summary').click();
    const actions = await menu.locator('.vega-actions a').allInnerTexts();
    expect(actions).toEqual(['Save as SVG', 'Save as PNG']);
    await menu.locator('summary').click();
  });

  it('takes a screenshot that is not blank: the summary and the first chart in many colours', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const shot = PNG.sync.read(await page.screenshot({ path: join(root, 'report.png'), fullPage: false }));
    const colours = new Set<number>();
    let nonWhite = 0;
    for (let i = 0; i < shot.data.length; i += 4) {
      const [r, g, b] = [shot.data[i]!, shot.data[i + 1]!, shot.data[i + 2]!];
      colours.add((r << 16) | (g << 8) | b);
      if (r < 230 || g < 230 || b < 230) nonWhite++;
    }
    expect(colours.size).toBeGreaterThan(50);
    expect(nonWhite / (shot.width * shot.height)).toBeGreaterThan(0.03);
    const heading = await page.locator('h1').innerText();
    expect(heading).toBe('Tiny report test (250 people): rollout strategies compared');
  });

  it('prints with the collapsed charts opened', async () => {
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    const open = await page.$$eval('details.more', (ds) => ds.every((d) => (d as HTMLDetailsElement).open));
    expect(open).toBe(true);
    await page.emulateMedia({ media: 'screen' });
  });
});
