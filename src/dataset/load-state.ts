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

/** The actor, source or event records of a load: where each is, and which ids are taken. */
export class Records {
	/** Id → record number (file order), off the heap. */
	readonly known = new IdIndex();
	/** Per record number: file index and index in the file's list. */
	readonly file = new Int32List();
	readonly index = new Int32List();
	/** Numbers of the records that passed validation, ascending. */
	readonly valid = new Int32List();
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
	readonly claimEvent = new Int32List();
	readonly claimIndex = new Int32List();
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
	/** Sources that name an outlet: record number and outlet id, checked once every outlet is known. */
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
		const fileIndex = kind === 'story' ? this.stories[n]!.file : this.kinds[kind].file.at(n);
		const full = kind === 'story' ? ['story', ...sub] : [kind, this.kinds[kind].index.at(n), ...sub];
		const { line, col } = this.places.locate(fileIndex, full);
		return { file: this.files[fileIndex]!, line, col, path: formatPath(full), message };
	}
}
