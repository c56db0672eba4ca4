import { defineCommand } from '../src/core/command.js';
import { msg, UserFacingError } from '../src/core/errors.js';
import { bold, heading, para, type Block } from '../src/core/reply.js';
import { formatDatasetErrorWithoutValues, type DatasetError } from '../src/dataset/errors.js';
import type { DatasetDiff, KindDiff } from '../src/dataset/diff.js';
import { localDigits } from '../src/i18n/format.js';
import { en } from '../src/i18n/messages/index.js';
import { createTranslator, type Translator } from '../src/i18n/translator.js';
import type { LivePlan } from '../src/live/live-service.js';
import type { Shrink } from '../src/reload/shrink-guard.js';

const LIST = 8;
/** Dataset errors a failed reload lists before counting the rest (as `sitrep validate`). */
const MAX_ERRORS = 20;

function kindLine(i18n: Translator, kind: 'events' | 'actors' | 'sources' | 'claims', k: KindDiff): Block[] {
	const name = i18n.t(`reload.kind.${kind}`);
	const n = k.added.length + k.changed.length + k.removed.length;
	if (n === 0) return [para(i18n.t('reload.noChange', { kind: name }))];
	const ids = (list: readonly string[]) => {
		const shown = i18n.list(list.slice(0, LIST));
		return list.length > LIST ? i18n.t('reload.idsMore', { ids: shown, n: list.length - LIST }) : shown;
	};
	const parts = [
		...(k.added.length ? [i18n.t('reload.added', { n: k.added.length, ids: ids(k.added) })] : []),
		...(k.changed.length ? [i18n.t('reload.changed', { n: k.changed.length, ids: ids(k.changed) })] : []),
		...(k.removed.length ? [i18n.t('reload.removed', { n: k.removed.length, ids: ids(k.removed) })] : []),
	];
	return [para(...i18n.spans('reload.kindLine', { kind: name, changes: i18n.list(parts, 'semicolon') }))];
}

/**
 * A failed reload: the count and the files in the reader's language, then the errors themselves.
 * Each error line (FILE:LINE:COL  field  problem) is the loader's, in English, as `sitrep validate`
 * prints it but with the values from the files left out: a chat may be read by anyone in it, and a
 * file's text may be anything. The loader's messages are not in the catalog.
 */
export function errorBlocks(errors: readonly DatasetError[], i18n: Translator = createTranslator('en')): Block[] {
	const lines = errors.slice(0, MAX_ERRORS).map(formatDatasetErrorWithoutValues);
	if (errors.length > MAX_ERRORS) lines.push(i18n.t('reload.errorsMore', { n: errors.length - MAX_ERRORS }));
	return [
		para(bold(i18n.t('reload.failed', { n: errors.length }))),
		para(i18n.t('reload.errorsIn', { files: new Set(errors.map((e) => e.file)).size })),
		para({ text: lines.join('\n'), mark: 'code' }),
	];
}

/** What a reload would remove beyond the allowed share, one line per kind. */
export function shrinkBlocks(shrink: readonly Shrink[], i18n: Translator = createTranslator('en')): Block[] {
	return shrink.map((s) => {
		const shown = i18n.list(s.removed.slice(0, LIST));
		const ids = s.removed.length > LIST ? i18n.t('reload.idsMore', { ids: shown, n: s.removed.length - LIST }) : shown;
		return para(i18n.t('reload.shrinkLine', { kind: i18n.t(`reload.kind.${s.kind}`), n: s.removed.length, before: s.before, ids }));
	});
}

/** What a reload changed, one line per kind of record. */
export function diffBlocks(diff: DatasetDiff, i18n: Translator = createTranslator('en')): Block[] {
	return [
		...kindLine(i18n, 'events', diff.events),
		...kindLine(i18n, 'actors', diff.actors),
		...kindLine(i18n, 'sources', diff.sources),
		...kindLine(i18n, 'claims', diff.claims),
		...(diff.storyChanged ? [para(i18n.t('reload.storyChanged'))] : []),
		...(diff.vocabularyChanged ? [para(i18n.t('reload.vocabularyChanged'))] : []),
	];
}

/** Most alerts a dry run lists one by one. */
const MAX_ALERT_LINES = 10;

/** What a reload would send, for a dry run: alerts per new event, and the corrections. */
export function liveBlocks(plan: LivePlan, i18n: Translator = createTranslator('en')): Block[] {
	const alerts = plan.alerts.filter((a) => a.chats > 0);
	if (!alerts.length && !plan.editedMessages) return [para(i18n.t('reload.live.none'))];
	const out: Block[] = [para(bold(i18n.t('reload.live.title')))];
	for (const a of alerts.slice(0, MAX_ALERT_LINES))
		out.push(para(i18n.t('reload.live.alert', { title: i18n.content(a.event.title, a.event.titles), n: a.chats })));
	if (alerts.length > MAX_ALERT_LINES) out.push(para(i18n.t('live.alert.more', { n: alerts.length - MAX_ALERT_LINES })));
	if (alerts.length) out.push(para(i18n.t('reload.live.alertChats', { n: plan.alertChats })));
	if (plan.editedMessages)
		out.push(
			para(
				i18n.t('reload.live.corrections', {
					events: plan.correctedEvents,
					messages: plan.editedMessages,
					chats: plan.correctedChats,
				}),
			),
		);
	return out;
}

export default defineCommand({
	data: {
		name: 'reload',
		description: en['cmd.reload.description'],
		access: 'owner',
		options: [
			{ name: 'dry_run', type: 'boolean', description: en['cmd.reload.opt.dry_run'] },
			{ name: 'history', type: 'boolean', description: en['cmd.reload.opt.history'] },
			{ name: 'confirm', type: 'boolean', description: en['cmd.reload.opt.confirm'] },
		],
		examples: ['/reload', '/reload dry_run:true', '/reload history:true', '/reload confirm:true'],
	},
	async execute({ args, services, requester, i18n }) {
		const reloader = services.reloader;
		if (!reloader) throw new UserFacingError('UNAVAILABLE', msg('reload.unavailable'), msg('reload.unavailable.hint'));
		if (args.history) {
			const entries = (await reloader.audit?.recent(10)) ?? [];
			if (!entries.length) return { blocks: [para(i18n.t('reload.noHistory'))], ephemeral: true };
			return {
				blocks: [
					heading(i18n.t('reload.historyTitle')),
					...entries.map((e) => {
						const line = i18n.t('reload.history.line', {
							at: localDigits(i18n.locale, e.at.replace('T', ' ').slice(0, 19)),
							result: i18n.t(`reload.result.${e.result}`),
							who: e.requester.displayName,
							platform: e.requester.platform,
							trigger: i18n.t(`reload.trigger.${e.trigger}`),
						});
						const parts = [
							line,
							...(e.version ? [i18n.t('reload.history.version', { version: e.version, n: e.counts?.events ?? 0 })] : []),
							...(e.errorCount ? [i18n.t('reload.history.errors', { n: e.errorCount })] : []),
						];
						return para(parts.join(' '));
					}),
				],
				ephemeral: true,
			};
		}
		const outcome = await reloader.reload({
			requester: { platform: requester.platform, userId: requester.userId, displayName: requester.displayName },
			trigger: 'command',
			dryRun: args.dry_run ?? false,
			confirm: args.confirm ?? false,
		});
		if (!outcome.ok && outcome.shrink?.length) {
			return {
				blocks: [
					para(bold(i18n.t('reload.refusedShrink'))),
					...shrinkBlocks(outcome.shrink, i18n),
					para(i18n.t('reload.refusedShrink.hint')),
				],
				ephemeral: true,
			};
		}
		if (!outcome.ok) {
			return { blocks: errorBlocks(outcome.errors, i18n), ephemeral: true };
		}
		const title =
			outcome.result === 'dry_run'
				? i18n.t('reload.dryRun', { after: outcome.after.version, before: outcome.before.version })
				: outcome.result === 'unchanged'
					? i18n.t('reload.unchanged', { version: outcome.after.version })
					: i18n.t('reload.swapped', { after: outcome.after.version, before: outcome.before.version });
		const c = outcome.after.counts;
		const live = services.live;
		const plan =
			outcome.result === 'dry_run' && live ? liveBlocks(await live.plan(outcome.before, outcome.after, outcome.diff), i18n) : [];
		return {
			blocks: [
				para(bold(title)),
				para(
					i18n.t('reload.counts', {
						events: c.events,
						actors: c.actors,
						sources: c.sources,
						claims: c.claims,
						ms: outcome.durationMs,
					}),
				),
				...diffBlocks(outcome.diff, i18n),
				...(outcome.result === 'dry_run' && outcome.shrink.length ? [para(bold(i18n.t('reload.dryRunShrink')))] : []),
				...plan,
			],
			ephemeral: true,
		};
	},
});
