/**
 * The checks a load makes once every file is read, when every id is known: exactly one story, claim
 * ids unique across events, references to defined records, the accuracy rules, sources' outlets.
 */
import { formatPath } from './errors.js';
import type { LoadState, Records } from './load-state.js';
import { Ref, REF_PATH, REF_TARGET } from './references.js';
import { SLUG } from './schema.js';
import type { Slicer } from './slices.js';
import { closest } from './text.js';

/** Adds to `state.errors` whatever the whole dataset breaks. */
export async function crossCheck(state: LoadState, slicer: Slicer): Promise<void> {
	checkStory(state);
	checkClaimIds(state);
	await checkReferences(state, slicer);
	for (const a of state.accuracy) state.errors.push(state.at('events', a.event, [a.field], a.message));
	checkOutlets(state);
}

/** Story: exactly one. */
function checkStory(state: LoadState): void {
	const { stories, errors } = state;
	if (stories.length === 0 && errors.length === 0) {
		errors.push({
			file: 'story.yaml',
			line: 0,
			col: 0,
			path: 'story',
			message: 'no story record; add story.yaml with story: { title, summary, timezone, status }',
		});
	}
	for (let n = 1; n < stories.length; n++)
		errors.push(state.at('story', n, [], `a second story record; the first is in ${state.files[stories[0]!.file]!}`));
}

/** Claim ids are unique across all events. */
function checkClaimIds(state: LoadState): void {
	const { claimPlaces, files } = state;
	const events = state.kinds.events;
	for (const d of state.claimDuplicates) {
		const firstEvent = claimPlaces.a(d.first);
		const { line } = state.places.locate(events.fileOf(firstEvent), [
			'events',
			events.indexOf(firstEvent),
			'claims',
			claimPlaces.b(d.first),
			'id',
		]);
		state.errors.push(
			state.at(
				'events',
				claimPlaces.a(d.claim),
				['claims', claimPlaces.b(d.claim), 'id'],
				`duplicate claim id "${d.id}"; it is already used at ${files[events.fileOf(firstEvent)]!}:${line}`,
			),
		);
	}
}

/**
 * References not defined when their record was read. Only a miss costs more than a lookup: the
 * suggestions come from the valid records.
 */
async function checkReferences(state: LoadState, slicer: Slicer): Promise<void> {
	const { kinds, errors } = state;
	const validIds = { actor: lazyIds(kinds.actors), source: lazyIds(kinds.sources), event: lazyIds(kinds.events) };
	await state.refs.check(slicer, (r, n, k, id) => {
		const target = REF_TARGET[r];
		if (r === Ref.SelfAffiliation) errors.push(state.at('actors', n, ['affiliations', k], 'an actor cannot be affiliated with itself'));
		else if (r === Ref.SelfRelated) errors.push(state.at('events', n, ['related', k, 'event'], 'an event cannot be related to itself'));
		// Every valid record's id is among the known ones (a repeated id is never validated), so one
		// lookup answers both "is it defined" and "is it defined but broken".
		else if (!kinds[`${target}s`].known.has(id) && SLUG.test(id)) {
			const near = closest(id, validIds[target](), 1);
			errors.push(
				state.at(
					r === Ref.Affiliation ? 'actors' : 'events',
					n,
					REF_PATH[r]!(k),
					`unknown ${target} "${id}"${near.length ? `; did you mean "${near[0]!}"?` : `; define it in ${target}s.yaml`}`,
				),
			);
		}
	});
}

/** Sources name outlets that are defined. */
function checkOutlets(state: LoadState): void {
	const outlets = state.vocabulary.outlets;
	const sources = state.kinds.sources;
	for (const r of state.outletRefs) {
		if (outlets.has(r.outlet)) continue;
		const fileIndex = sources.fileOf(r.source);
		const full = ['sources', sources.indexOf(r.source), 'outlet'];
		const { line, col } = state.places.locate(fileIndex, full);
		const near = closest(r.outlet, [...outlets.keys()], 1);
		state.errors.push({
			file: state.files[fileIndex]!,
			line,
			col,
			path: formatPath(full),
			message: `unknown outlet "${r.outlet}"${near.length ? `; did you mean "${near[0]!}"?` : '; define it in outlets.yaml (outlets: - id, name, kind, note)'}`,
		});
	}
}

/**
 * The ids of the valid records, in file order, made at the first miss: the suggestions of "did you
 * mean". Worked out from the ids kept for validation, not from the records (a sink may not keep them).
 */
function lazyIds(records: Records): () => string[] {
	let ids: string[] | undefined;
	return () => {
		if (ids) return ids;
		const valid = new Uint8Array(records.count).fill(1);
		for (const n of records.invalid.view()) valid[n] = 0;
		ids = [];
		for (const [id, n] of records.known.entries()) if (valid[n]) ids.push(id);
		return ids;
	};
}
