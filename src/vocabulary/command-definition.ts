/**
 * A command's declaration as plain data: its name, options and who may run it. Platforms register it,
 * i18n translates it, the core parses against it. Imports nothing.
 */

/** Option types. actor, event, tag and outlet values are resolved against the dataset before execute runs. */
export type OptionType = 'text' | 'integer' | 'date' | 'actor' | 'event' | 'tag' | 'outlet' | 'choice' | 'boolean';

export interface OptionDefinition {
	/** `^[a-z0-9_]{1,32}$`, valid on Discord and Telegram. */
	readonly name: string;
	readonly type: OptionType;
	/** At most 100 characters. */
	readonly description: string;
	readonly required?: boolean;
	/** For `choice`: the allowed values. */
	readonly choices?: readonly string[];
	/** For `integer`: inclusive bounds. */
	readonly min?: number;
	readonly max?: number;
}

/** Who may run a command: everyone, admins of the channel it is run in, or the bot's owners. */
export type Access = 'everyone' | 'channel_admin' | 'owner';

export interface CommandDefinition {
	/** `^[a-z0-9_]{1,32}$`. */
	readonly name: string;
	/** At most 100 characters. */
	readonly description: string;
	readonly options: readonly OptionDefinition[];
	readonly access: Access;
	/** A working example, shown by /help. */
	readonly examples: readonly string[];
}
