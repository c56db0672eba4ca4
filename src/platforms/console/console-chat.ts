/**
 * The console platform: an interactive chat over the same core (prompt, Tab completion, history
 * kept across runs, /help). When stdin is not a terminal it answers each line and exits at the end
 * of input. Answers are the plain text unless the composition root found a terminal that wants
 * styling (src/platforms/console/terminal.ts); piped output never changes.
 */
import readline from 'node:readline';
import type { Core } from '../../core/dispatch.js';
import type { CommandRequest } from '../../core/dispatch.js';
import type { Reply } from '../../core/reply.js';
import { completeLine } from '../../core/complete.js';
import { storyTitle } from '../../i18n/story-text.js';
import { createTranslator } from '../../i18n/translator.js';
import type { Logger } from '../../logger.js';
import { renderPlainText } from '../../render/plain-text.js';
import { renderTerminal } from '../../render/terminal-text.js';
import { loadHistory, saveHistory } from './history.js';
import { pageText } from './pager.js';
import { columnsOf, inlineImage, type TerminalCaps } from './terminal.js';

export const CONSOLE_REQUESTER = {
	platform: 'console',
	userId: 'console',
	displayName: 'console',
	isChannelAdmin: true,
	isOwner: true,
} as const;
export const CONSOLE_PLACE = { platform: 'console', channelId: 'console', kind: 'console' } as const;

/** Widest an inline picture is drawn, in cells, however wide the terminal. */
const MAX_IMAGE_COLUMNS = 100;

export interface ConsoleOptions {
	readonly input: NodeJS.ReadableStream;
	readonly output: NodeJS.WritableStream;
	/** Interactive mode: a prompt, line editing, Tab completion and history. */
	readonly interactive: boolean;
	/**
	 * The reader's language ("ru", "fa_IR.UTF-8", …): the composition root may pass SITREP_LOCALE or
	 * LANG. English when absent or not an interface language.
	 */
	readonly locale?: string;
	/** Writes a reply's images and returns their paths (optional). */
	readonly saveAttachments?: (reply: Reply) => Promise<string[]>;
	/** What the output terminal can show (from detectTerminal); absent or without a style: plain text. */
	readonly terminal?: TerminalCaps;
	/** A file of past command lines to load at start and keep up to date (interactive mode only). */
	readonly historyFile?: string;
	/**
	 * Pages answers taller than the terminal through this command (`less -R`). Only when the output
	 * is a terminal; never by default.
	 */
	readonly pager?: string;
	/** Where a failure to save a picture (or anything else that goes wrong with one line) is logged. */
	readonly logger?: Logger;
}

/** Runs the chat until end of input, /quit, Ctrl-D or Ctrl-C. Resolves when it ends. */
export async function runConsoleChat(core: Core, options: ConsoleOptions): Promise<void> {
	const out = options.output;
	const history = options.interactive && options.historyFile ? await loadHistory(options.historyFile) : [];
	const rl = readline.createInterface({
		input: options.input,
		output: options.interactive ? out : undefined,
		terminal: options.interactive,
		historySize: 500,
		history,
		removeHistoryDuplicates: true,
		...(options.interactive
			? {
					completer: (line: string): [string[], string] => {
						const c = completeLine(core.registry, core.dataset(), line, options.locale);
						return [[...c.candidates], line.slice(c.from)];
					},
				}
			: {}),
	});
	const ds = core.dataset();
	const i18n = createTranslator(options.locale);
	let saving = Promise.resolve();
	if (options.interactive) {
		out.write(
			`${i18n.t('console.banner', { title: storyTitle(i18n, ds.story), events: ds.counts.events, actors: ds.counts.actors, claims: ds.counts.claims })}\n`,
		);
		rl.setPrompt('sitrep> ');
		rl.prompt();
		const file = options.historyFile;
		if (file) rl.on('history', (lines: string[]) => void (saving = saving.then(() => saveHistory(file, lines))));
		// Ctrl-C leaves, as Ctrl-D and /quit do; without a listener readline would only pause.
		rl.on('SIGINT', () => {
			out.write('\n');
			rl.close();
		});
	}
	// Answer lines strictly in order even when input arrives faster than answers.
	let queue = Promise.resolve();
	let closed = false;
	const done = new Promise<void>((resolve) => {
		rl.on('close', () => {
			closed = true;
			void queue.then(() => saving).then(resolve);
		});
	});
	rl.on('line', (line) => {
		queue = queue.then(async () => {
			const text = line.trim();
			if (text === '') {
				if (options.interactive && !closed) rl.prompt();
				return;
			}
			if (text === '/quit' || text === '/exit') {
				rl.close();
				return;
			}
			const request: CommandRequest = {
				line: text.startsWith('/') ? text : `/${text}`,
				requester: CONSOLE_REQUESTER,
				place: CONSOLE_PLACE,
				...(options.locale ? { locale: options.locale } : {}),
			};
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
			await show(result.reply, images, rl, options, note);
			if (options.interactive && !closed) rl.prompt();
		});
		// One line's failure is logged; the lines after it are still answered.
		queue = queue.catch((err: unknown) => options.logger?.error({ err }, 'Console line failed'));
	});
	await done;
}

/** Writes one answer: plain, or styled and wrapped with pictures inline, paged when asked and long. */
/** One answer on the console; `note` (ending in a newline) says what went wrong with its pictures. */
async function show(
	reply: Reply,
	imagePaths: readonly string[],
	rl: readline.Interface,
	options: ConsoleOptions,
	note = '',
): Promise<void> {
	const out = options.output;
	const style = options.terminal?.style;
	if (!style) {
		out.write(`${renderPlainText(reply, { imagePaths })}\n${note}\n`);
		return;
	}
	if (note) out.write(note);
	const columns = columnsOf(out);
	const protocol = options.terminal?.images;
	const pictures = protocol
		? (reply.images ?? []).map((img) => `${inlineImage(img.png, protocol, Math.min(columns, MAX_IMAGE_COLUMNS))}\n`).join('')
		: '';
	const text = `${renderTerminal(reply, { ...style, width: columns }, { imagePaths })}\n`;
	const rows = (out as { rows?: number }).rows ?? 24;
	if (options.pager && text.split('\n').length > rows - 1) {
		const paged = await pageText(options.pager, text, rl, options.input);
		if (paged.ok) return void out.write(pictures ? `${pictures}\n` : '');
		const i18n = createTranslator(reply.locale);
		out.write(`${i18n.t('console.pagerFailed', { command: options.pager, reason: paged.reason })}\n`);
	}
	out.write(`${text}${pictures}\n`);
}
