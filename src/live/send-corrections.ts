/**
 * Corrections: for a reload's job, every pushed message that showed a changed or withdrawn event is
 * edited where the platform allows, and each chat gets one reply that says what changed. Each edit
 * and reply is claimed in the store before it is made.
 */
import type { SendOutcome } from '../core/delivery.js';
import { eventLine } from '../core/present.js';
import { heading, italic, para, type Block, type Reply } from '../core/reply.js';
import { parsePartialDate } from '../dataset/partial-date.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { createTranslator } from '../i18n/translator.js';
import { localDateAt } from '../scheduler/zoned-time.js';
import type { PushedMessage } from '../store/store.js';
import { correctReply, MARK } from './correct-reply.js';
import { CLAIMS, GONE, hash, languageOf, pool, safe, type LiveContext, type LiveReport } from './live-context.js';

/** One correction job as its chats are worked on: what changed, in which view, and what the chats share. */
interface CorrectionRun {
	readonly jobKey: string;
	readonly ids: readonly string[];
	readonly claimsChanged: ReadonlySet<string>;
	readonly dataset: DatasetSnapshot;
	/** The fingerprint of an event's version now (DatasetSnapshot.eventFingerprint), read event by event. */
	readonly fps: (id: string) => string | undefined;
	readonly report: LiveReport;
	/** Chats that were sent the same message get the same corrected one: made once, rendered once. */
	readonly shared: Map<string, unknown>;
}

/** Corrects what one job's events touched: the pushed messages that showed them, chat by chat. */
export async function correctJob(
	ctx: LiveContext,
	job: { key: string; eventIds: string[]; createdAt: string },
	report: LiveReport,
): Promise<void> {
	const dataset = ctx.o.dataset();
	const fps = (id: string) => dataset.eventFingerprint(id);
	const ids = job.eventIds.filter((id) => !id.startsWith(CLAIMS));
	const claimsChanged = new Set(job.eventIds.filter((id) => id.startsWith(CLAIMS)).map((id) => id.slice(1)));
	// Messages pushed after the reload already showed its versions.
	const messages = (await ctx.o.store.pushedShowing(ids, new Date(ctx.o.clock().getTime() - ctx.windowMs))).filter(
		(m) => m.pushedAt <= job.createdAt,
	);
	const byChat = new Map<string, PushedMessage[]>();
	for (const m of messages) {
		const k = `${m.platform}\n${m.channelId}`;
		let list = byChat.get(k);
		if (!list) byChat.set(k, (list = []));
		list.push(m);
	}
	const run: CorrectionRun = { jobKey: job.key, ids, claimsChanged, dataset, fps, report, shared: new Map() };
	await pool(
		[...byChat.values()].map((list) => () => correctChat(ctx, run, list)),
		ctx.concurrency,
	);
}

/** Edits one chat's messages that showed the job's events and sends the chat one reply about them. */
async function correctChat(ctx: LiveContext, run: CorrectionRun, messages: readonly PushedMessage[]): Promise<void> {
	const { jobKey, ids, claimsChanged, dataset, fps, report, shared } = run;
	const once = <T>(key: string, make: () => T): T => {
		if (!shared.has(key)) shared.set(key, make());
		return shared.get(key) as T;
	};
	const first = messages[0]!;
	const sender = ctx.o.senders.get(first.platform);
	if (!sender) return;
	const sub = first.subscriptionId !== undefined ? await ctx.o.subscriptions.getById(first.subscriptionId) : undefined;
	const locale = sub ? await languageOf(ctx, sub) : (first.reply.locale ?? undefined);
	const i18n = createTranslator(locale ?? 'en');
	const now = ctx.o.clock();
	const day = i18n.date(parsePartialDateOrToday(localDateAt(now, dataset.story.timezone)));
	const forReply = new Map<string, { substance: boolean; note: string; withdrawn: boolean; title: string; to: string }>();
	for (const m of messages) {
		const relevant = ids.filter((id) => id in m.events);
		const changed = new Set(relevant.filter((id) => m.events[id] !== (fps(id) ?? GONE)));
		// Corrected by an earlier attempt of this job that a stopped process left before its reply:
		// the reply still says so, in the words of the mark the message now carries.
		for (const id of relevant) {
			if (changed.has(id)) continue;
			const note = markOf(m.reply, id);
			if (note) forReply.set(id, { ...note, title: note.withdrawn ? note.title : '', to: m.messageIds[0] ?? '' });
		}
		if (!changed.size) continue;
		const replyKey0 = `${JSON.stringify(m.reply)}\n${[...changed].sort().join(',')}`;
		const { original, corrected } = once(replyKey0, () => ({
			original: m.reply,
			corrected: correctReply(m.reply, dataset, changed, claimsChanged, day, createTranslator(m.reply.locale ?? 'en')),
		}));
		const newEvents: Record<string, string> = {};
		// A withdrawn event stays listed (as gone), so a restarted run knows its line is done.
		for (const [id, fp] of Object.entries(m.events)) newEvents[id] = changed.has(id) ? (fps(id) ?? GONE) : fp;
		const versionKey = hash(
			[...changed]
				.sort()
				.map((id) => `${id}@${fps(id) ?? 'gone'}`)
				.join(','),
		);
		const editKey = `edit:${m.id}:${versionKey}`;
		let edited = false;
		if (sender.edit && (await ctx.o.store.claimAction(editKey, 'edit', m.subscriptionId, now))) {
			const outcome = await safe(
				() =>
					sender.edit!(m.channelId, m.messageIds, original, corrected.reply, () =>
						ctx.o.store.actionOnWire(editKey, ctx.o.clock()),
					),
				(reason) => ({ kind: 'transient' as const, reason, uncertain: true }),
			);
			const at = ctx.o.clock();
			if (outcome.kind === 'edited') {
				edited = true;
				report.edited++;
				await ctx.o.store.settleAction(editKey, 'done', undefined, at);
				await ctx.o.store.updatePushed(m.id, corrected.reply, newEvents, at);
			} else {
				report.editRefused++;
				const reason = outcome.kind === 'layout' ? 'the corrected message would not fit the parts it was sent in' : outcome.reason;
				await ctx.o.store.settleAction(
					editKey,
					outcome.kind === 'transient' && outcome.uncertain ? 'uncertain' : 'failed',
					reason,
					at,
				);
				// Not retried: the reply below carries the correction instead.
				await ctx.o.store.updatePushed(m.id, m.reply, newEvents, at);
				ctx.o.logger.info(
					{ platform: m.platform, channel: m.channelId, message: m.messageIds[0], reason },
					'Correction edit not possible; the chat gets the reply',
				);
			}
		}
		for (const c of corrected.corrections) {
			if (!(c.substance || !edited)) continue;
			const e = dataset.event(c.eventId);
			const was = m.reply.blocks.find((b): b is Extract<Block, { kind: 'event' }> => b.kind === 'event' && b.id === c.eventId);
			forReply.set(c.eventId, {
				substance: c.substance,
				note: c.note,
				withdrawn: c.withdrawn,
				title: e ? '' : `${was?.date ?? ''} · ${was?.title ?? c.eventId}`,
				to: m.messageIds[0] ?? '',
			});
		}
	}
	if (!forReply.size) return;
	// One reply per chat per reload, answering the latest message that showed a corrected event.
	const replyKey = `reply:${first.platform}:${first.channelId}:${jobKey}`;
	if (!(await ctx.o.store.claimAction(replyKey, 'reply', first.subscriptionId, now))) return;
	const blocks: Block[] = [heading(i18n.t('live.reply.title', { n: forReply.size }))];
	for (const [id, r] of forReply) {
		const e = dataset.event(id);
		if (e) blocks.push(eventLine(dataset, e, i18n));
		else blocks.push(para(r.title));
		blocks.push(para(italic(`${MARK} ${r.note}`)));
	}
	const reply = once(`reply\n${i18n.locale}\n${JSON.stringify(blocks)}`, (): Reply => ({
		blocks,
		...(i18n.locale !== 'en' ? { locale: i18n.locale } : {}),
	}));
	const to = [...forReply.values()].at(-1)!.to;
	const outcome: SendOutcome = await safe(() =>
		sender.sendReply
			? sender.sendReply(first.channelId, to, reply, () => ctx.o.store.actionOnWire(replyKey, ctx.o.clock()))
			: sender.send(first.channelId, reply, { onWire: () => ctx.o.store.actionOnWire(replyKey, ctx.o.clock()) }),
	);
	const at = ctx.o.clock();
	if (outcome.kind === 'sent') report.replies++;
	await ctx.o.store.settleAction(
		replyKey,
		outcome.kind === 'sent' ? 'done' : outcome.kind === 'transient' && outcome.uncertain ? 'uncertain' : 'failed',
		outcome.kind === 'sent' ? undefined : 'reason' in outcome ? outcome.reason : 'the chat moved',
		at,
	);
}

/** The correction mark a corrected reply carries for an event, if any (see correct-reply.ts). */
function markOf(reply: Reply, id: string): { substance: boolean; note: string; withdrawn: boolean; title: string } | undefined {
	const blocks = reply.blocks;
	for (let i = 0; i < blocks.length; i++) {
		const b = blocks[i]!;
		if (b.kind === 'event' && b.id === id) {
			const next = blocks[i + 1];
			const text = next?.kind === 'paragraph' ? (next.spans[0]?.text ?? '') : '';
			return text.startsWith(MARK)
				? { substance: true, note: text.slice(MARK.length).trim(), withdrawn: false, title: '' }
				: undefined;
		}
	}
	return undefined;
}

function parsePartialDateOrToday(text: string) {
	const r = parsePartialDate(text);
	if (!r.ok) throw new Error(`not a date: ${text}`);
	return r.value;
}
