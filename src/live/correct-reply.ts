/**
 * A pushed message, corrected: each line of an event that changed is replaced by its current
 * version with a visible mark ("✎ corrected 2 Jul: date was 1 Jul"), and the line of an event the
 * editors removed is struck through with "withdrawn by the editors". Pure: the same stored reply and
 * snapshot give the same words, so an edit can be compared, keyed and repeated safely.
 */
import { eventLine } from '../core/present.js';
import { italic, para, strike, type Block, type Reply, type Span } from '../core/reply.js';
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Translator } from '../i18n/translator.js';

/** The first character of every correction mark: how an earlier mark is found and replaced. */
export const MARK = '✎';

/** What became of one event a message showed. */
export interface EventCorrection {
	readonly eventId: string;
	/** Removed from what readers see (deleted, made a draft, or put under embargo again). */
	readonly withdrawn: boolean;
	/** A change readers must notice: date, status, title or a claim (or a withdrawal). */
	readonly substance: boolean;
	/** The mark shown under the line, without the leading {@link MARK}. */
	readonly note: string;
}

export interface CorrectedReply {
	readonly reply: Reply;
	readonly corrections: readonly EventCorrection[];
}

/**
 * Corrects `reply` (as stored when it was pushed) for the events in `changed` (ids whose version
 * differs from the one shown, or that are gone from `dataset`). `claimsChanged` says which events'
 * claims differ; `day` is the correction's date as readers see it.
 */
export function correctReply(
	reply: Reply,
	dataset: DatasetSnapshot,
	changed: ReadonlySet<string>,
	claimsChanged: ReadonlySet<string>,
	day: string,
	i18n: Translator,
): CorrectedReply {
	const out: Block[] = [];
	const corrections = new Map<string, EventCorrection>();
	const blocks = reply.blocks;
	for (let i = 0; i < blocks.length; i++) {
		const b = blocks[i]!;
		if (b.kind === 'event' && changed.has(b.id)) {
			const now = dataset.event(b.id);
			// An earlier mark under this line gives way to the new one.
			if (isMark(blocks[i + 1])) i++;
			if (!now) {
				const note = i18n.t('live.withdrawn');
				out.push(para(strike(`${b.date} · ${b.title}`), italic(` — ${MARK} ${note}`)));
				corrections.set(b.id, { eventId: b.id, withdrawn: true, substance: true, note });
				continue;
			}
			const line = eventLine(dataset, now, i18n) as Extract<Block, { kind: 'event' }>;
			const c = describeChange(b, line, now, claimsChanged.has(b.id), day, i18n);
			out.push(line, para(italic(`${MARK} ${c.note}`)));
			corrections.set(b.id, c);
			continue;
		}
		if (b.kind === 'claim' && b.eventId !== undefined && changed.has(b.eventId) && !dataset.event(b.eventId)) {
			out.push({ ...b, spans: b.spans.map((s): Span => ({ ...s, mark: 'strike' })) });
			continue;
		}
		out.push(b);
	}
	// An event the message showed only through a claim (no line of its own) is corrected by the reply.
	for (const id of changed) {
		if (corrections.has(id)) continue;
		const now = dataset.event(id);
		corrections.set(
			id,
			now
				? {
						eventId: id,
						withdrawn: false,
						substance: claimsChanged.has(id),
						note: i18n.t('live.corrected', { date: day, changes: i18n.t('live.change.details') }),
					}
				: { eventId: id, withdrawn: true, substance: true, note: i18n.t('live.withdrawn') },
		);
	}
	return { reply: { ...reply, blocks: out }, corrections: [...corrections.values()] };
}

function isMark(b: Block | undefined): boolean {
	return b?.kind === 'paragraph' && (b.spans[0]?.text.startsWith(MARK) ?? false);
}

function describeChange(
	was: Extract<Block, { kind: 'event' }>,
	now: Extract<Block, { kind: 'event' }>,
	event: StoryEvent,
	claimsChanged: boolean,
	day: string,
	i18n: Translator,
): EventCorrection {
	const parts: string[] = [];
	if (was.date !== now.date) parts.push(i18n.t('live.change.date', { old: was.date }));
	if (was.title !== now.title) parts.push(i18n.t('live.change.title', { old: was.title }));
	if (was.status !== now.status) parts.push(i18n.t('live.change.status', { old: i18n.t(`status.${was.status}`) }));
	const substance = parts.length > 0 || claimsChanged;
	if (claimsChanged) parts.push(i18n.t('live.change.claims'));
	if (!parts.length) parts.push(i18n.t('live.change.details'));
	return {
		eventId: event.id,
		withdrawn: false,
		substance,
		note: i18n.t('live.corrected', { date: day, changes: i18n.list(parts, 'semicolon') }),
	};
}
