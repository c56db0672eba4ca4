/**
 * `npx sitrep reload --dry-run DIR` and `npx sitrep alerts DIR`: what a reload from the served dataset
 * to an edited one would change and send, without sending anything.
 */
import { existsSync } from 'node:fs';
import { diffBlocks, liveBlocks } from '../commands/reload.js';
import { DatasetLoadError } from './app.js';
import { badNow, configAndNow, fail, parseOptions } from './cli-output.js';
import { loadConfig } from './config.js';
import { bold, para } from './core/reply.js';
import { diffDatasets, type DatasetDiff } from './dataset/diff.js';
import { loadDataset } from './dataset/load-dataset.js';
import type { DatasetSnapshot } from './dataset/snapshot.js';
import { visibleView } from './dataset/visible-view.js';
import { isLocale, type Locale } from './i18n/locale.js';
import { createTranslator } from './i18n/translator.js';
import { composeAlert } from './live/compose-alert.js';
import { LiveService } from './live/live-service.js';
import { silentLogger } from './logger.js';
import { renderPlainText } from './render/plain-text.js';
import { openStores } from './store/open-stores.js';

const RELOAD_USAGE =
	'Usage: npx sitrep reload --dry-run DIR [--data SERVED_DIR] [--now ISO-DATETIME]   (to apply a reload, send the bot SIGHUP or use /reload)';

/** The served dataset and the edited one, both as readers would see them at `now`. */
async function servedAndEdited(
	served: string,
	edited: string,
	now: number,
): Promise<{ before: DatasetSnapshot; after: DatasetSnapshot; diff: DatasetDiff } | string> {
	const a = await loadDataset(served);
	if (!a.ok) return new DatasetLoadError(served, a.errors).message;
	const b = await loadDataset(edited);
	if (!b.ok) return new DatasetLoadError(edited, b.errors).message;
	const before = visibleView(a.snapshot, now).view;
	const after = visibleView(b.snapshot, now).view;
	return { before, after, diff: diffDatasets(before, after) };
}

/** Runs `sitrep reload --dry-run DIR`. */
export async function reloadCommand(args: string[]): Promise<void> {
	const parsed = parseOptions(
		{
			args,
			allowPositionals: true,
			options: { 'dry-run': { type: 'boolean' }, data: { type: 'string' }, now: { type: 'string' }, lang: { type: 'string' } },
		},
		RELOAD_USAGE,
	);
	if (!parsed) return;
	const dir = parsed.positionals[0];
	if (!parsed.values['dry-run'] || !dir) return fail(RELOAD_USAGE, 2);
	const configured = configAndNow(parsed.values.now);
	if (!configured) return;
	const { config, now } = configured;
	const at = now ? Date.parse(now) : Date.now();
	const r = await servedAndEdited(parsed.values.data ?? config.dataDir, dir, at);
	if (typeof r === 'string') return fail(r, 1);
	const i18n = createTranslator(parsed.values.lang ?? config.locale ?? 'en');
	// The store says who would be told; without one (no database yet) nobody would.
	const haveStore = Boolean(config.databaseUrl) || existsSync(config.dbPath);
	const stores = haveStore ? await openStores(config) : undefined;
	try {
		const plan = stores
			? await new LiveService({
					store: stores.live,
					subscriptions: stores.subscriptions,
					senders: new Map(),
					dataset: () => r.after,
					clock: () => new Date(at),
					logger: silentLogger(),
					...(config.correctionDays ? { correctionDays: config.correctionDays } : {}),
				}).plan(r.before, r.after, r.diff)
			: { alerts: [], alertChats: 0, correctedEvents: 0, editedMessages: 0, correctedChats: 0 };
		const reply = {
			blocks: [
				para(bold(i18n.t('reload.dryRun', { after: r.after.version, before: r.before.version }))),
				...diffBlocks(r.diff, i18n),
				...liveBlocks(plan, i18n),
			],
		};
		process.stdout.write(`${renderPlainText(reply)}\n`);
		if (!stores) process.stderr.write(`No database at ${config.dbPath}: no subscriptions or pushed messages to count.\n`);
	} finally {
		await stores?.close();
	}
}

/** Runs `sitrep alerts DIR`: the alert messages a reload to DIR would send. */
export async function alertsCommand(args: string[]): Promise<void> {
	const usage = 'Usage: npx sitrep alerts DIR [--data SERVED_DIR] [--lang en|ru|az|fa] [--now ISO-DATETIME]';
	const parsed = parseOptions(
		{
			args,
			allowPositionals: true,
			options: { data: { type: 'string' }, now: { type: 'string' }, lang: { type: 'string' } },
		},
		usage,
	);
	if (!parsed) return;
	const dir = parsed.positionals[0];
	if (!dir) return fail(usage, 2);
	const config = loadConfig();
	const now = parsed.values.now ?? config.now;
	const nowProblem = badNow(now);
	if (nowProblem) return fail(nowProblem, 2);
	const lang = parsed.values.lang;
	if (lang !== undefined && !isLocale(lang)) return fail(`--lang is en, ru, az or fa; "${lang}" is not.`, 2);
	const r = await servedAndEdited(parsed.values.data ?? config.dataDir, dir, now ? Date.parse(now) : Date.now());
	if (typeof r === 'string') return fail(r, 1);
	const added = r.diff.events.added.map((id) => r.after.event(id)!).filter(Boolean);
	if (!added.length) {
		process.stdout.write(`A reload to ${dir} brings no new events: no alert would go out.\n`);
		return;
	}
	const breaking = added.filter((e) => e.priority === 'breaking');
	process.stdout.write(
		`To alerts:all subscriptions (before their actor and tag filters):\n\n${renderPlainText(composeAlert(r.after, added, lang as Locale | undefined).reply)}\n`,
	);
	if (breaking.length && breaking.length < added.length)
		process.stdout.write(
			`\nTo alerts:breaking subscriptions:\n\n${renderPlainText(composeAlert(r.after, breaking, lang as Locale | undefined).reply)}\n`,
		);
	else if (!breaking.length)
		process.stdout.write('\nalerts:breaking subscriptions get none: no new event is marked priority: breaking.\n');
}
