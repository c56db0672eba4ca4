/**
 * The console platform: an interactive chat over the same core (prompt, history, /help). When
 * stdin is not a terminal it answers each line and exits at the end of input.
 */
import readline from 'node:readline';
import type { Core } from '../../core/dispatch.js';
import type { CommandRequest } from '../../core/dispatch.js';
import { storyTitle } from '../../i18n/story-text.js';
import { createTranslator } from '../../i18n/translator.js';
import type { Logger } from '../../logger.js';
import { renderPlainText } from '../../render/plain-text.js';

export const CONSOLE_REQUESTER = { platform: 'console', userId: 'console', displayName: 'console', isChannelAdmin: true, isOwner: true } as const;
export const CONSOLE_PLACE = { platform: 'console', channelId: 'console', kind: 'console' } as const;

export interface ConsoleOptions {
	readonly input: NodeJS.ReadableStream;
	readonly output: NodeJS.WritableStream;
	/** Interactive mode: a prompt and line editing. */
	readonly interactive: boolean;
	/**
	 * The reader's language ("ru", "fa_IR.UTF-8", …): the composition root may pass SITREP_LOCALE or
	 * LANG. English when absent or not an interface language.
	 */
	readonly locale?: string;
	/** Writes a reply's images and returns their paths (optional). */
	readonly saveAttachments?: (reply: Awaited<ReturnType<Core['handle']>>['reply']) => Promise<string[]>;
	/** Where a failure to save a picture (or anything else that goes wrong with one line) is logged. */
	readonly logger?: Logger;
}

/** Runs the chat until end of input or /quit. Resolves when it ends. */
export async function runConsoleChat(core: Core, options: ConsoleOptions): Promise<void> {
	const out = options.output;
	const rl = readline.createInterface({ input: options.input, output: options.interactive ? out : undefined, terminal: options.interactive, historySize: 200 });
	const ds = core.dataset();
	if (options.interactive) {
		const i18n = createTranslator(options.locale);
		out.write(`${i18n.t('console.banner', { title: storyTitle(i18n, ds.story), events: ds.counts.events, actors: ds.counts.actors, claims: ds.counts.claims })}\n`);
		rl.setPrompt('sitrep> ');
		rl.prompt();
	}
	// Answer lines strictly in order even when input arrives faster than answers.
	let queue = Promise.resolve();
	let closed = false;
	const done = new Promise<void>((resolve) => {
		rl.on('close', () => {
			closed = true;
			void queue.then(resolve);
		});
	});
	rl.on('line', (line) => {
		queue = queue.then(async () => {
			const text = line.trim();
			if (text === '') return;
			if (text === '/quit' || text === '/exit') {
				rl.close();
				return;
			}
			const request: CommandRequest = { line: text.startsWith('/') ? text : `/${text}`, requester: CONSOLE_REQUESTER, place: CONSOLE_PLACE, ...(options.locale ? { locale: options.locale } : {}) };
			const result = await core.handle(request);
			if (result.outcome.kind === 'ignored') return;
			let images: string[] = [];
			let note = '';
			try {
				images = options.saveAttachments ? await options.saveAttachments(result.reply) : [];
			} catch (err) {
				// An unwritable picture directory costs the picture, never the answer or the chat.
				options.logger?.warn({ err }, 'Could not save the reply’s pictures; the words go out without them');
				note = `${createTranslator(result.reply.locale ?? options.locale).t('attachment.notSaved', { reason: (err as NodeJS.ErrnoException).code ?? 'error' })}\n`;
			}
			out.write(`${renderPlainText(result.reply, { imagePaths: images })}\n${note}\n`);
			if (options.interactive && !closed) rl.prompt();
		});
		// One line's failure is logged; the lines after it are still answered.
		queue = queue.catch((err: unknown) => options.logger?.error({ err }, 'Console line failed'));
	});
	await done;
}
