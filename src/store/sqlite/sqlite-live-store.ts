/**
 * LiveStore on SQLite (migration 8). Claims are single IMMEDIATE transactions, so two processes
 * sharing the file never both take one alert batch, edit or reply.
 */
import type { Reply } from '../../core/reply.js';
import type { LiveActionStatus, LiveStore, PushedMessage } from '../store.js';
import { liveJobFromRow, pushedFromRow, replyHash, replyJson, type LiveJobRow, type PushedRow } from '../rows.js';
import type { SqliteDatabase } from './open-database.js';



interface Queued {
	readonly op: () => unknown;
	readonly resolve: (v: unknown) => void;
	readonly reject: (e: unknown) => void;
}

export class SqliteLiveStore implements LiveStore {
	private readonly q;
	private queued: Queued[] = [];

	constructor(private readonly db: SqliteDatabase) {
		this.q = {
			enqueue: db.prepare("INSERT INTO alert_queue (subscription_id, event_id, status, queued_at, updated_at) VALUES (?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING"),
			pending: db.prepare<[], { subscription_id: number; event_id: string }>("SELECT subscription_id, event_id FROM alert_queue WHERE status = 'pending' ORDER BY subscription_id, queued_at, event_id"),
			insertAction: db.prepare("INSERT INTO live_actions (key, kind, subscription_id, status, created_at, updated_at) VALUES (?, ?, ?, 'sending', ?, ?) ON CONFLICT DO NOTHING"),
			takeAlert: db.prepare("UPDATE alert_queue SET status = 'sending', batch = ?, updated_at = ? WHERE subscription_id = ? AND event_id = ? AND status = 'pending'"),
			settleAction: db.prepare("UPDATE live_actions SET status = ?, detail = ?, updated_at = ? WHERE key = ? AND status IN ('sending', 'wire', 'uncertain')"),
			onWire: db.prepare("UPDATE live_actions SET status = 'wire', updated_at = ? WHERE key = ? AND status = 'sending'"),
			staleUnsent: db.prepare<[string], { key: string; kind: string }>("SELECT key, kind FROM live_actions WHERE status = 'sending' AND updated_at < ?"),
			deleteAction: db.prepare('DELETE FROM live_actions WHERE key = ?'),
			releaseBatch: db.prepare("UPDATE alert_queue SET status = 'pending', batch = NULL, updated_at = ? WHERE batch = ? AND status = 'sending'"),
			wireBatches: db.prepare<[string], { key: string }>("SELECT key FROM live_actions WHERE kind = 'alert' AND status = 'wire' AND updated_at < ?"),
			uncertainBatch: db.prepare("UPDATE alert_queue SET status = 'uncertain', updated_at = ? WHERE batch = ? AND status = 'sending'"),
			settleBatch: db.prepare("UPDATE alert_queue SET status = ?, batch = CASE WHEN ? = 'pending' THEN NULL ELSE batch END, updated_at = ? WHERE batch = ? AND status IN ('sending', 'uncertain')"),
			sentSince: db.prepare<[number, string], { n: number }>("SELECT COUNT(*) AS n FROM live_actions WHERE kind = 'alert' AND subscription_id = ? AND created_at >= ? AND status IN ('sending', 'wire', 'done', 'uncertain')"),
			expireActions: db.prepare("UPDATE live_actions SET status = 'uncertain', detail = 'the process stopped while its request was on the wire', updated_at = ? WHERE status = 'wire' AND updated_at < ?"),
			putReply: db.prepare('INSERT INTO pushed_replies (hash, reply, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
			insertPushed: db.prepare('INSERT INTO pushed_messages (platform, channel_id, subscription_id, kind, reply_hash, message_ids, pushed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
			insertEvent: db.prepare('INSERT INTO pushed_events (message_id, event_id, fingerprint) VALUES (?, ?, ?) ON CONFLICT (message_id, event_id) DO UPDATE SET fingerprint = excluded.fingerprint'),
			deleteEvents: db.prepare('DELETE FROM pushed_events WHERE message_id = ?'),
			updatePushed: db.prepare('UPDATE pushed_messages SET reply_hash = ?, updated_at = ? WHERE id = ?'),
			eventsOf: db.prepare<[number], { event_id: string; fingerprint: string }>('SELECT event_id, fingerprint FROM pushed_events WHERE message_id = ?'),
			addJob: db.prepare("INSERT INTO live_jobs (key, event_ids, status, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING"),
			pendingJobs: db.prepare<[], LiveJobRow>("SELECT key, event_ids, created_at FROM live_jobs WHERE status = 'pending' ORDER BY created_at"),
			finishJob: db.prepare("UPDATE live_jobs SET status = 'done', updated_at = ? WHERE key = ?"),
		};
	}

	enqueueAlerts(items: readonly { readonly subscriptionId: number; readonly eventId: string }[], now: Date): Promise<number> {
		const at = now.toISOString();
		const run = this.db.transaction(() => {
			let n = 0;
			for (const i of items) n += this.q.enqueue.run(i.subscriptionId, i.eventId, at, at).changes;
			return n;
		});
		return Promise.resolve(run.immediate());
	}

	pendingAlerts(): Promise<Map<number, string[]>> {
		const out = new Map<number, string[]>();
		for (const r of this.q.pending.all()) {
			let list = out.get(r.subscription_id);
			if (!list) out.set(r.subscription_id, (list = []));
			list.push(r.event_id);
		}
		return Promise.resolve(out);
	}

	claimAlertBatch(key: string, subscriptionId: number, eventIds: readonly string[], now: Date): Promise<boolean> {
		const at = now.toISOString();
		const run = this.db.transaction((): boolean => {
			if (this.q.insertAction.run(key, 'alert', subscriptionId, at, at).changes === 0) return false;
			for (const id of eventIds) {
				// Another process took one of them: undo everything (a throw rolls the transaction back).
				if (this.q.takeAlert.run(key, at, subscriptionId, id).changes === 0) throw new LostRace();
			}
			return true;
		});
		try {
			return Promise.resolve(run.immediate());
		} catch (err) {
			if (err instanceof LostRace) return Promise.resolve(false);
			throw err;
		}
	}

	settleAlertBatch(key: string, status: 'sent' | 'pending' | 'uncertain' | 'dropped', detail: string | undefined, now: Date): Promise<void> {
		const at = now.toISOString();
		const action: LiveActionStatus = status === 'sent' ? 'done' : status === 'uncertain' ? 'uncertain' : 'failed';
		this.db.transaction(() => {
			this.q.settleAction.run(action, detail ?? null, at, key);
			this.q.settleBatch.run(status, status, at, key);
		}).immediate();
		return Promise.resolve();
	}

	alertsSentSince(subscriptionId: number, since: Date): Promise<number> {
		return Promise.resolve(this.q.sentSince.get(subscriptionId, since.toISOString())?.n ?? 0);
	}

	claimAction(key: string, kind: 'edit' | 'reply', subscriptionId: number | undefined, now: Date): Promise<boolean> {
		const at = now.toISOString();
		return this.grouped(() => this.q.insertAction.run(key, kind, subscriptionId ?? null, at, at).changes > 0);
	}

	settleAction(key: string, status: Exclude<LiveActionStatus, 'sending' | 'wire'>, detail: string | undefined, now: Date): Promise<void> {
		return this.grouped(() => void this.q.settleAction.run(status, detail ?? null, now.toISOString(), key));
	}

	/**
	 * Group commit: writes asked for in the same turn of the event loop share one transaction, and
	 * each promise settles once that transaction is durable. With synchronous = FULL every commit waits
	 * for the disk; a fan-out of thousands of claims, wire marks and settlements would otherwise wait
	 * for it thousands of times, holding the event loop each time.
	 */
	private grouped<T>(op: () => T): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			if (!this.queued.length) setImmediate(() => this.flush());
			this.queued.push({ op, resolve: resolve as (v: unknown) => void, reject });
		});
	}

	private flush(): void {
		const batch = this.queued;
		this.queued = [];
		const results: unknown[] = [];
		// These commits are made with synchronous = NORMAL: in WAL mode a commit then survives a crash of
		// the process (kill -9) and is only at risk from one of the machine (power loss), while it no
		// longer holds the event loop for a disk flush — which, once per request, cost the Telegram
		// pacer its slots. The connection's FULL setting is restored at once for the delivery ledger.
		const relaxed = this.db.pragma('journal_mode', { simple: true }) === 'wal';
		if (relaxed) this.db.pragma('synchronous = NORMAL');
		try {
			this.db.transaction(() => {
				for (const b of batch) results.push(b.op());
			}).immediate();
		} catch (err) {
			for (const b of batch) b.reject(err);
			return;
		} finally {
			if (relaxed) this.db.pragma('synchronous = FULL');
		}
		batch.forEach((b, i) => b.resolve(results[i]));
	}

	actionOnWire(key: string, now: Date): Promise<void> {
		return this.grouped(() => void this.q.onWire.run(now.toISOString(), key));
	}

	expireSending(olderThan: Date, now: Date): Promise<{ released: number; uncertain: number }> {
		const at = now.toISOString();
		const before = olderThan.toISOString();
		const run = this.db.transaction(() => {
			const unsent = this.q.staleUnsent.all(before);
			for (const r of unsent) {
				if (r.kind === 'alert') this.q.releaseBatch.run(at, r.key);
				this.q.deleteAction.run(r.key);
			}
			for (const r of this.q.wireBatches.all(before)) this.q.uncertainBatch.run(at, r.key);
			return { released: unsent.length, uncertain: this.q.expireActions.run(at, before).changes };
		});
		return Promise.resolve(run.immediate());
	}

	recordPushed(m: Omit<PushedMessage, 'id'>): Promise<number> {
		const json = replyJson(m.reply);
		const hash = replyHash(json);
		const run = this.db.transaction((): number => {
			this.q.putReply.run(hash, json, m.pushedAt);
			const id = Number(this.q.insertPushed.run(m.platform, m.channelId, m.subscriptionId ?? null, m.kind, hash, JSON.stringify(m.messageIds), m.pushedAt, m.pushedAt).lastInsertRowid);
			for (const [eventId, fp] of Object.entries(m.events)) this.q.insertEvent.run(id, eventId, fp);
			return id;
		});
		return Promise.resolve(run.immediate());
	}

	updatePushed(id: number, reply: Reply, events: Readonly<Record<string, string>>, now: Date): Promise<void> {
		const json = replyJson(reply);
		const hash = replyHash(json);
		const at = now.toISOString();
		return this.grouped(() => {
			this.q.putReply.run(hash, json, at);
			this.q.updatePushed.run(hash, at, id);
			this.q.deleteEvents.run(id);
			for (const [eventId, fp] of Object.entries(events)) this.q.insertEvent.run(id, eventId, fp);
		});
	}

	pushedShowing(eventIds: readonly string[], since: Date): Promise<PushedMessage[]> {
		if (!eventIds.length) return Promise.resolve([]);
		const out: PushedMessage[] = [];
		// In slices: SQLite limits the parameters of one statement.
		const seen = new Set<number>();
		for (let i = 0; i < eventIds.length; i += 500) {
			const slice = eventIds.slice(i, i + 500);
			const rows = this.db
				.prepare(
					`SELECT m.id, m.platform, m.channel_id, m.subscription_id, m.kind, r.reply, m.message_ids, m.pushed_at FROM pushed_messages m JOIN pushed_replies r ON r.hash = m.reply_hash
					 WHERE m.pushed_at >= ? AND m.id IN (SELECT message_id FROM pushed_events WHERE event_id IN (${slice.map(() => '?').join(', ')})) ORDER BY m.id`,
				)
				.all(since.toISOString(), ...slice) as PushedRow[];
			for (const r of rows) {
				if (seen.has(r.id)) continue;
				seen.add(r.id);
				out.push(this.fromRow(r));
			}
		}
		return Promise.resolve(out.sort((a, b) => a.id - b.id));
	}

	addJob(key: string, eventIds: readonly string[], now: Date): Promise<void> {
		const at = now.toISOString();
		this.q.addJob.run(key, JSON.stringify(eventIds), at, at);
		return Promise.resolve();
	}

	pendingJobs(): Promise<{ key: string; eventIds: string[]; createdAt: string }[]> {
		return Promise.resolve(this.q.pendingJobs.all().map(liveJobFromRow));
	}

	finishJob(key: string, now: Date): Promise<void> {
		this.q.finishJob.run(now.toISOString(), key);
		return Promise.resolve();
	}

	prune(before: Date): Promise<number> {
		const at = before.toISOString();
		const run = this.db.transaction(() => {
			let n = this.db.prepare('DELETE FROM pushed_events WHERE message_id IN (SELECT id FROM pushed_messages WHERE pushed_at < ?)').run(at).changes;
			n += this.db.prepare('DELETE FROM pushed_messages WHERE pushed_at < ?').run(at).changes;
			n += this.db.prepare('DELETE FROM pushed_replies WHERE created_at < ? AND hash NOT IN (SELECT reply_hash FROM pushed_messages)').run(at).changes;
			n += this.db.prepare("DELETE FROM live_actions WHERE status NOT IN ('sending', 'wire') AND updated_at < ?").run(at).changes;
			n += this.db.prepare("DELETE FROM live_jobs WHERE status = 'done' AND updated_at < ?").run(at).changes;
			return n;
		});
		return Promise.resolve(run.immediate());
	}

	private fromRow(r: PushedRow): PushedMessage {
		const events = Object.create(null) as Record<string, string>;
		for (const e of this.q.eventsOf.all(r.id)) events[e.event_id] = e.fingerprint;
		return pushedFromRow(r, events);
	}
}

class LostRace extends Error {}
