/**
 * Who published a source, and what kind of outlet it is, in the reader's language: every source line
 * and every claim shows it ("TASS — Russian state media"), because readers weigh a report by its
 * outlet first. A source written in the older form (publisher + affiliation, no outlet record) gets
 * the coarse label of its affiliation.
 */
import type { Outlet, Source } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Translator } from './translator.js';

/** A source's outlet name and label, ready to show. */
export interface Byline {
	readonly publisher: string;
	readonly label: string;
	/** The outlet's id, for `/source`; absent for a source in the older form. */
	readonly outletId?: string;
}

/** The outlet's name where the reader's language has an established form. */
export function outletName(o: Outlet, i18n: Translator): string {
	return i18n.name(o.name, o.names);
}

/**
 * A country (ISO 3166-1 alpha-3) in the form the label templates take: an adjective in English
 * ("Russian"), a genitive in Russian ("России"), the name in Azerbaijani and Persian. A code the
 * catalog lacks is shown as it is.
 */
export function countryForm(code: string, i18n: Translator): string {
	return i18n.maybe(`country.${code}`) ?? code;
}

/** "Russian state media", "Hezbollah-affiliated media", "independent media", … */
export function outletLabel(o: Outlet, i18n: Translator): string {
	switch (o.kind) {
		case 'state':
		case 'pro-government':
		case 'public':
		case 'official':
			return i18n.t(`outlet.kind.${o.kind}`, { state: countryForm(o.state ?? o.country ?? '?', i18n) });
		case 'private':
		case 'wire':
			return o.country
				? i18n.t(`outlet.kind.${o.kind}.country`, { country: countryForm(o.country, i18n) })
				: i18n.t(`outlet.kind.${o.kind}`);
		case 'affiliated':
			return i18n.t('outlet.kind.affiliated', { party: o.party ? i18n.name(o.party, o.parties) : '?' });
		case 'independent':
		case 'unknown':
			return i18n.t(`outlet.kind.${o.kind}`);
	}
}

/** The name and label of the outlet behind a source. */
export function sourceByline(dataset: DatasetSnapshot, s: Source, i18n: Translator): Byline {
	const o = s.outlet !== undefined ? dataset.outlet(s.outlet) : undefined;
	if (o) return { publisher: outletName(o, i18n), label: outletLabel(o, i18n), outletId: o.id };
	return { publisher: s.publisher ?? s.outlet ?? s.id, label: i18n.t(`affiliation.long.${s.affiliation ?? 'independent'}`) };
}

/** "TASS — Russian state media", as one string (exports, picture legends). */
export function bylineText(b: Byline, i18n: Translator): string {
	return i18n.t('outlet.byline', { publisher: b.publisher, label: b.label });
}
