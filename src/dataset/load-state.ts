/**
 * What a load keeps while it reads the files: where every record is, which ids are taken, the checks
 * left for when every id is known, and the errors found so far. Only what validation needs: the
 * records themselves go to the sink as they validate.
 */
import { formatPath, type DatasetError } from './errors.js';
import { createFastValidator } from './fast-validate.js';
import { IdIndex } from './id-index.js';
import { Int32List } from './int-list.js';
import type { Places } from './load-files.js';
import type { Label, Outlet } from './model.js';
import type { LoadIds } from './record-sink.js';
import { PendingRefs } from './references.js';
import type { StoryInput } from './schema.js';

/**
 * Numbered pairs (a, b) where, within a run of pairs with the same a, b counts up by one: where each
 * record is (file, index in its list), where each claim is (event, index in its claims). Kept as
 * runs — one a file or an event, and one more after each record with a repeated id — not as two
 * numbers a pair.
 */
export class CountingPairs {
	/** Per run: its first pair's number, a, and b of its first pair. */
	readonly #start = new Int32List();
	readonly #a = new Int32List();
	readonly #b = new Int32List();
	#length = 0;
	#lastA = -1;
	#lastB = -1;

	get length(): number {
		return this.#length;
	}

	push(a: number, b: number): void {
		if (a !== this.#lastA || b !== this.#lastB + 1) {
			this.#start.push(this.#length);
			this.#a.push(a);
			this.#b.push(b);
		}
		this.#lastA = a;
		this.#lastB = b;
		this.#length++;
	}

	/** a of pair `n` (0 ≤ n < length). */
	a(n: number): number {
		return this.#a.at(this.#run(n));
	}

	/** b of pair `n`. */
	b(n: number): number {
		const run = this.#run(n);
		return this.#b.at(run) + n - this.#start.at(run);
	}

	/** The last run starting at or before pair `n`. */
	#run(n: number): number {
		let lo = 0;
		let hi = this.#start.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >>> 1;
			if (this.#start.at(mid) <= n) lo = mid;
			else hi = mid - 1;
		}
		return lo;
	}
}

/** The actor, source or event records of a load: where each is, and which ids are taken. */
export class Records {
	/** Id → record number (file order: every record but one with a repeated id), off the heap. */
	readonly known = new IdIndex();
	/** Per record number: file index and index in the file's list. */
	readonly places = new CountingPairs();
	/** Numbers of the records that failed validation, ascending (a dataset that loads has none). */
	readonly invalid = new Int32List();

	/** How many records are numbered. */
	get count(): number {
		return this.places.length;
	}

	fileOf(n: number): number {
		return this.places.a(n);
	}

	indexOf(n: number): number {
		return this.places.b(n);
	}
}

/** The kinds of record kept by number (many of them); the vocabulary's few are kept by id. */
export type RecordKind = 'actors' | 'sources' | 'events';

/** An accuracy rule an event broke, reported once every file is read (with its place). */
export interface AccuracyIssue {
	readonly event: number;
	readonly field: 'status' | 'tags';
	readonly message: string;
}

export class LoadState {
	readonly errors: DatasetError[] = [];
	readonly fast = createFastValidator();
	readonly stories: { value: StoryInput; file: number }[] = [];
	/** Every actor, source and event record but repeated ids, valid or not, numbered in file order. */
	readonly kinds: Record<RecordKind, Records> = { actors: new Records(), sources: new Records(), events: new Records() };
	/** Claims of valid events: id → number of its first occurrence, and where each is (event record, index). */
	readonly claimIds = new IdIndex();
	readonly claimPlaces = new CountingPairs();
	readonly claimDuplicates: { claim: number; first: number; id: string }[] = [];
	readonly accuracy: AccuracyIssue[] = [];
	/** Outlets and labels by id. */
	readonly vocabulary = {
		outlets: new Map<string, Outlet>(),
		topics: new Map<string, Label>(),
		tags: new Map<string, Label>(),
		roles: new Map<string, Label>(),
	};
	/** `<key>\0<id>` → where that outlet or label was defined (for a repeated id's message). */
	readonly vocabularyAt = new Map<string, string>();
	/** Sources that name an outlet not defined when they were read: record number and outlet id, checked at the end. */
	readonly outletRefs: { source: number; outlet: string }[] = [];
	/**
	 * References are checked on every record, valid or not, so that a bad date in an event does not
	 * hide its unknown actor. One defined by then is checked at once, while the record is at hand;
	 * the rest wait here, in order, until every id is known.
	 */
	readonly refs = new PendingRefs();

	constructor(
		/** The dataset's files, in load order (paths relative to its directory). */
		readonly files: readonly string[],
		readonly places: Places,
	) {}

	/** The id maps a sink shares: when the load succeeds, record numbers are list positions. */
	ids(): LoadIds {
		return {
			actors: this.kinds.actors.known,
			sources: this.kinds.sources.known,
			events: this.kinds.events.known,
			claims: this.claimIds,
		};
	}

	/** An error at a field of a record (actor or event number `n`, or the `n`th story record). */
	at(kind: 'actors' | 'events' | 'story', n: number, sub: readonly PropertyKey[], message: string): DatasetError {
		const fileIndex = kind === 'story' ? this.stories[n]!.file : this.kinds[kind].fileOf(n);
		const full = kind === 'story' ? ['story', ...sub] : [kind, this.kinds[kind].indexOf(n), ...sub];
		const { line, col } = this.places.locate(fileIndex, full);
		return { file: this.files[fileIndex]!, line, col, path: formatPath(full), message };
	}
}
