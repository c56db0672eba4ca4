/**
 * The "compose once" step of a scheduler tick (tick.ts): what the due briefings depend on is read
 * once per tick (the dataset, each channel's previous delivery, channel languages), and each
 * distinct briefing is composed on first use and shared by every subscriber with the same key.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Briefing, BriefingRequest, UpdatedSince } from '../briefing/compose-briefing.js';
import type { VersionTimes } from '../briefing/version-times.js';
import { toError } from '../core/errors.js';
import { webPathFor, withWebLinks } from '../core/web-links.js';
import { dayNumber } from '../dataset/partial-date.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Locale } from '../i18n/locale.js';
import { createTranslator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import { type DeliveryLedger, type EventVersionStore, type SubscriptionStore } from '../store/store.js';
import type { Occurrence } from './due-occurrences.js';
import { parseLocalDate } from './zoned-time.js';

/** What composing a tick's briefings needs from the tick runner. */
export interface ComposeInputs {
	/** The tick's instant: the live snapshot's event versions are recorded as first seen then. */
	readonly now: Date;
	readonly log: Logger;
	readonly compose: (dataset: DatasetSnapshot, request: BriefingRequest) => Briefing;
	readonly ledger: Pick<DeliveryLedger, 'lastSent'>;
	readonly store: SubscriptionStore;
	readonly eventVersions?: EventVersionStore | undefined;
	readonly publicUrl?: string | undefined;
}

/** What the "Updated since your last briefing" section of each occurrence starts from. */
interface Updates {
	readonly since: Map<Occurrence, string>;
	readonly times: VersionTimes;
}

/** One tick's briefings: each distinct one is composed once, on first use, and shared by its subscribers. */
export interface Briefings {
	readonly inputs: ComposeInputs;
	readonly dataset: DatasetSnapshot;
	readonly updates: Updates | undefined;
	/** Channel languages of subscriptions that pin none themselves. */
	readonly channelLanguages: ReadonlyMap<number, Locale>;
	/** By briefingKey; its size is the number of distinct briefings composed. */
	readonly composed: Map<string, Briefing>;
}

/** Reads what composing depends on (dataset, previous deliveries, channel languages); composes nothing yet. */
export async function prepareBriefings(inputs: ComposeInputs, dataset: DatasetSnapshot, work: readonly Occurrence[]): Promise<Briefings> {
	const updates = inputs.eventVersions ? await updatesSince(inputs, inputs.eventVersions, dataset, work) : undefined;
	return { inputs, dataset, updates, channelLanguages: await channelLanguagesOf(inputs, work), composed: new Map() };
}

/** Subscribers of one briefing go out together, so each composition is used while it is fresh. */
export function orderByBriefing(work: Occurrence[], briefings: Briefings): Occurrence[] {
	const order = new Map(work.map((o) => [o, keyOf(briefings, o)]));
	return work.sort((a, b) => {
		const ka = order.get(a)!;
		const kb = order.get(b)!;
		return ka < kb ? -1 : ka > kb ? 1 : a.subscription.id - b.subscription.id;
	});
}

/** The occurrence's briefing, composed on the first call for its key. Throws when composition fails. */
export function composeOnce(briefings: Briefings, o: Occurrence): Briefing {
	const k = keyOf(briefings, o);
	const cached = briefings.composed.get(k);
	if (cached) return cached;
	const d = parseLocalDate(o.localDate);
	const sub = o.subscription;
	const at = briefings.updates?.since.get(o);
	const u: UpdatedSince | undefined = briefings.updates && at !== undefined ? { at, times: briefings.updates.times } : undefined;
	const locale = languageOf(briefings, o);
	let b = briefings.inputs.compose(briefings.dataset, {
		day: dayNumber(d.year, d.month, d.day),
		...(sub.actorId ? { actorId: sub.actorId } : {}),
		...(sub.tag ? { tag: sub.tag } : {}),
		...(u ? { updatedSince: u } : {}),
		...(locale ? { locale } : {}),
	});
	const publicUrl = briefings.inputs.publicUrl;
	if (publicUrl) {
		const path = webPathFor('briefing', { date: o.localDate, actor: sub.actorId, tag: sub.tag }, locale);
		b = { ...b, reply: withWebLinks(b.reply, publicUrl, path, createTranslator(locale)) };
	}
	briefings.composed.set(k, b);
	return b;
}

/** A subscription's pinned language, else its channel's (/language), else English (undefined). */
function languageOf(briefings: Briefings, o: Occurrence): Locale | undefined {
	return o.subscription.language ?? briefings.channelLanguages.get(o.subscription.id);
}

function keyOf(briefings: Briefings, o: Occurrence): string {
	return briefingKey(o, briefings.dataset.version, briefings.updates?.since.get(o), languageOf(briefings, o));
}

/**
 * What makes two briefings identical. The zone is part of it as the design specifies, so that showing
 * local times in a briefing later cannot make subscribers in different zones share one.
 * `updatedSince` is the (reduced) previous-delivery instant its "Updated since" section starts from;
 * `language` is the one it is composed in: the subscription's pin, else its channel's, else English.
 */
export function briefingKey(
	o: Occurrence,
	datasetVersion: string,
	updatedSince?: string,
	language: Locale | undefined = o.subscription.language,
): string {
	const s = o.subscription;
	return `${o.localDate}|${s.timezone}|${s.actorId ?? ''}|${s.tag ?? ''}|${datasetVersion}|${updatedSince ?? ''}|${language ?? 'en'}`;
}

/**
 * The "updated since" instant of each occurrence, reduced to the latest recorded first-seen time
 * not after it: that is all the section depends on, so subscribers whose previous briefings went
 * out at slightly different moments still share one composition.
 */
async function updatesSince(
	inputs: ComposeInputs,
	store: EventVersionStore,
	ds: DatasetSnapshot,
	occurrences: readonly Occurrence[],
): Promise<Updates | undefined> {
	try {
		await store.recordSnapshot(ds, inputs.now);
		const times = await store.versionTimes(ds);
		const tracking = times.trackingSince;
		if (tracking === undefined) return undefined;
		const marks = times.marks;
		const since = new Map<Occurrence, string>();
		for (let i = 0; i < occurrences.length; i++) {
			const o = occurrences[i]!;
			const prev = await inputs.ledger.lastSent(o.subscription.id, o.localDate);
			// A first briefing has nothing to compare with. A delivery from before recording began
			// compares with its start: what was there then is not known to be news.
			if (prev !== undefined) since.set(o, latestAtOrBefore(marks, prev < tracking ? tracking : prev));
			if (i % 1000 === 999) await yieldToLoop();
		}
		return { since, times };
	} catch (err) {
		inputs.log.error({ err: toError(err) }, 'Event versions unavailable; briefings go out without "Updated since your last briefing"');
		return undefined;
	}
}

/** Channel languages of the due subscriptions that pin none themselves (stores that keep them). */
async function channelLanguagesOf(inputs: ComposeInputs, occurrences: readonly Occurrence[]): Promise<Map<number, Locale>> {
	const out = new Map<number, Locale>();
	const store = inputs.store;
	try {
		for (let i = 0; i < occurrences.length; i++) {
			const o = occurrences[i]!;
			if (i % 1000 === 999) await yieldToLoop();
			if (o.subscription.language) continue;
			const l = await store.channelLanguage(o.subscription.platform, o.subscription.channelId);
			if (l) out.set(o.subscription.id, l);
		}
	} catch (err) {
		inputs.log.error({ err: toError(err) }, "Channel languages unavailable; briefings go out in their subscriptions' languages");
	}
	return out;
}

/** The greatest of the sorted `marks` that is ≤ `at`; `marks[0]` when none is (callers keep `at` ≥ marks[0]). */
function latestAtOrBefore(marks: readonly string[], at: string): string {
	let lo = 0;
	let hi = marks.length - 1;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (marks[mid]! <= at) lo = mid;
		else hi = mid - 1;
	}
	return marks[lo] ?? at;
}
