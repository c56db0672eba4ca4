import { defineCommand } from '../src/core/command.js';
import { UserFacingError } from '../src/core/errors.js';
import { bold, heading, para, type Block } from '../src/core/reply.js';
import { formatDatasetErrors } from '../src/dataset/errors.js';
import type { DatasetDiff, KindDiff } from '../src/dataset/diff.js';
import type { Reloader } from '../src/reload/reloader.js';

const LIST = 8;

function kindLine(name: string, k: KindDiff): Block[] {
	const n = k.added.length + k.changed.length + k.removed.length;
	if (n === 0) return [para(`${name}: no change`)];
	const part = (label: string, ids: readonly string[]) => (ids.length ? `${ids.length} ${label}${ids.length ? ` (${ids.slice(0, LIST).join(', ')}${ids.length > LIST ? `, … ${ids.length - LIST} more` : ''})` : ''}` : '');
	return [para(bold(`${name}: `), { text: [part('added', k.added), part('changed', k.changed), part('removed', k.removed)].filter(Boolean).join('; ') })];
}

export function diffBlocks(diff: DatasetDiff): Block[] {
	return [
		...kindLine('Events', diff.events),
		...kindLine('Actors', diff.actors),
		...kindLine('Sources', diff.sources),
		...kindLine('Claims', diff.claims),
		...(diff.storyChanged ? [para('The story record changed.')] : []),
	];
}

export default defineCommand({
	data: {
		name: 'reload',
		description: 'Reload the dataset from disk and show what changed (bot owners)',
		access: 'owner',
		options: [
			{ name: 'dry_run', type: 'boolean', description: 'Show what would change without switching to it' },
			{ name: 'history', type: 'boolean', description: 'Show the last 10 reloads instead' },
		],
		examples: ['/reload', '/reload dry_run:true', '/reload history:true'],
	},
	async execute({ args, services, requester }) {
		const reloader = services['reloader'] as Reloader | undefined;
		if (!reloader) throw new UserFacingError('UNAVAILABLE', 'Reloading is not available in this mode.', 'Restart the bot to pick up dataset changes.');
		if (args.history) {
			const entries = (await reloader.audit?.recent(10)) ?? [];
			if (!entries.length) return { blocks: [para('No reloads have been recorded yet.')], ephemeral: true };
			return {
				blocks: [
					heading('Last reloads'),
					...entries.map((e) =>
						para(
							`${e.at.replace('T', ' ').slice(0, 19)} UTC — ${e.result.replace('_', ' ')} by ${e.requester.displayName} (${e.requester.platform}, ${e.trigger})`,
							e.version ? ` — version ${e.version}, ${e.counts?.events ?? 0} events` : '',
							e.errorCount ? ` — ${e.errorCount} errors` : '',
						),
					),
				],
				ephemeral: true,
			};
		}
		const outcome = await reloader.reload({ requester: { platform: requester.platform, userId: requester.userId, displayName: requester.displayName }, trigger: 'command', dryRun: args.dry_run ?? false });
		if (!outcome.ok) {
			return {
				blocks: [para(bold(`Reload failed: ${outcome.errors.length} ${outcome.errors.length === 1 ? 'error' : 'errors'}. The live dataset is unchanged.`)), para({ text: formatDatasetErrors(outcome.errors).join('\n'), mark: 'code' })],
				ephemeral: true,
			};
		}
		const title =
			outcome.result === 'dry_run'
				? `Dry run: version ${outcome.after.version} would replace ${outcome.before.version}. Nothing was switched.`
				: outcome.result === 'unchanged'
					? `The files are unchanged (version ${outcome.after.version}).`
					: `Reloaded: version ${outcome.after.version} replaces ${outcome.before.version}.`;
		const c = outcome.after.counts;
		return {
			blocks: [para(bold(title)), para(`${c.events} events, ${c.actors} actors, ${c.sources} sources, ${c.claims} claims; loaded in ${outcome.durationMs} ms.`), ...diffBlocks(outcome.diff)],
			ephemeral: true,
		};
	},
});
