/**
 * LiveStore on PostgreSQL (migration 8), the counterpart of SqliteLiveStore: claims are
 * INSERT … ON CONFLICT DO NOTHING and conditional UPDATEs in one transaction, so processes sharing
 * the database never both take one alert batch, edit or reply.
 */
import type { Pool } from 'pg';
import type { Reply } from '../../core/reply.js';
import type { LiveActionStatus, LiveStore, PushedMessage } from '../store.js';
import { liveJobFromRow, pushedFromRow, replyHash, replyJson, type LiveJobRow, type PushedRow } from '../rows.js';
import { rows, transaction } from './pg-util.js';


class LostRace extends Error {}

export class PgLiveStore implements LiveStore {
	constructor(private readonly pool: Pool) {}

	async enqueueAlerts(items: readonly { readonly subscriptionId: number; readonly eventId: string }[], now: Date): Promise<number> {
		if (!items.length) return 0;
		const r = await this.pool.query(
			`INSERT INTO alert_queue (subscription_id, event_id, status, queued_at, updated_at)
			 SELECT s, e, 'pending', $3, $3 FROM unnest($1::int[], $2::text[]) AS t(s, e) ON CONFLICT DO NOTHING`,
			[items.map((i) => i.subscriptionId), items.map((i) => i.eventId), now.toISOString()],
		);
		return r.rowCount ?? 0;
	}

	async pendingAlerts(): Promise<Map<number, string[]>> {
		const out = new Map<number, string[]>();
		for (const r of await rows<{ subscription_id: number; event_id: string }>(this.pool, "SELECT subscription_id, event_id FROM alert_queue WHERE status = 'pending' ORDER BY subscription_id, queued_at, event_id COLLATE \"C\"")) {
			let list = out.get(r.subscription_id);
			if (!list) out.set(r.subscription_id, (list = []));
			list.push(r.event_id);
		}
		return out;
	}

	async claimAlertBatch(key: string, subscriptionId: number, eventIds: readonly string[], now: Date): Promise<boolean> {
		const at = now.toISOString();
		try {
			return await transaction(this.pool, async (c) => {
				const ins = await c.query("INSERT INTO live_actions (key, kind, subscription_id, status, created_at, updated_at) VALUES ($1, 'alert', $2, 'sending', $3, $3) ON CONFLICT DO NOTHING", [key, subscriptionId, at]);
				if (!ins.rowCount) return false;
				const upd = await c.query("UPDATE alert_queue SET status = 'sending', batch = $1, updated_at = $2 WHERE subscription_id = $3 AND event_id = ANY($4::text[]) AND status = 'pending'", [key, at, subscriptionId, [...eventIds]]);
				if ((upd.rowCount ?? 0) !== eventIds.length) throw new LostRace();
				return true;
			});
		} catch (err) {
			if (err instanceof LostRace) return false;
			throw err;
		}
	}

	async settleAlertBatch(key: string, status: 'sent' | 'pending' | 'uncertain' | 'dropped', detail: string | undefined, now: Date): Promise<void> {
		const action: LiveActionStatus = status === 'sent' ? 'done' : status === 'uncertain' ? 'uncertain' : 'failed';
		await transaction(this.pool, async (c) => {
			await c.query("UPDATE live_actions SET status = $1, detail = $2, updated_at = $3 WHERE key = $4 AND status IN ('sending', 'wire', 'uncertain')", [action, detail ?? null, now.toISOString(), key]);
			await c.query("UPDATE alert_queue SET status = $1, batch = CASE WHEN $1 = 'pending' THEN NULL ELSE batch END, updated_at = $2 WHERE batch = $3 AND status IN ('sending', 'uncertain')", [status, now.toISOString(), key]);
		});
	}

	async alertsSentSince(subscriptionId: number, since: Date): Promise<number> {
		const r = await rows<{ n: number }>(this.pool, "SELECT COUNT(*)::int AS n FROM live_actions WHERE kind = 'alert' AND subscription_id = $1 AND created_at >= $2 AND status IN ('sending', 'wire', 'done', 'uncertain')", [subscriptionId, since.toISOString()]);
		return r[0]?.n ?? 0;
	}

	async claimAction(key: string, kind: 'edit' | 'reply', subscriptionId: number | undefined, now: Date): Promise<boolean> {
		const r = await this.pool.query("INSERT INTO live_actions (key, kind, subscription_id, status, created_at, updated_at) VALUES ($1, $2, $3, 'sending', $4, $4) ON CONFLICT DO NOTHING", [key, kind, subscriptionId ?? null, now.toISOString()]);
		return (r.rowCount ?? 0) > 0;
	}

	async settleAction(key: string, status: Exclude<LiveActionStatus, 'sending' | 'wire'>, detail: string | undefined, now: Date): Promise<void> {
		await this.pool.query("UPDATE live_actions SET status = $1, detail = $2, updated_at = $3 WHERE key = $4 AND status IN ('sending', 'wire', 'uncertain')", [status, detail ?? null, now.toISOString(), key]);
	}

	async actionOnWire(key: string, now: Date): Promise<void> {
		await this.pool.query("UPDATE live_actions SET status = 'wire', updated_at = $1 WHERE key = $2 AND status = 'sending'", [now.toISOString(), key]);
	}

	async expireSending(olderThan: Date, now: Date): Promise<{ released: number; uncertain: number }> {
		const at = now.toISOString();
		const before = olderThan.toISOString();
		return transaction(this.pool, async (c) => {
			const unsent = await rows<{ key: string; kind: string }>(c, "DELETE FROM live_actions WHERE status = 'sending' AND updated_at < $1 RETURNING key, kind", [before]);
			const batches = unsent.filter((r) => r.kind === 'alert').map((r) => r.key);
			if (batches.length) await c.query("UPDATE alert_queue SET status = 'pending', batch = NULL, updated_at = $1 WHERE batch = ANY($2::text[]) AND status = 'sending'", [at, batches]);
			const wire = await rows<{ key: string }>(c, "UPDATE live_actions SET status = 'uncertain', detail = 'the process stopped while its request was on the wire', updated_at = $1 WHERE status = 'wire' AND updated_at < $2 RETURNING key", [at, before]);
			if (wire.length) await c.query("UPDATE alert_queue SET status = 'uncertain', updated_at = $1 WHERE batch = ANY($2::text[]) AND status = 'sending'", [at, wire.map((r) => r.key)]);
			return { released: unsent.length, uncertain: wire.length };
		});
	}

	async recordPushed(m: Omit<PushedMessage, 'id'>): Promise<number> {
		const json = replyJson(m.reply);
		const hash = replyHash(json);
		return transaction(this.pool, async (c) => {
			await c.query('INSERT INTO pushed_replies (hash, reply, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [hash, json, m.pushedAt]);
			const r = await rows<{ id: number }>(
				c,
				'INSERT INTO pushed_messages (platform, channel_id, subscription_id, kind, reply_hash, message_ids, pushed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id',
				[m.platform, m.channelId, m.subscriptionId ?? null, m.kind, hash, JSON.stringify(m.messageIds), m.pushedAt],
			);
			const id = r[0]!.id;
			const entries = Object.entries(m.events);
			if (entries.length) await c.query('INSERT INTO pushed_events (message_id, event_id, fingerprint) SELECT $1, e, f FROM unnest($2::text[], $3::text[]) AS t(e, f)', [id, entries.map((e) => e[0]), entries.map((e) => e[1])]);
			return id;
		});
	}

	async updatePushed(id: number, reply: Reply, events: Readonly<Record<string, string>>, now: Date): Promise<void> {
		const json = replyJson(reply);
		const hash = replyHash(json);
		const entries = Object.entries(events);
		await transaction(this.pool, async (c) => {
			await c.query('INSERT INTO pushed_replies (hash, reply, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [hash, json, now.toISOString()]);
			await c.query('UPDATE pushed_messages SET reply_hash = $1, updated_at = $2 WHERE id = $3', [hash, now.toISOString(), id]);
			await c.query('DELETE FROM pushed_events WHERE message_id = $1', [id]);
			if (entries.length) await c.query('INSERT INTO pushed_events (message_id, event_id, fingerprint) SELECT $1, e, f FROM unnest($2::text[], $3::text[]) AS t(e, f)', [id, entries.map((e) => e[0]), entries.map((e) => e[1])]);
		});
	}

	async pushedShowing(eventIds: readonly string[], since: Date): Promise<PushedMessage[]> {
		if (!eventIds.length) return [];
		const r = await rows<PushedRow & { events: Record<string, string> | null }>(
			this.pool,
			`SELECT m.id, m.platform, m.channel_id, m.subscription_id, m.kind, r.reply, m.message_ids, m.pushed_at,
			        (SELECT jsonb_object_agg(e.event_id, e.fingerprint) FROM pushed_events e WHERE e.message_id = m.id) AS events
			 FROM pushed_messages m JOIN pushed_replies r ON r.hash = m.reply_hash
			 WHERE m.pushed_at >= $1 AND m.id IN (SELECT message_id FROM pushed_events WHERE event_id = ANY($2::text[])) ORDER BY m.id`,
			[since.toISOString(), [...eventIds]],
		);
		return r.map((x) => pushedFromRow(x, x.events));
	}

	async addJob(key: string, eventIds: readonly string[], now: Date): Promise<void> {
		await this.pool.query("INSERT INTO live_jobs (key, event_ids, status, created_at, updated_at) VALUES ($1, $2, 'pending', $3, $3) ON CONFLICT DO NOTHING", [key, JSON.stringify(eventIds), now.toISOString()]);
	}

	async pendingJobs(): Promise<{ key: string; eventIds: string[]; createdAt: string }[]> {
		return (await rows<LiveJobRow>(this.pool, "SELECT key, event_ids, created_at FROM live_jobs WHERE status = 'pending' ORDER BY created_at")).map(liveJobFromRow);
	}

	async finishJob(key: string, now: Date): Promise<void> {
		await this.pool.query("UPDATE live_jobs SET status = 'done', updated_at = $1 WHERE key = $2", [now.toISOString(), key]);
	}

	async prune(before: Date): Promise<number> {
		const at = before.toISOString();
		return transaction(this.pool, async (c) => {
			let n = (await c.query('DELETE FROM pushed_events WHERE message_id IN (SELECT id FROM pushed_messages WHERE pushed_at < $1)', [at])).rowCount ?? 0;
			n += (await c.query('DELETE FROM pushed_messages WHERE pushed_at < $1', [at])).rowCount ?? 0;
			n += (await c.query('DELETE FROM pushed_replies WHERE created_at < $1 AND hash NOT IN (SELECT reply_hash FROM pushed_messages)', [at])).rowCount ?? 0;
			n += (await c.query("DELETE FROM live_actions WHERE status NOT IN ('sending', 'wire') AND updated_at < $1", [at])).rowCount ?? 0;
			n += (await c.query("DELETE FROM live_jobs WHERE status = 'done' AND updated_at < $1", [at])).rowCount ?? 0;
			return n;
		});
	}
}
