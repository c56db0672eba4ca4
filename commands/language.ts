import { defineCommand } from '../src/core/command.js';
import { msg, UserFacingError } from '../src/core/errors.js';
import { para } from '../src/core/reply.js';
import { LOCALES } from '../src/i18n/locale.js';
import { en } from '../src/i18n/messages/index.js';
import { createTranslator } from '../src/i18n/translator.js';

/** The pinnable languages, and "auto": no pin, each reader's app language. */
const SETTINGS = [...LOCALES, 'auto'] as const;

export default defineCommand({
	data: {
		name: 'language',
		description: en['cmd.language.description'],
		access: 'channel_admin',
		options: [{ name: 'set', type: 'choice', description: en['cmd.language.opt.set'], choices: SETTINGS }],
		examples: ['/language set:ru', '/language', '/language set:auto'],
	},
	async execute({ args, services, place, requester, now, i18n }) {
		const store = services.subscriptions;
		if (!store) throw new UserFacingError('UNAVAILABLE', msg('language.unavailable'), msg('language.unavailable.hint'));
		if (args.set === undefined) {
			const pinned = await store.channelLanguage(place.platform, place.channelId);
			return {
				blocks: [
					para({
						text: pinned
							? i18n.t('language.show.pinned', { language: i18n.t(`lang.${pinned}`) })
							: i18n.t('language.show.auto'),
						mark: 'bold',
					}),
					para(i18n.t('language.show.hint')),
				],
				ephemeral: true,
			};
		}
		const language = args.set === 'auto' ? undefined : args.set;
		await store.setChannelLanguage(place.platform, place.channelId, language, `${requester.platform}:${requester.userId}`, now);
		if (!language) return { blocks: [para({ text: i18n.t('language.auto'), mark: 'bold' })] };
		// The confirmation is already in the pinned language.
		const pinned = createTranslator(language);
		return {
			blocks: [
				para({ text: pinned.t('language.pinned', { language: pinned.t(`lang.${language}`) }), mark: 'bold' }),
				para(pinned.t('language.pinned.hint')),
			],
			...(language !== 'en' ? { locale: language } : {}),
		};
	},
});
