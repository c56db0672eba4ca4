/**
 * Who asks and where: the words every layer shares about a request's origin. Imports nothing.
 */

export type Platform = 'console' | 'discord' | 'telegram';

/** Who asks. `isChannelAdmin` is established by the platform at run time, never trusted from input. */
export interface Requester {
	readonly platform: Platform;
	readonly userId: string;
	readonly displayName: string;
	readonly isChannelAdmin: boolean;
	readonly isOwner: boolean;
}

/** Where the command was run. */
export interface Place {
	readonly platform: Platform;
	readonly channelId: string;
	readonly kind: 'console' | 'private' | 'group' | 'channel' | 'guild';
	readonly guildId?: string;
	/** A Telegram forum topic (message_thread_id) the command was given in; replies and /subscribe go there. */
	readonly threadId?: string;
}
