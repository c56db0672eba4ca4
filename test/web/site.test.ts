/**
 * The web site over real sockets: pages show what the commands answer, every dataset string is
 * escaped, bad addresses get a 400 that says what to change, feeds parse with a third-party parser,
 * ETags follow the dataset version, and the ops endpoints and the webhook mount as routes.
 */
import path from 'node:path';
import { parseAtomFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/platforms/telegram/webhook-server.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { opsRequestHandler } from '../../src/ops/ops-server.js';
import { silentLogger } from '../../src/logger.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { acceptLanguage, CSP } from '../../src/web/site-request.js';
import { ask, testCore } from '../helpers/core.js';
import { cleanupDatasets, demoDataset, loadFixture } from '../helpers/dataset-fixture.js';
import { startTestSite, WEB_NOW, type TestSite } from '../helpers/web.js';
import { tempDir } from '../scheduler/helpers/fixtures.js';

let demo: DatasetSnapshot;
let site: TestSite;

beforeAll(async () => {
	demo = await demoDataset();
	site = await startTestSite(demo);
});
afterAll(async () => {
	await site.close();
	cleanupDatasets();
});

const get = (s: TestSite, p: string, headers: Record<string, string> = {}) => fetch(`${s.base}${p}`, { headers });

/** The event ids a page lists, in order (its event lines link to /events/ID). */
function listedIds(page: string): string[] {
	const lists = [...page.matchAll(/<ol class="events">([\s\S]*?)<\/ol>/gu)].map((m) => m[1]!).join('');
	return [...lists.matchAll(/<a href="\/events\/([^"?]+)/gu)].map((m) => decodeURIComponent(m[1]!));
}

/** The event ids of a command's answer, in order. */
async function commandIds(line: string): Promise<string[]> {
	const r = await testCore(demo, WEB_NOW).handle({
		line,
		requester: { platform: 'console', userId: 'u', displayName: 'u', isChannelAdmin: false, isOwner: false },
		place: { platform: 'console', channelId: 'c', kind: 'console' },
	});
	expect(r.outcome.kind).toBe('ok');
	return r.reply.blocks.flatMap((b) => (b.kind === 'event' ? [b.id] : []));
}

describe('pages answer what the commands answer', () => {
	const cases: [string, string][] = [
		['/timeline', '/timeline'],
		['/timeline?actor=kremlin&from=2025-06', '/timeline actor:kremlin from:2025-06'],
		['/timeline?tag=sputnik&status=disputed', '/timeline tag:sputnik status:disputed'],
		['/timeline?from=2025-06-27&to=2025-07-01&limit=5&page=2', '/timeline from:2025-06-27 to:2025-07-01 limit:5 page:2'],
		['/timeline?text=raid', '/timeline text:raid'],
		['/search?q=sputnik%20raid', '/search "sputnik raid"'],
	];
	it.each(cases)('%s lists the events of %s, in the same order', async (url, line) => {
		const res = await get(site, url);
		expect(res.status).toBe(200);
		const ids = listedIds(await res.text());
		const expected = await commandIds(line);
		expect(expected.length).toBeGreaterThan(0);
		expect(ids).toEqual(expected);
	});

	it('the event page has the date at its precision, actors, claims grouped by claimant, sources and related events', async () => {
		const res = await get(site, '/events/sputnik-azerbaijan-raid');
		const page = await res.text();
		expect(res.status).toBe(200);
		const plain = (await ask(testCore(demo, WEB_NOW), '/event sputnik-azerbaijan-raid')).text;
		const title = demo.event('sputnik-azerbaijan-raid')!.title;
		expect(page).toContain(`<h1>${title.replace(/'/gu, '&#39;')}</h1>`);
		expect(plain).toContain(title);
		expect(page).toMatch(/<section class="claimant"><h3>Claims by /u);
		expect(page).toContain('<ul class="sources">');
		const claimants = new Set(demo.claimsOf(demo.event('sputnik-azerbaijan-raid')!).map((c) => c.by));
		expect([...page.matchAll(/<section class="claimant">/gu)].length).toBe(claimants.size);
	});

	it('the timeline page inlines the timeline picture as SVG with its alt text; the actor page the relations picture', async () => {
		const page = await (await get(site, '/timeline?actor=kremlin')).text();
		expect(page).toMatch(/<figure class="picture"><div role="img" aria-label="Timeline of \d+ events/u);
		expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
		const actor = await (await get(site, '/actors/kremlin')).text();
		expect(actor).toMatch(/aria-label="Relations of The Kremlin/u);
	});

	it('an event given by another spelling redirects to its address; an unknown one is a 404 with suggestions', async () => {
		const unknown = await get(site, '/events/sputnik-azerbaijan-rade');
		expect(unknown.status).toBe(404);
		expect(await unknown.text()).toContain('sputnik-azerbaijan-raid');
		const byName = await fetch(`${site.base}/actors/Peskov`, { redirect: 'manual' });
		expect(byName.status).toBe(301);
		expect(byName.headers.get('location')).toMatch(/^\/actors\/[a-z-]+$/u);
	});

	it('the briefing of a day and paging links', async () => {
		const page = await (await get(site, '/briefing?date=2025-06-30')).text();
		expect(page).toContain('<h1>Briefing for 30 Jun 2025');
		const timeline = await (await get(site, '/timeline?limit=5')).text();
		expect(timeline).toContain('<a rel="next" href="/timeline?limit=5&amp;page=2">');
	});
});

describe('languages', () => {
	it('Accept-Language: the supported language with the highest q', () => {
		expect(acceptLanguage('de-DE,ru;q=0.9,en;q=0.8')).toBe('ru');
		expect(acceptLanguage('en;q=0.5, fa-IR')).toBe('fa');
		expect(acceptLanguage('az-Latn-AZ;q=0.7,ru;q=0.7')).toBe('az');
		expect(acceptLanguage('de, fr;q=0.5')).toBe('en');
		expect(acceptLanguage('ru;q=0')).toBe('en');
		expect(acceptLanguage(undefined)).toBe('en');
	});

	it('?lang=fa is Persian, right to left; Accept-Language picks Russian; ?lang= wins over the header', async () => {
		const fa = await (await get(site, '/events/sputnik-azerbaijan-raid?lang=fa')).text();
		expect(fa).toMatch(/<html lang="fa" dir="rtl">/u);
		const ruRes = await get(site, '/timeline', { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' });
		expect(ruRes.headers.get('vary')).toMatch(/Accept-Language/iu);
		const ru = await ruRes.text();
		expect(ru).toMatch(/<html lang="ru" dir="ltr">/u);
		expect(ru).toContain('Хронология');
		const az = await (await get(site, '/timeline?lang=az', { 'accept-language': 'ru' })).text();
		expect(az).toMatch(/<html lang="az" dir="ltr">/u);
		// In-site links keep the language.
		expect(az).toMatch(/href="\/events\/[^"]+\?lang=az"/u);
	});
});

describe('safety', () => {
	it('escapes every dataset string and sends a strict CSP with no script or inline style', async () => {
		const evil = await loadFixture({
			'events/2025-06-28-evil.yaml': `events:
  - id: evil
    date: 2025-06-28
    title: "<script>alert(1)</script> & \\"quotes\\""
    summary: "<img src=x onerror=alert(2)>"
    actors:
      - actor: alpha-ministry
    tags: [diplomacy]
    sources: [wire-1]
    status: confirmed
`,
		});
		const s = await startTestSite(evil);
		try {
			for (const p of ['/timeline', '/events/evil', '/search?q=script', '/feed.atom']) {
				const res = await get(s, p);
				const body = await res.text();
				expect(res.status, p).toBe(200);
				expect(body, p).not.toContain('<script');
				expect(body, p).not.toContain('<img');
				expect(body, p).toContain('&lt;');
				if (p !== '/feed.atom') {
					expect(res.headers.get('content-security-policy')).toBe(CSP);
					expect(body).not.toMatch(/\sstyle=|<style/u);
				}
			}
		} finally {
			await s.close();
		}
	});

	it.each([
		['/timeline?bogus=1', 'does not take the parameter &quot;bogus&quot;'],
		['/timeline?actor=a&actor=b', 'is given more than once'],
		[`/search?q=${'x'.repeat(1100)}`, 'The address is too long'],
		['/timeline?lang=xx', 'The language &quot;xx&quot; is not available'],
		['/timeline?from=2025-13', '2025-13'],
		['/timeline?limit=1000', 'limit'],
	])('%s is a 400 that says what is wrong', async (url, text) => {
		const res = await get(site, url);
		expect(res.status).toBe(400);
		const body = await res.text();
		expect(body).toContain(text);
		expect(body).not.toMatch(/\bat .*\.ts:\d+/u);
	});

	it('answers HEAD without a body, and a malformed escape in a path with a 404', async () => {
		const head = await fetch(`${site.base}/events/sputnik-azerbaijan-raid`, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(head.headers.get('etag')).toBeTruthy();
		expect(await head.text()).toBe('');
		const bad = await get(site, '/events/%E0%A4%A');
		expect(bad.status).toBe(404);
		expect(await bad.text()).toContain('There is no page at this address.');
	});

	it('is read-only and shows no stack trace on an internal error', async () => {
		const post = await fetch(`${site.base}/timeline`, { method: 'POST', body: 'x' });
		expect(post.status).toBe(405);
		expect(post.headers.get('allow')).toBe('GET, HEAD');
		const broken = await startTestSite(demo);
		broken.setDataset(undefined as unknown as DatasetSnapshot);
		try {
			const res = await get(broken, '/timeline');
			expect(res.status).toBe(500);
			const body = await res.text();
			expect(body).not.toMatch(/TypeError|\.ts:\d+|node_modules/u);
		} finally {
			await broken.close();
		}
	});
});

describe('feeds and caching', () => {
	it('the Atom feed parses with feedsmith, follows the timeline filters, and links to event pages', async () => {
		const res = await get(site, '/feed.atom?actor=kremlin');
		expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/u);
		const feed = parseAtomFeed(await res.text());
		expect(feed.title?.value).toMatch(/new and corrected events/u);
		expect(feed.id).toBeTruthy();
		const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/u;
		expect(feed.updated).toMatch(rfc3339);
		const entries = feed.entries ?? [];
		const kremlin = new Set(demo.timeline({ actorId: 'kremlin' }).map((e) => e.id));
		expect(entries.length).toBe(Math.min(50, kremlin.size));
		for (const e of entries) {
			expect(e.id && e.title?.value).toBeTruthy();
			expect(e.updated).toMatch(rfc3339);
			expect(e.published).toMatch(rfc3339);
			const id = decodeURIComponent(/\/events\/([^?]+)$/u.exec(e.id!)![1]!);
			expect(kremlin.has(id)).toBe(true);
			expect(e.links?.[0]?.href).toMatch(/\/events\//u);
		}
		expect((await get(site, '/feed.atom?actor=nobody-at-all')).status).toBe(404);
	});

	it('the calendar and the JSON export are served as files', async () => {
		const ics = await get(site, '/calendar.ics');
		expect(ics.headers.get('content-type')).toMatch(/^text\/calendar/u);
		expect(await ics.text()).toMatch(/^BEGIN:VCALENDAR\r\n/u);
		const json = await get(site, '/export.json');
		expect((JSON.parse(await json.text()) as { events: unknown[] }).events.length).toBe([...demo.eachEvent()].length);
	});

	it('the ETag follows the dataset version: a repeat is a 304, a reload serves the new page', async () => {
		const s = await startTestSite(demo);
		try {
			const first = await get(s, '/timeline');
			const etag = first.headers.get('etag')!;
			expect(etag).toContain(demo.version);
			expect((await get(s, '/timeline', { 'if-none-match': etag })).status).toBe(304);
			const next = await loadFixture();
			s.setDataset(next);
			const after = await get(s, '/timeline', { 'if-none-match': etag });
			expect(after.status).toBe(200);
			expect(after.headers.get('etag')).not.toBe(etag);
			expect(await after.text()).toContain('Test story');
			const css = /href="(\/assets\/site\.[0-9a-f]+\.css)"/u.exec(await (await get(s, '/timeline')).text())![1]!;
			const sheet = await get(s, css);
			expect(sheet.headers.get('content-type')).toMatch(/^text\/css/u);
			expect(sheet.headers.get('cache-control')).toContain('immutable');
		} finally {
			await s.close();
		}
	});

	it('event pages show the correction history from the event-versions store', async () => {
		const t = tempDir('sitrep-web-');
		const stores = openSqliteStores(path.join(t.dir, 'sitrep.db'));
		try {
			await stores.eventVersions.recordSnapshot(demo, new Date('2025-06-30T10:00:00Z'));
			const s = await startTestSite(demo, { eventVersions: stores.eventVersions });
			try {
				const page = await (await get(s, '/events/sputnik-azerbaijan-raid')).text();
				expect(page).toContain('First published here: 30 Jun 2025 10:00 UTC');
				expect(await (await get(s, '/events/sputnik-azerbaijan-raid?lang=fa')).text()).toContain('۱۰:۰۰ UTC');
				expect(page).toContain('Not changed since');
			} finally {
				await s.close();
			}
		} finally {
			await stores.close();
			t.cleanup();
		}
	});
});

describe('one listener', () => {
	it('mounts /healthz, /metrics and the Telegram webhook as routes beside the site', async () => {
		const metrics = createMetrics();
		const ops = opsRequestHandler({
			metrics,
			logger: silentLogger(),
			health: () => ({ ok: true, dataset: { version: demo.version } }),
		});
		const s = await startTestSite(demo, { healthz: ops, metrics: ops });
		const updates: number[] = [];
		const handler = createWebhookHandler({
			path: '/tg/hook',
			secret: 's3cret',
			logger: silentLogger(),
			onUpdate: (u) => void updates.push(u.update_id),
		});
		const unmount = s.server.mountPost('/tg/hook', (req, res) => handler.handle(req, res));
		try {
			const health = await get(s, '/healthz');
			expect(health.status).toBe(200);
			expect(((await health.json()) as { dataset: { version: string } }).dataset.version).toBe(demo.version);
			expect(await (await get(s, '/metrics')).text()).toContain('sitrep_commands_total');
			const post = (secret: string) =>
				fetch(`${s.base}/tg/hook`, {
					method: 'POST',
					headers: { 'x-telegram-bot-api-secret-token': secret, 'content-type': 'application/json' },
					body: JSON.stringify({ update_id: 7 }),
				});
			expect((await post('wrong')).status).toBe(401);
			expect((await post('s3cret')).status).toBe(200);
			await handler.drain();
			expect(updates).toEqual([7]);
			unmount();
			expect((await post('s3cret')).status).toBe(405);
		} finally {
			await s.close();
			metrics.close();
		}
	});

	it('with no site mounted, only the mounted endpoints answer', async () => {
		const { startWebServer } = await import('../../src/web/server.js');
		const metrics = createMetrics();
		const server = await startWebServer({
			port: 0,
			host: '127.0.0.1',
			logger: silentLogger(),
			healthz: opsRequestHandler({ metrics, logger: silentLogger(), health: () => ({ ok: true }) }),
		});
		try {
			expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
			expect((await fetch(`http://127.0.0.1:${server.port}/timeline`)).status).toBe(404);
			expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(404);
		} finally {
			await server.close();
			metrics.close();
		}
	});
});
