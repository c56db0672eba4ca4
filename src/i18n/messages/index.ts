/** The message catalogs by locale. English is the source; the others are checked against it. */
import type { Locale } from '../locale.js';
import { az } from './az.js';
import { en, type MessageKey } from './en.js';
import { fa } from './fa.js';
import { ru } from './ru.js';

export type { MessageKey } from './en.js';

export const CATALOGS: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, ru, az, fa };

const KEYS: ReadonlySet<string> = new Set(Object.keys(en));

/** Whether `key` is a catalog key, for keys built at run time (`cmd.${name}.description`). */
export function isMessageKey(key: string): key is MessageKey {
	return KEYS.has(key);
}

export { en };
