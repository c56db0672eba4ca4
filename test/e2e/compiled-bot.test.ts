/**
 * The bot as production runs it: built into dist/ by the code bin/sitrep.js runs first
 * (bin/build.js --if-stale), then run with plain node from a copy of that dist/ in a directory of
 * its own whose node_modules holds every package but tsx. So a file dist/ lacks (a font, the
 * stylesheet, a worker) fails here, and so does a worker or shard that still needs tsx: from this
 * copy, tsx cannot be found at all. What it runs: `ask` with pictures (the render worker) and a
 * dataset cache (the build worker), in Persian, byte for byte what the sources answer under tsx;
 * and `start` with one Discord shard forked from dist/ against the stand-in on 127.0.0.1, answering
 * a command, with the web site on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { DiscordStandIn, user, type RecordedCall } from '../helpers/discord-stand-in.js';

const ROOT = path.resolve('.');
const NOW = '2025-07-01T09:00:00+04:00';
let dir: string;
/** The production copy: package.json, dist/, node_modules without tsx. */
let app: string;

/** An environment with none of the caller's sitrep settings. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (!/^(SITREP_|DISCORD_|TELEGRAM_|DATABASE_URL|NODE_OPTIONS|LOG_LEVEL)/u.test(k)) env[k] = v;
	}
	return { ...env, SITREP_DATA: path.join(ROOT, 'data'), SITREP_DB: path.join(dir, 'sitrep.db'), ...extra };
}

function pngs(d: string): Buffer[] {
	return readdirSync(d)
		.filter((f) => f.endsWith('.png'))
		.sort()
		.map((f) => readFileSync(path.join(d, f)));
}

beforeAll(() => {
	const built = spawnSync(process.execPath, ['bin/build.js', '--if-stale'], { encoding: 'utf8' });
	expect(built.status, built.stderr).toBe(0);
	dir = mkdtempSync(path.join(tmpdir(), 'sitrep-compiled-'));
	app = path.join(dir, 'app');
	mkdirSync(path.join(app, 'node_modules'), { recursive: true });
	cpSync('package.json', path.join(app, 'package.json'));
	cpSync('dist', path.join(app, 'dist'), { recursive: true });
	for (const name of readdirSync('node_modules')) {
		if (name === 'tsx' || name.startsWith('.')) continue;
		symlinkSync(path.join(ROOT, 'node_modules', name), path.join(app, 'node_modules', name));
	}
}, 300_000);

afterAll(() => {
	if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the production copy', () => {
	it('cannot load tsx (so nothing that needs it can pass here)', () => {
		const r = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('tsx/esm/api')"], { cwd: app, encoding: 'utf8' });
		expect(r.status).not.toBe(0);
		expect(r.stderr).toContain('ERR_MODULE_NOT_FOUND');
	});
});

describe('node dist/src/cli.js ask', () => {
	it('draws the pictures in the render worker and builds the dataset in the build worker, byte for byte as the sources do', () => {
		const args = ['ask', '--lang', 'fa', '--now', NOW];
		const line = '/timeline limit:3';
		const distImages = path.join(dir, 'images-dist');
		const cache = path.join(dir, 'cache');
		const fromDist = spawnSync(process.execPath, [path.join(app, 'dist/src/cli.js'), ...args, '--images', distImages, line], {
			cwd: dir,
			encoding: 'utf8',
			env: cleanEnv({ SITREP_DATASET_CACHE: cache }),
			timeout: 120_000,
		});
		expect(fromDist.status, fromDist.stderr).toBe(0);
		expect(fromDist.stdout).toContain('##');
		// The build worker wrote the dataset's file: <version>.sqlite.
		expect(readdirSync(cache).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1);
		const picture = pngs(distImages);
		expect(picture).toHaveLength(1);

		// The same command from the sources under tsx (no cache: the in-process loader).
		const srcImages = path.join(dir, 'images-src');
		const fromSource = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args, '--images', srcImages, line], {
			cwd: ROOT,
			encoding: 'utf8',
			env: cleanEnv({}),
			timeout: 120_000,
		});
		expect(fromSource.status, fromSource.stderr).toBe(0);
		// The same words; the saved picture's path differs in its directory and time.
		const strip = (s: string, images: string) => s.replaceAll(images, 'IMAGES').replace(/\d{8}T\d{6}/gu, 'TIME');
		expect(strip(fromDist.stdout, distImages)).toBe(strip(fromSource.stdout, srcImages));
		// Persian text is drawn with the Persian fonts dist/ must carry: a missing one would change the pixels.
		expect(picture[0]!.equals(pngs(srcImages)[0]!)).toBe(true);
	}, 240_000);
});

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const p = (server.address() as net.AddressInfo).port;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return p;
}

/** The command lines of the processes whose parent is `pid` (Linux /proc). */
function childCommandLines(pid: number): string[][] {
	const out: string[][] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/u.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
			out.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean));
		} catch {
			// The process ended while we looked.
		}
	}
	return out;
}

describe('node dist/src/cli.js start with SITREP_SHARDS=1', () => {
	let standIn: DiscordStandIn;
	let bot: ChildProcess;
	let logs = '';
	let webPort = 0;

	beforeAll(async () => {
		standIn = await DiscordStandIn.start();
		webPort = await freePort();
		const env = cleanEnv({
			DISCORD_TOKEN: 'compiled-bot-discord-token-0123456789',
			DISCORD_APP_ID: standIn.appId,
			DISCORD_API_ROOT: standIn.apiRoot,
			SITREP_SHARDS: '1',
			SITREP_IMAGE_DIR: path.join(dir, 'var-images'),
			SITREP_WEB_PORT: String(webPort),
			LOG_LEVEL: 'info',
		});
		bot = spawn(process.execPath, [path.join(app, 'dist/src/cli.js'), 'start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
		bot.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
		bot.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
		const end = Date.now() + 120_000;
		while (!logs.includes('"msg":"Discord shards started"')) {
			if (bot.exitCode !== null || Date.now() > end) throw new Error(`the bot did not start its shard:\n${logs.slice(-3000)}`);
			await sleep(50);
		}
	}, 180_000);

	afterAll(async () => {
		if (bot && bot.exitCode === null) {
			const exited = new Promise((resolve) => bot.once('exit', resolve));
			bot.kill('SIGTERM');
			await Promise.race([exited, sleep(20_000)]);
			if (bot.exitCode === null) bot.kill('SIGKILL');
		}
		await standIn?.close();
	});

	it('forks the shard as plain node running dist/…/shard-process.js, with no loader, only the semi-space cap', () => {
		const shards = childCommandLines(bot.pid!).filter((argv) => argv.some((a) => a.includes('shard-process')));
		expect(shards).toEqual([
			[process.execPath, '--max-semi-space-size=4', path.join(app, 'dist/src/platforms/discord/shard-process.js')],
		]);
	});

	it('answers a command on the shard, with its picture drawn there', async () => {
		const i = standIn.command({ name: 'timeline', options: { limit: 5 }, user: user('600000000000000001', 'alice') });
		const cb = await standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback`, 60_000);
		expect(cb.status).toBe(204);
		// A reply (4), or a deferral (5) then an edit when a loaded machine draws the picture slowly.
		const answer: RecordedCall =
			cb.body?.['type'] === 4
				? cb
				: await standIn.waitFor(
						(c) => c.method === 'PATCH' && c.path === `/webhooks/${standIn.appId}/${i.token}/messages/@original`,
						60_000,
					);
		const payload = (cb.body?.['type'] === 4 ? answer.body?.['data'] : answer.body) as { embeds?: APIEmbed[] } | undefined;
		const embeds = payload?.embeds ?? [];
		expect(embeds.map((e) => `${e.title ?? ''}\n${e.description ?? ''}`).join('\n')).toContain('Timeline');
		expect(embeds.some((e) => /^attachment:\/\/.+\.png$/u.test(e.image?.url ?? ''))).toBe(true);
	}, 120_000);

	it('serves the web site with its stylesheet from dist/', async () => {
		const page = await fetch(`http://127.0.0.1:${webPort}/`);
		expect(page.status).toBe(200);
		const href = /<link rel="stylesheet" href="([^"]+)"/u.exec(await page.text())?.[1];
		expect(href).toBeDefined();
		const css = await fetch(`http://127.0.0.1:${webPort}${href!}`);
		expect(css.status).toBe(200);
		expect(await css.text()).toBe(readFileSync('src/web/assets/site.css', 'utf8'));
	});
});
