/// <reference lib="dom" />
/**
 * The site in a real browser: Debian's headless Chromium driven by playwright-core, with axe-core
 * injected. Each page loads with no console error and no failed request, axe finds no serious or
 * critical violation, a Persian page lays out right to left, a link from a rendered chat reply opens
 * the right event, and a filter in the URL shows the events the command lists.
 *
 * Skipped, saying so, only when no Chromium is installed (.ci/run installs it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandModules } from '../../commands/index.js';
import type { CommandModule } from '../../src/core/command.js';
import { Core } from '../../src/core/dispatch.js';
import { createRegistry } from '../../src/core/registry.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { silentLogger } from '../../src/logger.js';
import { renderTelegram } from '../../src/platforms/telegram/render-telegram.js';
import { demoDataset } from '../helpers/dataset-fixture.js';
import { startTestSite, WEB_NOW, type TestSite } from '../helpers/web.js';

/** Where Debian's chromium package puts the browser; SITREP_CHROMIUM overrides it. */
export const CHROMIUM = process.env['SITREP_CHROMIUM'] ?? '/usr/bin/chromium';
const found = existsSync(CHROMIUM);
if (!found)
	console.warn(
		`Browser tests skipped: no Chromium at ${CHROMIUM}. Install it with "apt-get install -y chromium" (.ci/run does), or set SITREP_CHROMIUM.`,
	);

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: BrowserContext;
let site: TestSite;
let demo: DatasetSnapshot;
let profile: string;

beforeAll(async () => {
	if (!found) return;
	demo = await demoDataset();
	site = await startTestSite(demo);
	profile = mkdtempSync(path.join(tmpdir(), 'sitrep-chromium-'));
	// A fresh profile directory each run (playwright passes it as --user-data-dir).
	browser = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await site?.close();
	if (profile) rmSync(profile, { recursive: true, force: true });
});

interface Visit {
	readonly page: Page;
	readonly errors: string[];
	readonly failed: string[];
}

/** Opens `url` in a fresh page, recording console errors and failed requests. */
async function visit(url: string): Promise<Visit> {
	const page = await browser.newPage();
	const errors: string[] = [];
	const failed: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(e.message));
	page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
	page.on('response', (r) => {
		if (r.status() >= 400) failed.push(`${r.url()} ${r.status()}`);
	});
	const res = await page.goto(url.startsWith('http') ? url : `${site.base}${url}`, { waitUntil: 'load' });
	expect(res?.status()).toBe(200);
	return { page, errors, failed };
}

/** axe-core's serious and critical violations on the page. */
async function axeViolations(page: Page): Promise<string[]> {
	// Evaluated through the DevTools protocol: the page's CSP (rightly) refuses an injected <script>.
	await page.evaluate(AXE);
	const results = await page.evaluate(async () => {
		const axe = (
			globalThis as unknown as {
				axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
			}
		).axe;
		return axe.run(document, { resultTypes: ['violations'] });
	});
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
}

describe.skipIf(!found)('the site in headless Chromium', () => {
	it.each([
		'/timeline',
		'/timeline?actor=kremlin&from=2025-06',
		'/events/sputnik-azerbaijan-raid',
		'/actors/kremlin',
		'/search?q=sputnik',
		'/briefing?date=2025-06-30',
		'/events/yekaterinburg-raids?lang=fa',
		'/timeline?lang=ru',
	])(
		'%s loads with no console error or failed request and no serious axe violation',
		async (url) => {
			const { page, errors, failed } = await visit(url);
			try {
				// The stylesheet applied: the CSP allowed it and nothing inline was needed.
				expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
				expect(await axeViolations(page)).toEqual([]);
				expect(errors).toEqual([]);
				expect(failed).toEqual([]);
			} finally {
				await page.close();
			}
		},
		30_000,
	);

	it('a Persian page lays out right to left', async () => {
		const { page } = await visit('/timeline?lang=fa');
		try {
			expect(await page.evaluate(() => getComputedStyle(document.documentElement).direction)).toBe('rtl');
			// The first event line starts at the right edge of the list.
			const box = await page.evaluate(() => {
				const list = document.querySelector('ol.events')!.getBoundingClientRect();
				const date = document.querySelector('ol.events li .date')!.getBoundingClientRect();
				return { listRight: list.right, dateRight: date.right, dateLeft: date.left, listLeft: list.left };
			});
			expect(Math.abs(box.listRight - box.dateRight)).toBeLessThan(2);
			expect(box.dateLeft - box.listLeft).toBeGreaterThan(100);
		} finally {
			await page.close();
		}
	});

	it('following an event link from a rendered chat reply opens that event', async () => {
		const registry = createRegistry(commandModules as unknown as CommandModule[]);
		const core = new Core({
			registry,
			dataset: () => demo,
			clock: () => new Date(WEB_NOW),
			logger: silentLogger(),
			services: { registry },
			publicUrl: site.base,
		});
		const r = await core.handle({
			line: '/timeline actor:kremlin limit:3',
			requester: { platform: 'console', userId: 'u', displayName: 'u', isChannelAdmin: false, isOwner: false },
			place: { platform: 'console', channelId: 'c', kind: 'console' },
		});
		const html = renderTelegram(r.reply).join('\n');
		const links = [...html.matchAll(/<a href="([^"]+\/events\/([^"?]+))">/gu)].map((m) => ({
			url: m[1]!.replace(/&amp;/gu, '&'),
			id: m[2]!,
		}));
		expect(links.length).toBe(3);
		const target = links[1]!;
		const { page, errors } = await visit(target.url);
		try {
			expect(await page.locator('h1').textContent()).toBe(demo.event(target.id)!.title);
			expect(await page.locator('dl.fields').textContent()).toContain(target.id);
			expect(errors).toEqual([]);
			// And the reply's own button opens the same selection.
			const { page: list } = await visit(r.reply.link!.url);
			const ids = await list
				.locator('ol.events li a')
				.evaluateAll((as) => as.map((a) => decodeURIComponent(new URL((a as HTMLAnchorElement).href).pathname.split('/').pop()!)));
			expect(ids).toEqual(links.map((l) => l.id));
			await list.close();
		} finally {
			await page.close();
		}
	});

	it('a filter in the URL shows the events the command lists', async () => {
		const registry = createRegistry(commandModules as unknown as CommandModule[]);
		const core = new Core({
			registry,
			dataset: () => demo,
			clock: () => new Date(WEB_NOW),
			logger: silentLogger(),
			services: { registry },
		});
		const r = await core.handle({
			line: '/timeline tag:sputnik from:2025-06-27 to:2025-07-05',
			requester: { platform: 'console', userId: 'u', displayName: 'u', isChannelAdmin: false, isOwner: false },
			place: { platform: 'console', channelId: 'c', kind: 'console' },
		});
		const expected = r.reply.blocks.flatMap((b) => (b.kind === 'event' ? [b.title] : []));
		expect(expected.length).toBeGreaterThan(0);
		const { page } = await visit('/timeline?tag=sputnik&from=2025-06-27&to=2025-07-05');
		try {
			const shown = await page.locator('ol.events li a bdi').allTextContents();
			expect(shown).toEqual(expected);
		} finally {
			await page.close();
		}
	});
});
