/**
 * The loader's reference checks: every id an actor or event record names, checked against the ids
 * defined anywhere in the dataset.
 */
import { IdIndex, type IdLookup } from './id-index.js';
import { ByteList } from './int-list.js';
import type { Slicer } from './slices.js';

/** Kinds of reference, in the order their errors are listed for one record. */
export const Ref = {
	Affiliation: 0,
	SelfAffiliation: 1,
	Actor: 2,
	Source: 3,
	Related: 4,
	SelfRelated: 5,
	ClaimBy: 6,
	ClaimSource: 7,
} as const;
export type Ref = (typeof Ref)[keyof typeof Ref];

export const REF_TARGET = ['actor', 'actor', 'actor', 'source', 'event', 'event', 'actor', 'source'] as const;
export const REF_PATH: readonly ((k: number) => PropertyKey[])[] = [
	(k) => ['affiliations', k],
	(k) => ['affiliations', k],
	(k) => ['actors', k, 'actor'],
	(k) => ['sources', k],
	(k) => ['related', k, 'event'],
	(k) => ['related', k, 'event'],
	(k) => ['claims', k, 'by'],
	(k) => ['claims', k, 'source'],
];

/**
 * References left to check once every id is known, in the order their errors would be listed. A
 * dataset whose sources come after its events leaves nearly every source reference here — two or
 * three for each event — so each is kept in a few bytes: a stream of three variable-length numbers
 * (the record's distance from the previous reference's record, the index and kind together, and the
 * id's number among the distinct ids named, each id kept once).
 */
export class PendingRefs {
	private readonly stream = new ByteList();
	private count = 0;
	private lastRecord = 0;
	/** The distinct ids named, numbered in the order first named. */
	private readonly ids = new IdIndex();

	/**
	 * A reference from record `n` (its `k`th of this kind) to `id`: fine at once when `known` has it,
	 * an error when it is the record's own id (`self`), else left for {@link check}.
	 */
	ref(kind: Ref, n: number, k: number, id: string, self: string | undefined, known: IdLookup): void {
		if (self !== undefined && id === self) this.add(kind === Ref.Affiliation ? Ref.SelfAffiliation : Ref.SelfRelated, n, k, id);
		else if (!known.has(id)) this.add(kind, n, k, id);
	}

	/** An actor that failed validation: its references as written, all checked at the end. */
	actorRaw(n: number, raw: unknown): void {
		const v = raw as { id?: unknown; affiliations?: unknown };
		for (const [id, k] of strings(v.affiliations)) this.add(id === v.id ? Ref.SelfAffiliation : Ref.Affiliation, n, k, id);
	}

	/** An event that failed validation: its references as written, all checked at the end. */
	eventRaw(n: number, raw: unknown): void {
		const v = raw as { id?: unknown; actors?: unknown; sources?: unknown; related?: unknown; claims?: unknown };
		for (const [id, k] of fieldStrings(v.actors, 'actor')) this.add(Ref.Actor, n, k, id);
		for (const [id, k] of strings(v.sources)) this.add(Ref.Source, n, k, id);
		for (const [id, k] of fieldStrings(v.related, 'event')) this.add(id === v.id ? Ref.SelfRelated : Ref.Related, n, k, id);
		for (const [id, k] of fieldStrings(v.claims, 'by')) this.add(Ref.ClaimBy, n, k, id);
		for (const [id, k] of fieldStrings(v.claims, 'source')) this.add(Ref.ClaimSource, n, k, id);
	}

	/** Calls `check` for each, actors' before events', each kind's in record order. */
	async check(slicer: Slicer, check: (kind: Ref, n: number, k: number, id: string) => void): Promise<void> {
		const { stream } = this;
		for (const actors of [true, false]) {
			let record = 0;
			for (let p = 0, at = 0; p < this.count; p++) {
				const step = stream.numberAt(at);
				const place = stream.numberAt(step.next);
				const id = stream.numberAt(place.next);
				at = id.next;
				// Zigzag: actors' numbers and events' start again from 0, so a step may go back.
				record += step.value % 2 ? -(step.value + 1) / 2 : step.value / 2;
				const kind = (place.value % 8) as Ref;
				if ((kind === Ref.Affiliation || kind === Ref.SelfAffiliation) !== actors) continue;
				check(kind, record, Math.floor(place.value / 8), this.ids.idAt(id.value));
				if ((p & 1023) === 1023) await slicer.maybeYield();
			}
		}
	}

	private add(kind: Ref, n: number, k: number, id: string): void {
		const next = this.ids.size;
		const number = this.ids.getOrAdd(id, next) ?? next;
		const step = n - this.lastRecord;
		this.lastRecord = n;
		this.stream.pushNumber(step < 0 ? -step * 2 - 1 : step * 2);
		this.stream.pushNumber(k * 8 + kind);
		this.stream.pushNumber(number);
		this.count++;
	}
}

/** The string items of a list, with their indexes; anything else is the schema's to report. */
function strings(list: unknown): [string, number][] {
	return Array.isArray(list) ? list.flatMap((x, i): [string, number][] => (typeof x === 'string' ? [[x, i]] : [])) : [];
}

/** `field` of each map in a list, where it is a string. */
function fieldStrings(list: unknown, field: string): [string, number][] {
	if (!Array.isArray(list)) return [];
	return list.flatMap((x, i): [string, number][] => {
		const v = x && typeof x === 'object' ? (x as Record<string, unknown>)[field] : undefined;
		return typeof v === 'string' ? [[v, i]] : [];
	});
}
