/** The core's error answers: shown only to the requester, in the reader's language. */
import type { Locale } from '../i18n/locale.js';
import { createTranslator, english } from '../i18n/translator.js';
import { para, type Reply } from './reply.js';

/** The generic failure line in English; {@link genericFailure} gives it in any language. */
export const GENERIC_FAILURE = english('error.generic');

/** The generic failure answer in the reader's language. */
export function genericFailure(locale?: string): Reply {
	const i18n = createTranslator(locale);
	return errorReply(i18n.t('error.generic'), undefined, i18n.locale);
}

/** The one polite answer to a member who sends commands faster than the flood bound allows. */
export function slowDownReply(locale?: string): Reply {
	const i18n = createTranslator(locale);
	return errorReply(i18n.t('error.slowDown'), undefined, i18n.locale);
}
/** An error answer: shown only to the requester where the platform allows. */
export function errorReply(message: string, hint?: string, locale?: Locale): Reply {
	const blocks = [para({ text: message, mark: 'bold' })];
	if (hint) blocks.push(para(hint));
	return { blocks, ephemeral: true, ...(locale && locale !== 'en' ? { locale } : {}) };
}
