/**
 * End to end: the real discord.js Client, over real sockets, against the local stand-in. Assertions
 * are on the JSON discord.js put on the wire.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	ComponentType,
	Locale,
	MessageFlags,
	PermissionFlagsBits,
	type APIActionRowComponent,
	type APIButtonComponent,
	type APIEmbed,
} from 'discord.js';
import { commandModules } from '../../../commands/index.js';
import { createConfig } from '../../../src/config.js';
import { defineCommand, type CommandModule } from '../../../src/core/command.js';
import { Core } from '../../../src/core/dispatch.js';
import { GENERIC_FAILURE } from '../../../src/core/error-reply.js';
import { para } from '../../../src/core/reply.js';
import { createRegistry } from '../../../src/core/registry.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../../src/dataset/snapshot.js';
import { startDiscord, type DiscordPlatform } from '../../../src/platforms/discord/discord-adapter.js';
import { limitProblems } from '../../../src/platforms/discord/render-discord.js';
import { BASIC, DiscordStandIn, DM_CHANNEL, TEXT_CHANNEL, user, type RecordedCall } from '../../helpers/discord-stand-in.js';

const TOKEN = 'stand-in-token-abcdefghijklmnop';
const ALICE = user('600000000000000001', 'alice');
const BOB = user('600000000000000002', 'bob');
const OWNER = user('600000000000000009', 'owner');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** When the slow command finished its work (the stand-in's clock, performance.now()): the deferral must come before it. */
let slowDoneAt: number | undefined;

const testModules = [
	defineCommand({
		data: {
			name: 'admin_only',
			description: 'A command for channel admins',
			access: 'channel_admin',
			options: [],
			examples: ['/admin_only'],
		},
		execute: () => ({ blocks: [para('admin work done')] }),
	}),
	defineCommand({
		data: { name: 'owner_only', description: 'A command for the bot owners', access: 'owner', options: [], examples: ['/owner_only'] },
		execute: () => ({ blocks: [para('owner work done')] }),
	}),
	defineCommand({
		data: { name: 'boom', description: 'Always throws', access: 'everyone', options: [], examples: ['/boom'] },
		execute: () => {
			throw new Error('kaboom: internal detail that must not leak');
		},
	}),
	defineCommand({
		data: { name: 'slow', description: 'Takes longer than the defer threshold', access: 'everyone', options: [], examples: ['/slow'] },
		execute: async () => {
			await sleep(400);
			slowDoneAt = performance.now();
			return { blocks: [para('slow answer')] };
		},
	}),
	defineCommand({
		data: {
			name: 'slow_private',
			description: 'Slow, then a private answer',
			access: 'everyone',
			options: [],
			examples: ['/slow_private'],
		},
		execute: async () => {
			await sleep(400);
			return { blocks: [para('only for you')], ephemeral: true };
		},
	}),
	defineCommand({
		data: {
			name: 'slow_pages',
			description: 'Pages that take a while after the first',
			access: 'everyone',
			options: [{ name: 'page', type: 'integer', description: 'Page', min: 1, max: 3 }],
			examples: ['/slow_pages'],
		},
		execute: async ({ args, commandLine }) => {
			const page = args.page ?? 1;
			if (page > 1) await sleep(400);
			return {
				blocks: [para(`slow page ${page}`)],
				paging: {
					page,
					pages: 3,
					...(page > 1 ? { prev: commandLine({ page: String(page - 1) }) } : {}),
					...(page < 3 ? { next: commandLine({ page: String(page + 1) }) } : {}),
				},
			};
		},
	}),
] as unknown as CommandModule[];

describe('Discord end to end (real discord.js against the stand-in)', () => {
	let standIn: DiscordStandIn;
	let platform: DiscordPlatform;
	let dataset: DatasetSnapshot;
	const logLines: string[] = [];

	beforeAll(async () => {
		const loaded = await loadDataset(path.resolve('test/fixtures/discord'));
		if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
		dataset = loaded.snapshot;
		standIn = await DiscordStandIn.start();
		const registry = createRegistry([...(commandModules as unknown as CommandModule[]), ...testModules]);
		const logger = pino(
			{ level: 'debug' },
			new Writable({
				write(chunk: Buffer, _enc, done) {
					logLines.push(chunk.toString());
					done();
				},
			}),
		);
		const config = createConfig({
			DISCORD_TOKEN: TOKEN,
			DISCORD_APP_ID: standIn.appId,
			DISCORD_API_ROOT: standIn.apiRoot,
			SITREP_OWNERS: `discord:${OWNER.id}`,
		});
		const core = new Core({
			registry,
			dataset: () => dataset,
			clock: () => new Date('2025-07-10T09:00:00+04:00'),
			logger,
			services: { registry },
		});
		// Alice sends far more commands here than the per-user rate allows a person; test/platforms/discord/discord-flood.test.ts checks it.
		platform = await startDiscord({ core, config, logger, deferAfterMs: 150, flood: { burst: 10_000 } });
	});

	afterAll(async () => {
		await platform?.stop();
		await standIn?.close();
	});

	const callback = (i: { id: string; token: string }) =>
		standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback` && c.status < 300);
	const embedsText = (embeds: readonly APIEmbed[] | undefined) =>
		(embeds ?? [])
			.map(
				(e) =>
					`${e.title ?? ''}\n${e.description ?? ''}\n${(e.fields ?? []).map((f) => `${f.name}: ${f.value}`).join('\n')}\n${e.footer?.text ?? ''}`,
			)
			.join('\n');
	const dataOf = (c: RecordedCall) =>
		c.body?.['data'] as
			| {
					embeds?: APIEmbed[];
					flags?: number;
					components?: APIActionRowComponent<APIButtonComponent>[];
					allowed_mentions?: unknown;
					choices?: { name: string; value: string }[];
			  }
			| undefined;

	it('logs in with the Guilds intent only, gets READY and GUILD_CREATE, and is ready fast', () => {
		expect(standIn.identifies).toHaveLength(1);
		expect(standIn.identifies[0]!['intents']).toBe(1);
		expect(platform.client.guilds.cache.size).toBe(1);
		expect(platform.readyMs).toBeLessThan(3000);
		console.info(`ClientReady after ${platform.readyMs} ms`);
	});

	it('answers /timeline with embeds and paging buttons, without an Authorization header', async () => {
		const i = standIn.command({ name: 'timeline', options: { limit: 5 }, user: ALICE });
		const cb = await callback(i);
		console.info(`/timeline answered in ${Math.round(cb.at - i.sentAt)} ms`);
		expect(cb.at - i.sentAt).toBeLessThan(1000);
		expect(cb.authorization).toBeUndefined();
		expect(cb.body?.['type']).toBe(4);
		const data = dataOf(cb)!;
		expect(data.flags ?? 0).toBe(0);
		expect(data.allowed_mentions).toEqual({ parse: [] });
		expect(data.embeds?.[0]?.title).toBe('Timeline');
		expect(embedsText(data.embeds)).toContain('event-01');
		expect(data.embeds?.at(-1)?.footer?.text).toBe('Page 1 of 4');
		const buttons = data.components![0]!.components;
		expect(buttons.map((b) => b.type)).toEqual([ComponentType.Button, ComponentType.Button, ComponentType.Button]);
		for (const b of buttons) if ('custom_id' in b) expect(b.custom_id.length).toBeLessThanOrEqual(100);
		expect(buttons[0]).toMatchObject({ disabled: true });
	});

	it('answers commands well inside the 3 s deadline (latency from dispatch to callback)', async () => {
		const ms: number[] = [];
		for (let n = 0; n < 10; n++) {
			const i = standIn.command({ name: 'timeline', options: { limit: 5, page: (n % 4) + 1 }, user: ALICE });
			const cb = await callback(i);
			expect(cb.body?.['type']).toBe(4);
			ms.push(cb.at - i.sentAt);
		}
		ms.sort((a, b) => a - b);
		console.info(`/timeline latency over 10: median ${ms[5]!.toFixed(1)} ms, max ${ms[9]!.toFixed(1)} ms`);
		expect(ms[9]!).toBeLessThan(1500);
	});

	it('turns the page when the requester presses Next, and refuses anyone else politely', async () => {
		const i = standIn.command({ name: 'timeline', options: { limit: 5 }, user: ALICE });
		await callback(i);
		const message = standIn.original(i.token)!;
		const next = message.components![0] as APIActionRowComponent<APIButtonComponent>;
		const nextId = (next.components[2] as { custom_id: string }).custom_id;

		const other = standIn.press({ message, customId: nextId, user: BOB });
		const refusal = await callback(other);
		expect(refusal.body?.['type']).toBe(4);
		expect(dataOf(refusal)!.flags).toBe(MessageFlags.Ephemeral);
		expect(embedsText(dataOf(refusal)!.embeds)).toContain('Only the person who ran this command');

		const press = standIn.press({ message, customId: nextId, user: ALICE });
		const update = await callback(press);
		expect(update.body?.['type']).toBe(7);
		const data = dataOf(update)!;
		expect(data.allowed_mentions).toEqual({ parse: [] });
		expect(embedsText(data.embeds)).toContain('event-06');
		expect(embedsText(data.embeds)).not.toContain('event-01');
		expect(data.embeds?.at(-1)?.footer?.text).toBe('Page 2 of 4');
		const row = data.components![0]!.components;
		expect(row[0]).not.toMatchObject({ disabled: true });
		expect(standIn.messages.get(message.id)?.embeds[0]?.footer?.text).toBe('Page 2 of 4');
	});

	it('defers a slow page turn (deferUpdate) and then edits the pressed message', async () => {
		const i = standIn.command({ name: 'slow_pages', user: ALICE });
		await callback(i);
		const message = standIn.original(i.token)!;
		const nextId = ((message.components![0] as APIActionRowComponent<APIButtonComponent>).components[2] as { custom_id: string })
			.custom_id;
		const press = standIn.press({ message, customId: nextId, user: ALICE });
		const ack = await callback(press);
		expect(ack.body?.['type']).toBe(6);
		const edit = await standIn.waitFor(
			(c) => c.method === 'PATCH' && c.path === `/webhooks/${standIn.appId}/${press.token}/messages/@original`,
		);
		expect(edit.body?.['allowed_mentions']).toEqual({ parse: [] });
		expect(embedsText(edit.body?.['embeds'] as APIEmbed[])).toContain('slow page 2');
		expect(standIn.messages.get(message.id)?.embeds[0]?.description).toBe('slow page 2');
		expect(standIn.callsOf(press).filter((c) => c.path.endsWith('/callback'))).toHaveLength(1);
	});

	it('answers an unknown or expired page button ephemerally', async () => {
		const i = standIn.command({ name: 'timeline', options: { limit: 5 }, user: ALICE });
		await callback(i);
		const press = standIn.press({ message: standIn.original(i.token)!, customId: 'sitrep:page:no-such-key', user: ALICE });
		const cb = await callback(press);
		console.info(`expired button answered in ${Math.round(cb.at - press.sentAt)} ms`);
		expect(cb.body?.['type']).toBe(4);
		expect(dataOf(cb)!.flags).toBe(MessageFlags.Ephemeral);
		expect(embedsText(dataOf(cb)!.embeds)).toContain('expired');
	});

	it('autocompletes actors with at most 25 choices, quickly', async () => {
		const empty = standIn.autocomplete({ name: 'timeline', option: 'actor', value: '', user: ALICE });
		const cb = await callback(empty);
		expect(cb.body?.['type']).toBe(8);
		const choices = dataOf(cb)!.choices!;
		expect(choices.length).toBeGreaterThan(0);
		expect(choices.length).toBeLessThanOrEqual(25);
		for (const c of choices) {
			expect(c.name.length).toBeGreaterThanOrEqual(1);
			expect(c.name.length).toBeLessThanOrEqual(100);
			expect(c.value.length).toBeLessThanOrEqual(100);
		}
		const typed = standIn.autocomplete({ name: 'actor', option: 'name', value: 'pesk', user: ALICE });
		const cb2 = await callback(typed);
		console.info(`autocomplete answered in ${Math.round(cb2.at - typed.sentAt)} ms`);
		expect(cb2.at - typed.sentAt).toBeLessThan(1000);
		expect(dataOf(cb2)!.choices![0]).toEqual({ name: 'Dmitry Peskov (dmitry-peskov)', value: 'dmitry-peskov' });
		const cyrillic = await callback(standIn.autocomplete({ name: 'actor', option: 'name', value: 'Песк', user: ALICE }));
		expect(dataOf(cyrillic)!.choices![0]?.value).toBe('dmitry-peskov');
		const tags = await callback(standIn.autocomplete({ name: 'timeline', option: 'tag', value: 'ra', user: ALICE }));
		expect(dataOf(tags)!.choices![0]?.value).toBe('raid');
		const events = await callback(standIn.autocomplete({ name: 'event', option: 'id', value: 'event-1', user: ALICE }));
		// Id prefix matches first (event-10 … event-18), then full-text hits.
		expect(
			dataOf(events)!
				.choices!.slice(0, 9)
				.map((c) => c.value),
		).toEqual(['event-10', 'event-11', 'event-12', 'event-13', 'event-14', 'event-15', 'event-16', 'event-17', 'event-18']);
	});

	it('re-validates an autocompleted value the user did not pick', async () => {
		const i = standIn.command({ name: 'actor', options: { name: 'nobody-at-all-xyz' }, user: ALICE });
		const cb = await callback(i);
		expect(dataOf(cb)!.flags).toBe(MessageFlags.Ephemeral);
		expect(embedsText(dataOf(cb)!.embeds)).toContain('No actor matches');
	});

	it('refuses an admin command without Manage Guild, allows it with, and refuses it in a DM', async () => {
		const denied = await callback(standIn.command({ name: 'admin_only', user: ALICE, permissions: BASIC }));
		expect(dataOf(denied)!.flags).toBe(MessageFlags.Ephemeral);
		expect(embedsText(dataOf(denied)!.embeds)).toContain('for admins of this chat only');
		const allowed = await callback(
			standIn.command({ name: 'admin_only', user: ALICE, permissions: BASIC | PermissionFlagsBits.ManageGuild }),
		);
		expect(dataOf(allowed)!.flags ?? 0).toBe(0);
		expect(embedsText(dataOf(allowed)!.embeds)).toContain('admin work done');
		const dm = await callback(standIn.command({ name: 'admin_only', user: ALICE, guildId: null }));
		expect(dataOf(dm)!.flags).toBe(MessageFlags.Ephemeral);
	});

	it('names commands in the text as a Russian client shows them (its localized command names)', async () => {
		const ru = embedsText(dataOf(await callback(standIn.command({ name: 'help', user: ALICE, locale: Locale.Russian })))!.embeds);
		const en = embedsText(dataOf(await callback(standIn.command({ name: 'help', user: ALICE })))!.embeds);
		expect(en).toContain('/timeline');
		expect(ru).toContain('/хронология');
		expect(ru).not.toMatch(/\/timeline\b/u);
	});

	it('lets only configured owners run owner commands', async () => {
		const denied = await callback(
			standIn.command({ name: 'owner_only', user: ALICE, permissions: BASIC | PermissionFlagsBits.Administrator }),
		);
		expect(dataOf(denied)!.flags).toBe(MessageFlags.Ephemeral);
		const allowed = await callback(standIn.command({ name: 'owner_only', user: OWNER, guildId: null }));
		expect(embedsText(dataOf(allowed)!.embeds)).toContain('owner work done');
	});

	it('answers a command that throws with an ephemeral generic line, logs it, and stays up', async () => {
		const cb = await callback(standIn.command({ name: 'boom', user: ALICE }));
		expect(dataOf(cb)!.flags).toBe(MessageFlags.Ephemeral);
		const text = embedsText(dataOf(cb)!.embeds);
		expect(text).toContain('Something went wrong');
		expect(text).not.toContain('kaboom');
		expect(logLines.some((l) => l.includes('kaboom'))).toBe(true);
		const after = await callback(standIn.command({ name: 'help', user: ALICE }));
		expect(after.body?.['type']).toBe(4);
	});

	it('survives an API error on the acknowledgement and tells the user privately', async () => {
		standIn.inject({ method: 'POST', path: /\/callback$/u, status: 404, body: { message: 'Unknown interaction', code: 10062 } });
		const i = standIn.command({ name: 'help', user: ALICE });
		const cb = await callback(i);
		expect(dataOf(cb)!.flags).toBe(MessageFlags.Ephemeral);
		expect(embedsText(dataOf(cb)!.embeds)).toContain(GENERIC_FAILURE.slice(0, 30));
		expect(logLines.some((l) => l.includes('Interaction failed') && l.includes('10062'))).toBe(true);
		expect((await callback(standIn.command({ name: 'help', user: ALICE }))).body?.['type']).toBe(4);
	});

	it('defers slow work, then edits the original; defers /briefing at once', async () => {
		const i = standIn.command({ name: 'slow', user: ALICE });
		const cb = await callback(i);
		expect(cb.body?.['type']).toBe(5);
		const edit = await standIn.waitFor(
			(c) => c.method === 'PATCH' && c.path === `/webhooks/${standIn.appId}/${i.token}/messages/@original`,
		);
		// The order, not a duration: the deferral reached Discord before the work was done, and the edit after.
		expect(slowDoneAt).toBeDefined();
		expect(cb.at).toBeLessThan(slowDoneAt!);
		expect(edit.at).toBeGreaterThan(slowDoneAt!);
		expect(edit.body?.['allowed_mentions']).toEqual({ parse: [] });
		expect(embedsText(edit.body?.['embeds'] as APIEmbed[])).toContain('slow answer');

		const b = standIn.command({ name: 'briefing', options: { date: '2025-07-05' }, user: ALICE });
		expect((await callback(b)).body?.['type']).toBe(5);
		const bEdit = await standIn.waitFor((c) => c.method === 'PATCH' && c.path.includes(b.token));
		expect(embedsText(bEdit.body?.['embeds'] as APIEmbed[])).toContain('Briefing');
	});

	it('replaces a public deferral with a private follow-up when the answer is private', async () => {
		const i = standIn.command({ name: 'slow_private', user: ALICE });
		expect((await callback(i)).body?.['type']).toBe(5);
		await standIn.waitFor((c) => c.method === 'DELETE' && c.path.includes(i.token));
		const follow = await standIn.waitFor((c) => c.method === 'POST' && c.path === `/webhooks/${standIn.appId}/${i.token}`);
		expect(follow.body?.['flags']).toBe(MessageFlags.Ephemeral);
		expect(follow.body?.['allowed_mentions']).toEqual({ parse: [] });
		expect(standIn.callsOf(i).filter((c) => c.path.endsWith('/callback'))).toHaveLength(1);
	});

	it('answers every registry command exactly once, with mentions off and limits kept', async () => {
		const sample: Record<string, string | number | boolean> = {
			actor: 'kremlin',
			event: 'event-03',
			tag: 'raid',
			date: '2025-07-05',
			text: 'baku',
			integer: 2,
			boolean: false,
		};
		for (const module of commandModules as unknown as CommandModule[]) {
			const options: Record<string, string | number | boolean> = {};
			for (const o of module.data.options) if (o.required) options[o.name] = o.type === 'choice' ? o.choices![0]! : sample[o.type]!;
			const i = standIn.command({
				name: module.data.name,
				options,
				user: ALICE,
				permissions: BASIC | PermissionFlagsBits.ManageGuild,
			});
			await callback(i);
			await sleep(20);
			const acks = standIn.callsOf(i).filter((c) => c.path.endsWith('/callback'));
			expect(acks, module.data.name).toHaveLength(1);
			expect(acks[0]!.status, module.data.name).toBeLessThan(300);
		}
		const exportCall = standIn.calls.find((c) => c.files.length > 0);
		expect(exportCall?.files[0]?.name).toMatch(/\.(ics|json|csv)$/u);
	});

	it('keeps @everyone and role mentions from pinging: dataset text is escaped', async () => {
		const cb = await callback(standIn.command({ name: 'event', options: { id: 'event-03' }, user: ALICE }));
		const text = embedsText(dataOf(cb)!.embeds);
		expect(text).not.toMatch(/@everyone/u);
		expect(text).not.toMatch(/<@&123>/u);
		expect(text).toContain('@&123>');
		expect(text).toContain('According to Azerbaijan');
		expect(text).toContain('Denial by Kremlin');
	});

	it('posts to a channel through the sender; 429 is retried by discord.js, 403 is permanent, 5xx transient', async () => {
		const reply = { blocks: [para('Briefing for @everyone <@&123>')] };
		const ok = await platform.sender.send(TEXT_CHANNEL, reply);
		expect(ok.kind).toBe('sent');

		standIn.inject({
			method: 'POST',
			path: /^\/channels\/\d+\/messages$/u,
			status: 429,
			body: { message: 'You are being rate limited.', retry_after: 0.3, global: false },
			headers: { 'retry-after': '0.3', 'x-ratelimit-scope': 'user' },
		});
		const before = standIn.calls.length;
		const t0 = performance.now();
		const limited = await platform.sender.send(TEXT_CHANNEL, { blocks: [para('after a 429')] });
		expect(limited.kind).toBe('sent');
		expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
		const attempts = standIn.calls.slice(before).filter((c) => c.path.startsWith('/channels/'));
		expect(attempts.map((c) => c.status)).toEqual([429, 200]);
		expect(attempts[0]!.body?.['nonce']).toBe(attempts[1]!.body?.['nonce']);

		standIn.inject({
			method: 'POST',
			path: /^\/channels\/\d+\/messages$/u,
			status: 403,
			body: { message: 'Missing Access', code: 50001 },
		});
		const denied = await platform.sender.send(TEXT_CHANNEL, reply);
		expect(denied).toMatchObject({ kind: 'permanent' });
		expect(denied.kind === 'permanent' && denied.reason).toContain('50001');

		standIn.inject({
			method: 'POST',
			path: /^\/channels\/\d+\/messages$/u,
			status: 404,
			body: { message: 'Unknown Channel', code: 10003 },
		});
		expect((await platform.sender.send('300000000000000999', reply)).kind).toBe('permanent');

		standIn.inject({
			method: 'POST',
			path: /^\/channels\/\d+\/messages$/u,
			status: 429,
			body: { message: 'slow down', retry_after: 60, global: false },
			headers: { 'retry-after': '60' },
		});
		const long = await platform.sender.send(TEXT_CHANNEL, reply);
		expect(long).toMatchObject({ kind: 'transient' });
		expect(long.kind === 'transient' && long.retryAfterMs).toBeGreaterThanOrEqual(59_000);

		standIn.inject({
			method: 'POST',
			path: /^\/channels\/\d+\/messages$/u,
			status: 502,
			body: { message: 'bad gateway', code: 0 },
			times: 4,
		});
		expect(await platform.sender.send(TEXT_CHANNEL, reply)).toMatchObject({ kind: 'transient', uncertain: true });

		expect((await platform.sender.send(DM_CHANNEL.slice(0, 3), reply)).kind).toBe('permanent');
	});

	it('resumes after a reconnect request and a dropped connection, and keeps answering', async () => {
		standIn.requestReconnect();
		await waitUntil(() => standIn.resumes >= 1);
		expect((await callback(standIn.command({ name: 'help', user: ALICE }))).body?.['type']).toBe(4);
		standIn.dropConnections(4000);
		await waitUntil(() => standIn.resumes >= 2);
		expect((await callback(standIn.command({ name: 'help', user: ALICE }))).body?.['type']).toBe(4);
		expect(standIn.identifies).toHaveLength(1);
	});

	it('put allowed_mentions {parse: []} and kept every limit on every message it sent', () => {
		const messages = standIn.calls.flatMap((c): { where: string; body: Record<string, unknown> }[] => {
			if (c.path.endsWith('/callback') && (c.body?.['type'] === 4 || c.body?.['type'] === 7))
				return [{ where: `${c.method} ${c.path}`, body: c.body['data'] as Record<string, unknown> }];
			if (c.path.startsWith('/webhooks/') && (c.method === 'POST' || c.method === 'PATCH'))
				return [{ where: `${c.method} ${c.path}`, body: c.body ?? {} }];
			if (c.path.startsWith('/channels/') && c.method === 'POST') return [{ where: `${c.method} ${c.path}`, body: c.body ?? {} }];
			return [];
		});
		expect(messages.length).toBeGreaterThan(30);
		for (const m of messages) {
			expect(m.body['allowed_mentions'], m.where).toEqual({ parse: [] });
			expect(limitProblems((m.body['embeds'] as APIEmbed[] | undefined) ?? []), m.where).toEqual([]);
			expect(JSON.stringify(m.body), m.where).not.toMatch(/@everyone|<@&/u);
		}
		// No interaction was acknowledged twice (the stand-in answers a second callback with 40060).
		expect(standIn.calls.filter((c) => c.status === 400)).toEqual([]);
		expect(logLines.join('')).not.toContain(TOKEN);
	});
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await sleep(10);
	}
}
