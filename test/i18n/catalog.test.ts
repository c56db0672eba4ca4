/** The message catalog: complete in every language, the same placeholders and markup, valid command names. */
import { describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import { placeholders } from '../../src/i18n/format.js';
import { commandLabel, optionLabel, rawCommandDescription, rawOptionDescription } from '../../src/i18n/command-text.js';
import { LOCALES, type Locale } from '../../src/i18n/locale.js';
import { CATALOGS, en, type MessageKey } from '../../src/i18n/messages/index.js';
import { DISCORD_NAME } from '../../src/platforms/discord/to-slash-command-json.js';

const KEYS = Object.keys(en) as MessageKey[];
const OTHERS = LOCALES.filter((l): l is Exclude<Locale, 'en'> => l !== 'en');
const tags = (s: string) => [...s.matchAll(/<\/?(?:b|i|code)>/gu)].map((m) => m[0]);
const pluralArgs = (s: string) => [...s.matchAll(/\{\s*(\w+)\s*,\s*plural\s*,/gu)].map((m) => m[1]);
/** Text of a message outside its placeholders and markup: what a translator writes. */
const prose = (s: string) =>
	s
		.replace(/\{\s*\w+\s*,\s*plural\s*,/gu, '')
		.replace(/(?:zero|one|two|few|many|other|=\d+)\s*\{/gu, '')
		.replace(/\{\s*\w+\s*\}/gu, '')
		.replace(/[{}#]/gu, '')
		.replace(/<\/?(?:b|i|code)>/gu, '');

describe('the message catalog', () => {
	it.each(OTHERS)('%s has every English key, and no other', (locale) => {
		expect(Object.keys(CATALOGS[locale]).sort()).toEqual([...KEYS].sort());
		for (const k of KEYS) expect(CATALOGS[locale][k].trim(), `${locale} ${k}`).not.toBe('');
	});

	it.each(OTHERS)('%s uses the same placeholders and markup as English in every message', (locale) => {
		for (const k of KEYS) {
			const ours = CATALOGS[locale][k];
			expect(placeholders(ours), `${locale} ${k}`).toEqual(placeholders(en[k]));
			expect(tags(ours), `${locale} ${k}: <b>/<i>/<code> as in English`).toEqual(tags(en[k]));
			// Braces balance, so no placeholder can swallow text.
			let depth = 0;
			for (const ch of ours) {
				depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
				expect(depth, `${locale} ${k}: unbalanced braces`).toBeGreaterThanOrEqual(0);
			}
			expect(depth, `${locale} ${k}: unbalanced braces`).toBe(0);
		}
	});

	it('gives every plural an "other" form, and Russian its one / few / many forms', () => {
		for (const locale of LOCALES) {
			for (const k of KEYS) {
				const text = CATALOGS[locale][k];
				for (const arg of pluralArgs(text)) {
					const body = text.slice(text.indexOf(`{${arg}, plural,`));
					expect(body, `${locale} ${k}`).toMatch(/other\s*\{/u);
					if (locale === 'ru') expect(body, `${locale} ${k}`).toMatch(/one\s*\{[\s\S]*few\s*\{[\s\S]*many\s*\{/u);
				}
			}
		}
	});

	it('is written in each language, not left in English', () => {
		// Labels (command names) stay canonical where the language is not a Discord locale; a few
		// messages are only placeholders, punctuation or names.
		const same = new Set<string>(['help.title', 'subscriptions.line']);
		const problems: string[] = [];
		for (const k of KEYS) {
			const text = prose(en[k]);
			if (!/\p{L}{2}/u.test(text) || k.endsWith('.label') || same.has(k)) continue;
			// Russian writes "ID" as English does.
			if (k !== 'field.id' && !/\p{Script=Cyrillic}/u.test(prose(CATALOGS.ru[k]))) problems.push(`ru ${k}`);
			if (!/\p{Script=Arabic}/u.test(prose(CATALOGS.fa[k]))) problems.push(`fa ${k}`);
			// "Status" is also the Azerbaijani word.
			if (CATALOGS.az[k] === en[k] && !['field.id', 'event.status', 'subscription.status', 'cmd.export.opt.format'].includes(k))
				problems.push(`az ${k}`);
		}
		expect(problems).toEqual([]);
	});

	it('writes Persian with ZWNJ, not with a space or run together, in the common affixes', () => {
		for (const [k, text] of Object.entries(CATALOGS.fa)) {
			expect(text, k).not.toMatch(/(^|[\s«(])(?:ن?می) [\u0600-\u06ff]/u);
			expect(text, k).not.toMatch(/(^|[\s«(])ن?می(?:شود|شوند|کند|گیرد|دهد|توان|گوید|آید)/u);
			expect(text, k).not.toMatch(/[\u0600-\u06ff] (?:ها|های|ای)(?=[\s.،؛:)]|$)/u);
		}
		expect(CATALOGS.fa['content.untranslated']).toContain('می\u200cشود');
	});
});

describe('command texts in the catalog', () => {
	const defs = [...registry.values()].map((m) => m.data);

	it('describe every command and option of the registry, in English exactly as the definitions', () => {
		for (const d of defs) {
			expect(rawCommandDescription('en', d), d.name).toBe(d.description);
			expect(en[`cmd.${d.name}.description` as MessageKey], d.name).toBe(d.description);
			for (const o of d.options) expect(en[`cmd.${d.name}.opt.${o.name}` as MessageKey], `${d.name} ${o.name}`).toBe(o.description);
		}
	});

	it('fit Discord (1–100 characters) and Telegram (≤ 256) in every language', () => {
		for (const locale of LOCALES) {
			for (const d of defs) {
				const text = rawCommandDescription(locale, d);
				expect(text.length, `${locale} /${d.name}: ${text}`).toBeLessThanOrEqual(locale === 'ru' || locale === 'en' ? 100 : 256);
				for (const o of d.options) {
					const t = rawOptionDescription(locale, d, o);
					expect(t.length, `${locale} /${d.name} ${o.name}: ${t}`).toBeLessThanOrEqual(
						locale === 'ru' || locale === 'en' ? 100 : 256,
					);
					expect(t.length).toBeGreaterThan(0);
				}
			}
		}
	});

	it('name commands and options validly for Discord: lowercase, ^[-_\\p{L}\\p{N}]{1,32}$, unique', () => {
		for (const locale of LOCALES) {
			const names = defs.map((d) => commandLabel(locale, d));
			expect(new Set(names).size, locale).toBe(names.length);
			for (const d of defs) {
				const label = commandLabel(locale, d);
				expect(label, `${locale} ${d.name}`).toMatch(DISCORD_NAME);
				expect(label).toBe(label.toLowerCase());
				const options = d.options.map((o) => optionLabel(locale, d, o));
				expect(new Set(options).size, `${locale} /${d.name} options`).toBe(options.length);
				for (const o of options) {
					expect(o, `${locale} /${d.name} ${o}`).toMatch(DISCORD_NAME);
					expect(o).toBe(o.toLowerCase());
				}
			}
		}
		// Azerbaijani and Persian are not Discord locales: their labels keep the canonical names.
		for (const d of defs) expect([commandLabel('az', d), commandLabel('fa', d)]).toEqual([d.name, d.name]);
		expect(commandLabel('ru', registry.get('timeline')!.data)).toBe('хронология');
	});
});
