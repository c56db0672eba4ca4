/**
 * Reloading the dataset without a restart: load and validate a new snapshot beside the live one,
 * diff it, swap atomically on success, and record the attempt. A failed load leaves the live
 * snapshot untouched; reloads run one at a time.
 */
import type { DatasetHolder } from '../dataset/dataset-holder.js';
import { diffDatasetsSliced, type DatasetDiff } from '../dataset/diff.js';
import { formatDatasetErrorWithoutValues, type DatasetError } from '../dataset/errors.js';
import { loadDataset, type LoadDatasetOptions, type LoadResult } from '../dataset/load-dataset.js';
import { Slicer } from '../dataset/slices.js';
import { visibleView } from '../dataset/visible-view.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Logger } from '../logger.js';
import { releaseFreeMemory } from '../release-memory.js';
import type { ReloadAuditEntry, ReloadAuditLog, ReloadRequester, ReloadTrigger } from '../store/reload-audit.js';
import { DEFAULT_MAX_REMOVED_SHARE, shrinkBeyond, type Shrink } from './shrink-guard.js';

export type { ReloadAuditEntry, ReloadAuditLog, ReloadRequester, ReloadTrigger } from '../store/reload-audit.js';

/**
 * What a reload did. `shrink` lists the kinds it removes (or would remove) more of than the
 * configured share: a refusal when not confirmed (`errors` is then empty), a warning on a dry run.
 */
export type ReloadOutcome =
	| {
			readonly ok: true;
			readonly result: 'swapped' | 'unchanged' | 'dry_run';
			/** Between the visible views before and after. */
			readonly diff: DatasetDiff;
			readonly before: DatasetSnapshot;
			/** The visible view of what was loaded. */
			readonly after: DatasetSnapshot;
			/** What was loaded, drafts and embargoed events included. */
			readonly loaded: DatasetSnapshot;
			readonly durationMs: number;
			readonly shrink: readonly Shrink[];
	  }
	| { readonly ok: false; readonly errors: readonly DatasetError[]; readonly durationMs: number; readonly shrink?: readonly Shrink[] };

/**
 * A build made already, swapped in by a reload instead of loading the files again: the files' own
 * build, made by the check after a start that answered before their content was known
 * (LoadDatasetOptions.onChanged).
 */
export interface ReadyBuild {
	readonly snapshot: DatasetSnapshot;
	/**
	 * The version served when it was made. It is used only while that is still served: a reload
	 * in between may have swapped in newer files, and then the files are loaded as they are now.
	 */
	readonly replaces: string;
}

/** One reload request. */
export interface ReloadRequest {
	readonly requester: ReloadRequester;
	readonly trigger: ReloadTrigger;
	readonly dryRun?: boolean;
	/** An owner's confirmation of a reload that removes more than the allowed share; only a command can give it. */
	readonly confirm?: boolean;
}

export interface ReloaderOptions {
	readonly holder: DatasetHolder;
	readonly dataDir: string;
	readonly logger: Logger;
	readonly clock: () => Date;
	/** How each reload loads the dataset (its time is taken from `clock`). */
	readonly load?: Pick<LoadDatasetOptions, 'cacheDir'>;
	/**
	 * How long a snapshot that is no longer served (replaced, or loaded only to compare) stays open
	 * for the commands that still hold it; then its connection closes. Default one minute.
	 */
	readonly retireAfterMs?: number;
	readonly audit?: ReloadAuditLog;
	/**
	 * Called after a swap, e.g. to record which event versions are new (EventVersionStore.recordSnapshot).
	 * Awaited before the reload answers; a throw or rejection is logged and does not undo the swap.
	 */
	readonly onSwap?: (next: DatasetSnapshot, previous: DatasetSnapshot, diff: DatasetDiff) => void | Promise<void>;
	/** The share (0-1) of events, actors or claims a reload may remove without confirmation. Default 0.5. */
	readonly maxRemovedShare?: number;
}

/** How long the reload's diff holds the event loop at a time. */
const DIFF_SLICE_MS = 2;

export class Reloader {
	private chain: Promise<unknown> = Promise.resolve();

	constructor(private readonly options: ReloaderOptions) {}

	get audit(): ReloadAuditLog | undefined {
		return this.options.audit;
	}

	/** Reloads (or, with dryRun, only compares). Concurrent calls run one after another. */
	reload(request: ReloadRequest): Promise<ReloadOutcome> {
		return this.queue(() => this.run(request, undefined));
	}

	/**
	 * Swaps in a build that a content check found (see {@link ReadyBuild}; the reloader owns it), as a
	 * reload triggered by the watch, after the reloads queued before it. Undefined when one of them
	 * has served these same files meanwhile: there is nothing left to swap or announce.
	 */
	swapFound(ready: ReadyBuild, requester: ReloadRequester): Promise<ReloadOutcome | undefined> {
		return this.queue(() => {
			if (this.options.holder.loaded().version !== ready.snapshot.version) return this.run({ requester, trigger: 'watch' }, ready);
			ready.snapshot.close();
			return Promise.resolve(undefined);
		});
	}

	/** Runs `step` after every step queued before it: reloads run one at a time. */
	private queue<T>(step: () => Promise<T>): Promise<T> {
		const run = this.chain.then(step);
		this.chain = run.catch(() => undefined);
		return run;
	}

	private async run(request: ReloadRequest, ready: ReadyBuild | undefined): Promise<ReloadOutcome> {
		const { holder, logger, clock } = this.options;
		const started = performance.now();
		const dryRun = request.dryRun ?? false;
		const loaded = await this.load(ready);
		const durationMs = Math.round(performance.now() - started);
		const base = { at: clock().toISOString(), requester: request.requester, trigger: request.trigger, dryRun, durationMs };
		if (!loaded.ok) {
			logger.warn(
				{
					trigger: request.trigger,
					errors: loaded.errors.length,
					first: loaded.errors[0] && formatDatasetErrorWithoutValues(loaded.errors[0]),
				},
				'Reload failed; the live dataset stays',
			);
			await this.record({ ...base, result: 'failed', errorCount: loaded.errors.length });
			return { ok: false, errors: loaded.errors, durationMs };
		}
		// Readers see visible views (drafts and future embargoes left out), so a reload is compared,
		// and announced, view to view: an edit to a draft changes nothing anyone sees.
		const before = holder.current();
		const after = visibleView(loaded.snapshot, clock().getTime()).view;
		// In slices of a few ms: the changed files' records are read from both engines while commands
		// keep being answered.
		const diff = await diffDatasetsSliced(before, after, new Slicer(DIFF_SLICE_MS));
		const shrink = shrinkBeyond(diff, before.counts, this.options.maxRemovedShare ?? DEFAULT_MAX_REMOVED_SHARE);
		// The file watch and a signal never confirm: an emptied folder must wait for an owner.
		if (shrink.length && !dryRun && !(request.confirm === true && request.trigger === 'command')) {
			logger.warn(
				{ trigger: request.trigger, removed: Object.fromEntries(shrink.map((s) => [s.kind, `${s.removed.length}/${s.before}`])) },
				'Reload refused: it removes more than the allowed share; an owner can confirm it with /reload confirm:true',
			);
			await this.record({ ...base, result: 'failed', version: after.version, counts: after.counts, errorCount: 0 });
			return { ok: false, errors: [], durationMs, shrink };
		}
		let result: 'swapped' | 'unchanged' | 'dry_run';
		if (dryRun) result = 'dry_run';
		else if (after.version === before.version) result = 'unchanged';
		else {
			const replaced = holder.loaded();
			holder.swap(loaded.snapshot);
			this.retire(replaced);
			result = 'swapped';
			try {
				await this.options.onSwap?.(after, before, diff);
			} catch (err) {
				logger.error({ err }, 'After-swap hook failed');
			}
		}
		if (result !== 'swapped') this.retire(loaded.snapshot);
		logger.info({ trigger: request.trigger, result, version: after.version, ...after.counts, ms: durationMs }, 'Reload');
		await this.record({ ...base, result, version: after.version, counts: after.counts });
		return { ok: true, result, diff, before, after, loaded: loaded.snapshot, durationMs, shrink };
	}

	/**
	 * The snapshot to compare and swap in: `ready` while what it replaces is still served, else the
	 * files loaded — hashed first, even when their names, sizes and mtimes are the ones last built, so
	 * that a reload answers for their content (loadDataset without onChanged).
	 */
	private async load(ready: ReadyBuild | undefined): Promise<LoadResult> {
		const { holder, dataDir, clock } = this.options;
		if (ready) {
			if (holder.loaded().version === ready.replaces) return { ok: true, snapshot: ready.snapshot };
			ready.snapshot.close();
		}
		// In the background: the files hashed in a worker, the workers below this thread's priority.
		return loadDataset(dataDir, { ...this.options.load, background: true, now: clock() });
	}

	/**
	 * Closes a snapshot nobody is served any more, once the commands that read it before the swap
	 * are done with it (they hold it for a reply's length, far below the grace period).
	 */
	private retire(snapshot: DatasetSnapshot): void {
		setTimeout(() => {
			snapshot.close();
			// Its connection's page cache, and what the commands that read it left free.
			releaseFreeMemory();
		}, this.options.retireAfterMs ?? 60_000).unref();
	}

	// The audit log is a record of reloads, not a precondition: a store outage must not stop an
	// owner from fixing the dataset.
	private async record(entry: ReloadAuditEntry): Promise<void> {
		const { audit, logger } = this.options;
		if (!audit) return;
		try {
			await audit.record(entry);
		} catch (err) {
			logger.error({ err, result: entry.result, trigger: entry.trigger }, 'Could not record the reload in the audit log');
		}
	}
}

declare module '../core/command.js' {
	interface CommandServices {
		/** The live reloader, for /reload. */
		readonly reloader?: Reloader;
	}
}
