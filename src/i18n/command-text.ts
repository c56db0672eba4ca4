/**
 * Command and option texts in a reader's language, from the catalog keys
 * `cmd.<command>.description`, `cmd.<command>.opt.<option>` and their `.label` names. A command
 * without catalog entries (a test's, a plugin's) keeps the English text of its definition.
 */
import type { CommandDefinition, OptionDefinition } from '../core/command.js';
import type { Locale } from './locale.js';
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
