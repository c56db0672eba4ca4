/**
 * Takes the README's screenshots of the web site (docs/web-timeline.png, docs/web-event.png) with
 * Debian's headless Chromium over the demo story, served on 127.0.0.1 by the real web server.
 *
 *   npx tsx docs/screenshots.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { demoDataset } from '../test/helpers/dataset-fixture.js';
import { startTestSite } from '../test/helpers/web.js';

const site = await startTestSite(await demoDataset());
const profile = mkdtempSync(path.join(tmpdir(), 'sitrep-shots-'));
const context = await chromium.launchPersistentContext(profile, {
	executablePath: process.env['SITREP_CHROMIUM'] ?? '/usr/bin/chromium',
	headless: true,
	viewport: { width: 960, height: 720 },
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
	const page = await context.newPage();
	for (const [url, file] of [
		['/timeline?actor=kremlin&from=2025-06&limit=8', 'web-timeline.png'],
		['/events/sputnik-azerbaijan-raid', 'web-event.png'],
	] as const) {
		await page.goto(`${site.base}${url}`, { waitUntil: 'load' });
		await page.screenshot({ path: new URL(`./${file}`, import.meta.url).pathname });
		console.log(`docs/${file}`);
	}
} finally {
	await context.close();
	await site.close();
	rmSync(profile, { recursive: true, force: true });
}
