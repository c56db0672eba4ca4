/**
 * fold() and the tokens made from it: each spelling and script variant a reader or an editor may
 * type folds to one form, and the same in indexed text and in a query (both go through fold).
 */
import { describe, expect, it } from 'vitest';
import { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { event } from '../scheduler/helpers/fixtures.js';
import { fold, indexTokens, STOP_WORDS, tokenize } from '../../src/dataset/text.js';

/** Each pair folds alike; and a document holding one is found by a query holding the other. */
const PAIRS: readonly (readonly [string, string, string])[] = [
	['Azerbaijani schwa ə/e', 'Səfərov', 'Seferov'],
	['dotless ı/i', 'Bakı', 'Baki'],
	['dotted İ/i', 'İlham', 'ilham'],
	['ё/е', 'Королёв', 'Королев'],
	['Latin diacritics', 'Peseschkián', 'peseschkian'],
	['Arabic yeh / Persian yeh', 'پزشكيان', 'پزشکیان'],
	['Arabic kaf / Persian keheh', 'كرملين', 'کرملين'],
	['alef maksura / Persian yeh', 'مصطفى', 'مصطفی'],
	['teh marbuta / heh', 'جمهورية', 'جمهوریه'],
	['heh with yeh above / heh', 'خانۀ', 'خانه'],
	['hamza on alef', 'أحمد', 'احمد'],
	['hamza below alef', 'إيران', 'ایران'],
	['madda on alef', 'آذربایجان', 'اذربایجان'],
	['hamza on waw', 'مؤسسه', 'موسسه'],
	['hamza on yeh', 'مسئول', 'مسیول'],
	['alef wasla', 'ٱلله', 'الله'],
	['tatweel', 'ایـــران', 'ایران'],
	['zero-width non-joiner', 'می\u200cشود', 'میشود'],
	['harakat (vowel marks)', 'مُحَمَّد', 'محمد'],
	['superscript alef', 'هٰذا', 'هذا'],
	['Persian digits', '۱۴۰۴', '1404'],
	['Arabic-Indic digits', '٢٠٢٥', '2025'],
	['Cyrillic to Latin', 'Сафаров', 'safarov'],
	['Arabic presentation forms', '\ufe8e\ufedf', 'ال'],
];

/** Ids of the events (of two: one with `title`, one unrelated) that a search for `query` finds. */
function found(title: string, query: string): string[] {
	const story = { title: 'S', summary: 'S', timezone: 'UTC', status: 'developing', languages: ['en'] } as const;
	const events = [
		{ ...event('one', '2025-06-27', [], []), title },
		{ ...event('two', '2025-06-28', [], []), title: 'unrelated words' },
	];
	return DatasetSnapshot.fromRecords(story, [], [], events, [], 'v', '2025-07-01T00:00:00Z')
		.search(query)
		.flatMap((r) => (r.kind === 'event' ? [r.event.id] : []));
}

describe('fold', () => {
	for (const [what, a, b] of PAIRS) {
		it(`folds ${what}: ${a} ~ ${b}`, () => {
			expect(fold(a)).toBe(fold(b));
			// Through the engine's search: text folded as it is indexed, queries folded the same way.
			expect(found(`before ${a} after`, b)).toEqual(['one']);
			expect(found(`before ${b} after`, a)).toEqual(['one']);
		});
	}

	it('keeps a word with vowel marks or a ZWNJ in it one word', () => {
		expect(tokenize('مُحَمَّد می\u200cشود')).toEqual(['محمد', 'میشود']);
		expect(indexTokens('رئیس\u200cجمهور پزشكيان')).toEqual(['رییسجمهور', 'پزشکیان']);
	});

	it('leaves letters that are not variants of one another apart', () => {
		expect(fold('ک')).not.toBe(fold('گ'));
		expect(fold('ی')).not.toBe(fold('ن'));
		expect(fold('ه')).not.toBe(fold('ح'));
		expect(fold('a')).not.toBe(fold('e'));
	});
});

describe('indexTokens on ASCII text', () => {
	it('gives the tokens of two characters or more that are not stop words, as tokenize does', () => {
		const texts = [
			'',
			'a',
			'A b C',
			'The Minister of Energy, at 10:30 -- no: at 9.',
			'x1 y22 Z333 a_b c-d e.f g/h I',
			'IS it the THE tHe A an AN in-in of_of',
			'  leading and trailing  ',
			'~!@#$%^&*()[]{}',
			'word\tword\nword',
			'Raid on "Azerbaijani House" in Yekaterinburg; 2 killed, 9 detained (June 27-28, 2025)',
		];
		for (const t of texts) expect(indexTokens(t)).toEqual(tokenize(t).filter((w) => w.length > 1 && !STOP_WORDS.has(w)));
		expect(indexTokens('A b C')).toEqual([]);
		expect(indexTokens('x1 y22 Z333 I')).toEqual(['x1', 'y22', 'z333']);
		expect(indexTokens('The house OF THE minister')).toEqual(['house', 'minister']);
	});
});
