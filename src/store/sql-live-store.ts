/**
 * LiveStore on either database (migration 8). Claims are INSERT … ON CONFLICT DO NOTHING and
 * conditional UPDATEs in one transaction, so processes sharing the database never both take one
 * alert batch, edit or reply. The many small writes of a fan-out (claims, wire marks, settlements,
 * edits) go through the executor's grouped commits.
 */
import type { Reply } from '../core/reply.js';
import { liveJobFromRow, pushedFromRow, replyHash, replyJson, type LiveJobRow, type PushedRow } from './rows.js';
import { all, jsonRows, jsonTable, run, type SqlExecutor, type Steps } from './sql.js';
import type { LiveActionStatus, LiveStore, PushedMessage } from './store.js';

class LostRace extends Error {}

const INSERT_ACTION =
	"INSERT INTO live_actions (key, kind, subscription_id, status, created_at, updated_at) VALUES (?, ?, ?, 'sending', ?, ?) ON CONFLICT DO NOTHING";
const SETTLE_ACTION =
	"UPDATE live_actions SET status = ?, detail = ?, updated_at = ? WHERE key = ? AND status IN ('sending', 'wire', 'uncertain')";
const PUT_REPLY = 'INSERT INTO pushed_replies (hash, reply, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING';
const ON_WIRE = 'the process stopped while its request was on the wire';

export class SqlLiveStore implements LiveStore {
	private readonly sql;

	constructor(private readonly db: SqlExecutor) {
		const d = db.dialect;
		const texts = (name: string) => `(SELECT ${name} FROM ${jsonTable(d, [[name, 'text']])} AS k)`;
		const ids = `(SELECT t_id FROM ${jsonTable(d, [['t_id', 'int']])} AS k)`;
		this.sql = {
			enqueue: `INSERT INTO alert_queue (subscription_id, event_id, status, queued_at, updated_at)
				SELECT t_subscription_id, t_event_id, 'pending', ?, ? FROM ${jsonTable(d, [
					['t_subscription_id', 'int'],
					['t_event_id', 'text'],
				])} AS t WHERE TRUE ON CONFLICT DO NOTHING`,
			// Event ids in bytewise order on both (PostgreSQL's default collation follows the locale).
			pending: `SELECT subscription_id, event_id FROM alert_queue WHERE status = 'pending' ORDER BY subscription_id, queued_at, event_id${d === 'postgres' ? ' COLLATE "C"' : ''}`,
			takeAlerts: `UPDATE alert_queue SET status = 'sending', batch = ?, updated_at = ? WHERE subscription_id = ? AND status = 'pending' AND event_id IN ${texts('t_event_id')}`,
			releaseBatches: `UPDATE alert_queue SET status = 'pending', batch = NULL, updated_at = ? WHERE status = 'sending' AND batch IN ${texts('t_key')}`,
			uncertainBatches: `UPDATE alert_queue SET status = 'uncertain', updated_at = ? WHERE status = 'sending' AND batch IN ${texts('t_key')}`,
			insertEvents: `INSERT INTO pushed_events (message_id, event_id, fingerprint) SELECT ?, t_event_id, t_fingerprint FROM ${jsonTable(
				d,
				[
					['t_event_id', 'text'],
					['t_fingerprint', 'text'],
				],
			)} AS t WHERE TRUE`,
			pushedShowing: `SELECT m.id, m.platform, m.channel_id, m.subscription_id, m.kind, r.reply, m.message_ids, m.pushed_at
				FROM pushed_messages m JOIN pushed_replies r ON r.hash = m.reply_hash
				WHERE m.pushed_at >= ? AND m.id IN (SELECT message_id FROM pushed_events WHERE event_id IN ${texts('t_event_id')}) ORDER BY m.id`,
			eventsOf: `SELECT message_id, event_id, fingerprint FROM pushed_events WHERE message_id IN ${ids}`,
		};
	}

	async enqueueAlerts(items: readonly { readonly subscriptionId: number; readonly eventId: string }[], now: Date): Promise<number> {
		if (!items.length) return 0;
		const at = now.toISOString();
		return this.db.transaction(() => run(this.sql.enqueue, [at, at, jsonRows(items.map((i) => [i.subscriptionId, i.eventId]))]));
	}

	async pendingAlerts(): Promise<Map<number, string[]>> {
		const out = new Map<number, string[]>();
		for (const r of await this.db.all<{ subscription_id: number; event_id: string }>(this.sql.pending)) {
			let list = out.get(r.subscription_id);
			if (!list) out.set(r.subscription_id, (list = []));
			list.push(r.event_id);
		}
		return out;
	}

	async claimAlertBatch(key: string, subscriptionId: number, eventIds: readonly string[], now: Date): Promise<boolean> {
		const at = now.toISOString();
		const sql = this.sql;
		try {
			return await this.db.transaction(function* (): Steps<boolean> {
				if ((yield* run(INSERT_ACTION, [key, 'alert', subscriptionId, at, at])) === 0) return false;
				// Another process took one of them: undo everything (a throw rolls the transaction back).
				if ((yield* run(sql.takeAlerts, [key, at, subscriptionId, jsonRows(eventIds.map((id) => [id]))])) !== eventIds.length)
					throw new LostRace();
				return true;
			});
		} catch (err) {
			if (err instanceof LostRace) return false;
			throw err;
		}
	}

	async settleAlertBatch(
		key: string,
		status: 'sent' | 'pending' | 'uncertain' | 'dropped',
		detail: string | undefined,
		now: Date,
	): Promise<void> {
		const at = now.toISOString();
		const action: LiveActionStatus = status === 'sent' ? 'done' : status === 'uncertain' ? 'uncertain' : 'failed';
		await this.db.transaction(function* (): Steps<void> {
			yield* run(SETTLE_ACTION, [action, detail ?? null, at, key]);
			yield* run(
				"UPDATE alert_queue SET status = ?, batch = CASE WHEN ? = 'pending' THEN NULL ELSE batch END, updated_at = ? WHERE batch = ? AND status IN ('sending', 'uncertain')",
				[status, status, at, key],
			);
		});
	}

	async alertsSentSince(subscriptionId: number, since: Date): Promise<number> {
		const r = await this.db.get<{ n: number | string }>(
			"SELECT COUNT(*) AS n FROM live_actions WHERE kind = 'alert' AND subscription_id = ? AND created_at >= ? AND status IN ('sending', 'wire', 'done', 'uncertain')",
			[subscriptionId, since.toISOString()],
		);
		// COUNT(*) is a bigint, text from PostgreSQL.
		return Number(r?.n ?? 0);
	}

	async claimAction(key: string, kind: 'edit' | 'reply', subscriptionId: number | undefined, now: Date): Promise<boolean> {
		const at = now.toISOString();
		return (await this.db.grouped(() => run(INSERT_ACTION, [key, kind, subscriptionId ?? null, at, at]))) > 0;
	}

	async settleAction(
		key: string,
		status: Exclude<LiveActionStatus, 'sending' | 'wire'>,
		detail: string | undefined,
		now: Date,
	): Promise<void> {
		await this.db.grouped(() => run(SETTLE_ACTION, [status, detail ?? null, now.toISOString(), key]));
	}

	async actionOnWire(key: string, now: Date): Promise<void> {
		await this.db.grouped(() =>
			run("UPDATE live_actions SET status = 'wire', updated_at = ? WHERE key = ? AND status = 'sending'", [now.toISOString(), key]),
		);
	}

	expireSending(olderThan: Date, now: Date): Promise<{ released: number; uncertain: number }> {
		const at = now.toISOString();
		const before = olderThan.toISOString();
		const sql = this.sql;
		return this.db.transaction(function* (): Steps<{ released: number; uncertain: number }> {
			// Never on the wire: released, to be claimed again (an alert batch's events are pending again).
			const unsent = yield* all<{ key: string; kind: string }>(
				"DELETE FROM live_actions WHERE status = 'sending' AND updated_at < ? RETURNING key, kind",
				[before],
			);
			const batches = unsent.filter((r) => r.kind === 'alert');
			if (batches.length) yield* run(sql.releaseBatches, [at, jsonRows(batches.map((r) => [r.key]))]);
			// On the wire: may have arrived, never redone.
			const wire = yield* all<{ key: string; kind: string }>(
				"UPDATE live_actions SET status = 'uncertain', detail = ?, updated_at = ? WHERE status = 'wire' AND updated_at < ? RETURNING key, kind",
				[ON_WIRE, at, before],
			);
			const wireBatches = wire.filter((r) => r.kind === 'alert');
			if (wireBatches.length) yield* run(sql.uncertainBatches, [at, jsonRows(wireBatches.map((r) => [r.key]))]);
			return { released: unsent.length, uncertain: wire.length };
		});
	}

	recordPushed(m: Omit<PushedMessage, 'id'>): Promise<number> {
		const json = replyJson(m.reply);
		const hash = replyHash(json);
		const sql = this.sql;
		return this.db.transaction(function* (): Steps<number> {
			yield* run(PUT_REPLY, [hash, json, m.pushedAt]);
			const row = yield* all<{ id: number }>(
				'INSERT INTO pushed_messages (platform, channel_id, subscription_id, kind, reply_hash, message_ids, pushed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
				[m.platform, m.channelId, m.subscriptionId ?? null, m.kind, hash, JSON.stringify(m.messageIds), m.pushedAt, m.pushedAt],
			);
			const id = row[0]!.id;
			const events = Object.entries(m.events);
			if (events.length) yield* run(sql.insertEvents, [id, jsonRows(events)]);
			return id;
		});
	}

	async updatePushed(id: number, reply: Reply, events: Readonly<Record<string, string>>, now: Date): Promise<void> {
		const json = replyJson(reply);
		const hash = replyHash(json);
		const at = now.toISOString();
		const entries = Object.entries(events);
		const sql = this.sql;
		await this.db.grouped(function* (): Steps<void> {
			yield* run(PUT_REPLY, [hash, json, at]);
			yield* run('UPDATE pushed_messages SET reply_hash = ?, updated_at = ? WHERE id = ?', [hash, at, id]);
			yield* run('DELETE FROM pushed_events WHERE message_id = ?', [id]);
			if (entries.length) yield* run(sql.insertEvents, [id, jsonRows(entries)]);
		});
	}

	async pushedShowing(eventIds: readonly string[], since: Date): Promise<PushedMessage[]> {
		if (!eventIds.length) return [];
		const rows = await this.db.all<PushedRow>(this.sql.pushedShowing, [since.toISOString(), jsonRows(eventIds.map((id) => [id]))]);
		if (!rows.length) return [];
		const events = new Map<number, Record<string, string>>();
		for (const e of await this.db.all<{ message_id: number; event_id: string; fingerprint: string }>(this.sql.eventsOf, [
			jsonRows(rows.map((r) => [r.id])),
		])) {
			let of = events.get(e.message_id);
			if (!of) events.set(e.message_id, (of = Object.create(null) as Record<string, string>));
			of[e.event_id] = e.fingerprint;
		}
		return rows.map((r) => pushedFromRow(r, events.get(r.id) ?? null));
	}

	async addJob(key: string, eventIds: readonly string[], now: Date): Promise<void> {
		const at = now.toISOString();
		await this.db.run(
			"INSERT INTO live_jobs (key, event_ids, status, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING",
			[key, JSON.stringify(eventIds), at, at],
		);
	}

	async pendingJobs(): Promise<{ key: string; eventIds: string[]; createdAt: string }[]> {
		return (
			await this.db.all<LiveJobRow>("SELECT key, event_ids, created_at FROM live_jobs WHERE status = 'pending' ORDER BY created_at")
		).map(liveJobFromRow);
	}

	async finishJob(key: string, now: Date): Promise<void> {
		await this.db.run("UPDATE live_jobs SET status = 'done', updated_at = ? WHERE key = ?", [now.toISOString(), key]);
	}

	prune(before: Date): Promise<number> {
		const at = before.toISOString();
		return this.db.transaction(function* (): Steps<number> {
			let n = yield* run('DELETE FROM pushed_events WHERE message_id IN (SELECT id FROM pushed_messages WHERE pushed_at < ?)', [at]);
			n += yield* run('DELETE FROM pushed_messages WHERE pushed_at < ?', [at]);
			n += yield* run('DELETE FROM pushed_replies WHERE created_at < ? AND hash NOT IN (SELECT reply_hash FROM pushed_messages)', [
				at,
			]);
			n += yield* run("DELETE FROM live_actions WHERE status NOT IN ('sending', 'wire') AND updated_at < ?", [at]);
			n += yield* run("DELETE FROM live_jobs WHERE status = 'done' AND updated_at < ?", [at]);
			return n;
		});
	}
}
