/** How a command is written: its syntax and usage line in the reader's language, and a canonical command line. */
import { createTranslator, type Translator } from '../i18n/translator.js';
import type { CommandModule } from './command.js';
import type { ErrorText } from './errors.js';
import { quoteValue } from './parse-line.js';

/** The command's syntax, `/timeline [from:DATE] [to:DATE] …`, with value names in the reader's language. */
export function syntax(module: Pick<CommandModule, 'data'>, i18n: Translator): string {
	const parts = module.data.options.map((o) => {
		const v = o.type === 'choice' ? (o.choices ?? []).join('|') : i18n.t(`usage.type.${o.type}` as const);
		return o.required ? `${o.name}:${v}` : `[${o.name}:${v}]`;
	});
	return `/${module.data.name}${parts.length ? ` ${parts.join(' ')}` : ''}`;
}

/** "Usage: /timeline [from:DATE] …" in the reader's language. */
export function usageText(module: Pick<CommandModule, 'data'>, i18n: Translator): string {
	return i18n.t('usage', { line: syntax(module, i18n) });
}

/** The usage line in English. */
export function usage(module: Pick<CommandModule, 'data'>): string {
	return usageText(module, createTranslator('en'));
}

/** The usage line as an error hint, put into the reader's language when shown. */
export function usageOf(module: CommandModule): ErrorText {
	return (i18n) => usageText(module, i18n);
}

/** Rebuilds a canonical command line from option values. */
export function commandLine(name: string, values: Record<string, string | undefined>): string {
	const parts = Object.entries(values)
		.filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
		.map(([k, v]) => `${k}:${quoteValue(v)}`);
	return `/${name}${parts.length ? ` ${parts.join(' ')}` : ''}`;
}
