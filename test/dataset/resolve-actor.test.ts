/**
 * DatasetSnapshot.resolveActor over the name keys: an id, a full name, an alias, a word of a name
 * that one or several actors share (each actor once, however many of its names hold the word), a
 * near-miss spelling, and nothing close. Also a word that thousands of names share, which resolves to
 * each of them once.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, Story } from '../../src/dataset/model.js';
import { DatasetSnapshot } from '../../src/dataset/snapshot.js';

const story: Story = { title: 'T', summary: 'S', timezone: 'UTC', status: 'developing', languages: ['en'] };

function actor(id: string, name: string, aliases: string[] = [], names: Record<string, string> = {}): Actor {
	return { id, name, aliases, type: 'government_body', description: '', affiliations: [], names, descriptions: {} };
}

function snapshot(actors: Actor[]): DatasetSnapshot {
	return DatasetSnapshot.fromRecords(story, actors, [], [], [], 'v', '2025-07-01T00:00:00Z');
}

const s = snapshot([
	actor('mfa-russia', 'Russian Foreign Ministry', ['Ministry of Foreign Affairs of Russia', 'MID'], { ru: 'МИД России' }),
	actor('mfa-azerbaijan', 'Azerbaijani Foreign Ministry', ['Ministry of Foreign Affairs of Azerbaijan']),
	actor('ministry-of-culture', 'Azerbaijani Ministry of Culture'),
	actor('ilham-aliyev', 'Ilham Aliyev', ['Aliyev']),
]);

const ids = (m: ReturnType<DatasetSnapshot['resolveActor']>): string[] =>
	m.kind === 'found' ? [m.actor.id] : m.kind === 'ambiguous' ? m.candidates.map((a) => a.id) : m.suggestions.map((a) => `?${a.id}`);

describe('resolveActor', () => {
	it('finds an actor by id, full name, alias and name in another script', () => {
		expect(s.resolveActor('ilham-aliyev')).toMatchObject({ kind: 'found', via: 'id' });
		expect(s.resolveActor('Ilham Aliyev')).toMatchObject({ kind: 'found', via: 'name', actor: { id: 'ilham-aliyev' } });
		expect(s.resolveActor('MID')).toMatchObject({ kind: 'found', via: 'alias', actor: { id: 'mfa-russia' } });
		expect(s.resolveActor('МИД России')).toMatchObject({ kind: 'found', actor: { id: 'mfa-russia' } });
		expect(ids(s.resolveActor('aliyev'))).toEqual(['ilham-aliyev']);
	});

	it('lists every actor sharing a word once each, by name, even when several of its names hold it', () => {
		// "ministry" is in the name and the alias of both foreign ministries.
		expect(s.resolveActor('ministry')).toEqual({
			kind: 'ambiguous',
			candidates: [s.actor('mfa-azerbaijan'), s.actor('ministry-of-culture'), s.actor('mfa-russia')],
		});
		expect(ids(s.resolveActor('foreign'))).toEqual(['mfa-azerbaijan', 'mfa-russia']);
	});

	it('takes a near-miss spelling, and suggests when nothing is close', () => {
		expect(s.resolveActor('Ilham Aliev')).toMatchObject({ kind: 'found', via: 'spelling', actor: { id: 'ilham-aliyev' } });
		expect(s.resolveActor('zzzzzz')).toMatchObject({ kind: 'none' });
	});

	it('resolves a word 5,000 names share to all of them', () => {
		const many = Array.from({ length: 5000 }, (_, i) => actor(`group-${i}`, `Group ${i}`, [`The Group ${i}`]));
		const t = snapshot(many);
		const m = t.resolveActor('group');
		expect(m.kind).toBe('ambiguous');
		expect(m.kind === 'ambiguous' && m.candidates.length).toBe(5000);
		expect(m.kind === 'ambiguous' && new Set(m.candidates.map((a) => a.id)).size).toBe(5000);
	});
});
