/**
 * Command and option texts in a reader's language, from the catalog keys
 * `cmd.<command>.description`, `cmd.<command>.opt.<option>` and their `.label` names. A command
 * without catalog entries (a test's, a plugin's) keeps the English text of its definition.
 */
import type { CommandDefinition, OptionDefinition } from '../vocabulary/command-definition.js';
import type { Block, Reply, Span } from '../vocabulary/reply.js';
import { toLocale, type Locale } from './locale.js';
import { CATALOGS, isMessageKey } from './messages/index.js';
import type { Translator } from './translator.js';

/** What /help, Discord and Telegram show as the command's description. */
export function commandDescription(i18n: Translator, def: CommandDefinition): string {
	return i18n.maybe(`cmd.${def.name}.description`) ?? def.description;
}

export function optionDescription(i18n: Translator, def: CommandDefinition, opt: OptionDefinition): string {
	return i18n.maybe(`cmd.${def.name}.opt.${opt.name}`) ?? opt.description;
}

function raw(locale: Locale, key: string): string | undefined {
	return isMessageKey(key) ? CATALOGS[locale][key] : undefined;
}

/** The command's name in a locale (Discord name_localizations); the canonical name when there is none. */
export function commandLabel(locale: Locale, def: CommandDefinition): string {
	return raw(locale, `cmd.${def.name}.label`) ?? def.name;
}

export function optionLabel(locale: Locale, def: CommandDefinition, opt: OptionDefinition): string {
	return raw(locale, `cmd.${def.name}.opt.${opt.name}.label`) ?? opt.name;
}

/** The raw catalog description (no placeholders are used in these), for platform menus. */
export function rawCommandDescription(locale: Locale, def: CommandDefinition): string {
	return raw(locale, `cmd.${def.name}.description`) ?? def.description;
}

export function rawOptionDescription(locale: Locale, def: CommandDefinition, opt: OptionDefinition): string {
	return raw(locale, `cmd.${def.name}.opt.${opt.name}`) ?? opt.description;
}

/**
 * A command written into text ("/timeline", "/event ID", "/subscribe time:08:00"): a slash that
 * starts a word (not one inside a URL, a path or a zone name such as Europe/London), the name, then
 * any option:value tokens that follow it.
 */
const MENTION = /(^|[^\p{L}\p{N}_/:.-])\/([a-z_]+)(?![\p{L}\p{N}_/])((?:[ \t]+[a-z_]+:(?:"[^"\n]*"|[^\s"]*))*)/gu;
const OPTION = /([ \t]+)([a-z_]+):/gu;

/**
 * `text` with each command it names, and that command's option names, as Discord shows them to a
 * reader in `locale` (name_localizations): a Russian Discord user's command picker lists
 * /хронология с: по:, not /timeline from: to:. Commands without a localized label, option values
 * and anything that is not a command (URLs, paths) are left as they are. Only for Discord: Telegram
 * command names are Latin by the Bot API's rules, so Telegram replies keep the canonical names.
 */
export function localizeCommandMentions(text: string, locale: string | undefined): string {
	const l = toLocale(locale);
	if (!l || l === 'en' || !text.includes('/')) return text;
	return text.replace(MENTION, (whole, lead: string, name: string, options: string) => {
		const label = raw(l, `cmd.${name}.label`);
		if (label === undefined) return whole;
		const named = options.replace(
			OPTION,
			(_o, space: string, opt: string) => `${space}${raw(l, `cmd.${name}.opt.${opt}.label`) ?? opt}:`,
		);
		return `${lead}/${label}${named}`;
	});
}

function mentionBlock(block: Block, locale: string): Block {
	const spans = (list: readonly Span[]) => list.map((s) => ({ ...s, text: localizeCommandMentions(s.text, locale) }));
	switch (block.kind) {
		case 'heading':
			return { ...block, text: localizeCommandMentions(block.text, locale) };
		case 'paragraph':
			return { ...block, spans: spans(block.spans) };
		case 'fields':
			return {
				...block,
				fields: block.fields.map((f) => ({
					name: localizeCommandMentions(f.name, locale),
					value: localizeCommandMentions(f.value, locale),
				})),
			};
		default:
			// Event lines, claims and sources are dataset text.
			return block;
	}
}

/**
 * A reply for Discord with its interface text naming commands as the reader's Discord client does
 * ({@link localizeCommandMentions}); `locale` is the interaction's (the client's) locale, which is
 * what decides the names in the command picker, whatever language the reply is in. Page lines
 * (reply.paging) are commands the bot runs itself and stay canonical.
 */
export function localizeReplyCommands(reply: Reply, locale: string | undefined): Reply {
	const l = toLocale(locale);
	if (!l || l === 'en') return reply;
	return { ...reply, blocks: reply.blocks.map((b) => mentionBlock(b, l)) };
}
