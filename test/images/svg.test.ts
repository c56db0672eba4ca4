import { describe, expect, it } from 'vitest';
import { dayNumber } from '../../src/dataset/partial-date.js';
import { el, escapeXml, fontCovers, num, oneLine, shortLabel, textWidth, truncateToWidth, wrapText } from '../../src/images/svg.js';
import { chooseScale } from '../../src/images/time-scale.js';

describe('escapeXml', () => {
	it('escapes the five XML specials', () => {
		expect(escapeXml(`<script>&"'`)).toBe('&lt;script&gt;&amp;&quot;&apos;');
	});
	it('drops characters XML 1.0 cannot carry and keeps valid astral ones', () => {
		expect(escapeXml('a\u0000b\u0008c\u001Fd\uFFFEe\uD800f\uDC00g')).toBe('abcdefg');
		expect(escapeXml('tab\tnl\n🙂')).toBe('tab\tnl\n🙂');
	});
	it('escapes attribute values built with el()', () => {
		expect(el('text', { x: 1.005, title: `"><x a='1'` }, 'hi')).toBe(`<text x="1" title="&quot;&gt;&lt;x a=&apos;1&apos;">hi</text>`);
	});
});

describe('text measurement', () => {
	it('measures from the DejaVu Sans advance widths', () => {
		// "i" is narrow and "W" wide in DejaVu Sans; widths scale with the font size.
		expect(textWidth('W', 15)).toBeGreaterThan(textWidth('i', 15) * 2.5);
		expect(textWidth('Hello', 30)).toBeCloseTo(textWidth('Hello', 15) * 2, 6);
		expect(textWidth('Hello', 15, 'bold')).toBeGreaterThan(textWidth('Hello', 15));
		expect(textWidth('', 15)).toBe(0);
	});
	it('covers the symbols and scripts the images use', () => {
		expect(fontCovers('⚠✎…·–ƏəŞşĞğÇçÖöÜüİıЖжЯя')).toBe(true);
		expect(fontCovers('中')).toBe(false);
	});
	it('truncates to the width with an ellipsis, between graphemes', () => {
		const long = 'Azerbaijan summons Russian chargé d’affaires over the Yekaterinburg raids';
		const cut = truncateToWidth(long, 200, 15);
		expect(cut.endsWith('…')).toBe(true);
		expect(textWidth(cut, 15)).toBeLessThanOrEqual(200);
		expect(truncateToWidth('short', 200, 15)).toBe('short');
		// Never splits a surrogate pair or separates a combining accent from its letter.
		for (let w = 20; w < 120; w += 3) {
			const t = truncateToWidth('ab🙂🙂🙂e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301', w, 15);
			expect(t).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/u);
			expect(t).not.toMatch(/^\u0301|[^e]\u0301/u);
		}
	});
	it('makes short labels from the first clause of a title', () => {
		expect(shortLabel('Putin phones Aliyev; they reaffirm ties', 400, 15)).toBe('Putin phones Aliyev');
		expect(shortLabel('Ab; cd', 400, 15)).toBe('Ab; cd');
		expect(oneLine(' a\n\tb  c ')).toBe('a b c');
	});
	it('wraps names into lines, truncating the last', () => {
		const lines = wrapText('Azerbaijan Ministry of Foreign Affairs of the Republic of Azerbaijan', 170, 15, 2);
		expect(lines).toHaveLength(2);
		expect(lines[1]!.endsWith('…')).toBe(true);
		for (const l of lines) expect(textWidth(l, 15)).toBeLessThanOrEqual(170);
	});
	it('formats numbers stably', () => {
		expect(num(-0.001)).toBe('0');
		expect(num(1 / 3)).toBe('0.33');
	});
});

describe('chooseScale', () => {
	const d = dayNumber(2025, 6, 27);
	it('uses days for a span of three days', () => {
		const s = chooseScale(d, d + 2);
		expect(s.unit).toBe('day');
		expect(s.ticks.map((t) => t.label)).toEqual(['27 Jun 2025', '28 Jun', '29 Jun']);
	});
	it('uses weeks (Mondays) for a span of three months', () => {
		const s = chooseScale(d, dayNumber(2025, 9, 26));
		expect(s.unit).toBe('week');
		expect(s.ticks[0]!.label).toBe('30 Jun 2025');
		expect(s.ticks.length).toBeGreaterThanOrEqual(12);
		expect(s.ticks.length).toBeLessThanOrEqual(14);
		for (const t of s.ticks) expect((t.day - 4) % 7).toBe(0);
	});
	it('uses months for a span of a year', () => {
		const s = chooseScale(dayNumber(2024, 12, 20), dayNumber(2026, 1, 4));
		expect(s.unit).toBe('month');
		expect(s.step).toBe(1);
		expect(s.ticks.map((t) => t.label)).toContain('Jan 2026');
		expect(s.ticks[0]!.label).toBe('Jan 2025');
	});
	it('uses years for a span of five years', () => {
		const s = chooseScale(dayNumber(2020, 3, 1), dayNumber(2025, 3, 1));
		expect(s.unit).toBe('year');
		expect(s.ticks.map((t) => t.label)).toEqual(['2021', '2022', '2023', '2024', '2025']);
	});
	it('steps years for long spans and names years before the common era', () => {
		const s = chooseScale(dayNumber(-100, 1, 1), dayNumber(2025, 1, 1));
		expect(s.unit).toBe('year');
		expect(s.step).toBeGreaterThan(100);
		expect(s.ticks.length).toBeLessThanOrEqual(14);
		expect(chooseScale(dayNumber(-60, 1, 1), dayNumber(-40, 1, 1)).ticks[0]!.label).toBe('61 BCE');
	});
});
