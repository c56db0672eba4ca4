import { describe, expect, it } from 'vitest';
import { formatMessage, placeholders } from '../../src/i18n/format.js';
import { chooseLocale, toLocale } from '../../src/i18n/locale.js';

const EVENTS = '{n, plural, one {# event} other {# events}}';
const RU = '{n, plural, one {# событие} few {# события} many {# событий} other {# события}}';

describe('formatMessage', () => {
	it('fills placeholders and leaves unknown ones visible', () => {
		expect(formatMessage('Hello {name}, {missing}', { name: 'Ann' }, 'en')).toBe('Hello Ann, {missing}');
	});
	it("chooses plural forms by the locale's rules", () => {
		expect([1, 2, 5].map((n) => formatMessage(EVENTS, { n }, 'en'))).toEqual(['1 event', '2 events', '5 events']);
		expect([1, 2, 5, 21, 22, 25, 11].map((n) => formatMessage(RU, { n }, 'ru'))).toEqual([
			'1 событие',
			'2 события',
			'5 событий',
			'21 событие',
			'22 события',
			'25 событий',
			'11 событий',
		]);
		expect(formatMessage('{n, plural, =0 {none} one {# hadisə} other {# hadisə}}', { n: 0 }, 'az')).toBe('none');
	});
	it("writes numbers the locale's way", () => {
		expect(formatMessage('{n}', { n: 12345 }, 'ru')).toBe('12\u00a0345');
		expect(formatMessage('{n}', { n: 5 }, 'fa')).toBe('۵');
	});
	it('nests placeholders inside plural branches', () => {
		expect(formatMessage('{n, plural, one {# event by {who}} other {# events by {who}}}', { n: 2, who: 'TASS' }, 'en')).toBe(
			'2 events by TASS',
		);
	});
	it('lists placeholders', () => {
		expect(placeholders(`{who} said ${EVENTS}`)).toEqual(['n', 'who']);
	});
});

describe('locale choice', () => {
	it('maps platform hints and falls back to English', () => {
		expect(toLocale('en-US')).toBe('en');
		expect(toLocale('az-Latn-AZ')).toBe('az');
		expect(toLocale('fa_IR')).toBe('fa');
		expect(toLocale('de')).toBeUndefined();
		expect(chooseLocale(undefined, 'de', 'ru')).toBe('ru');
		expect(chooseLocale(undefined, 'zh-CN')).toBe('en');
	});
});

import { parsePartialDate } from '../../src/dataset/partial-date.js';
import { formatDateLocalized } from '../../src/i18n/dates.js';

describe('localized dates', () => {
	const d = (t: string) => {
		const r = parsePartialDate(t);
		if (!r.ok) throw new Error(r.message);
		return r.value;
	};
	it('keep their precision in every language, in the Gregorian calendar', () => {
		expect(formatDateLocalized(d('2025-06-27'), 'en')).toBe('27 Jun 2025');
		expect(formatDateLocalized(d('2025-02'), 'ru')).toMatch(/^февраль 2025/);
		expect(formatDateLocalized(d('2025'), 'az')).toBe('2025');
		expect(formatDateLocalized(d('2025-07-04'), 'fa')).toMatch(/۲۰۲۵/);
		expect(formatDateLocalized(d('2025-07-04'), 'fa')).not.toMatch(/۱۴۰۴/);
		expect(formatDateLocalized(d('~2025-10-20'), 'ru')).toMatch(/^ок\. 20/);
		expect(formatDateLocalized(d('-0054'), 'en')).toBe('55 BCE');
	});
	it('never moves the day whatever the host timezone', () => {
		expect(formatDateLocalized(d('2025-01-01'), 'en')).toBe('1 Jan 2025');
		expect(formatDateLocalized(d('2025-12-31'), 'ru')).toMatch(/^31 дек/);
	});
});
