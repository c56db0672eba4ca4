/** Commands named in reply text, as a Discord reader's client names them (name_localizations). */
import { describe, expect, it } from 'vitest';
import { localizeCommandMentions, localizeReplyCommands } from '../../src/i18n/command-text.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { testCore, TEST_REQUESTER } from '../helpers/core.js';
import { demoDataset } from '../helpers/dataset-fixture.js';

describe('command mentions for Discord', () => {
	it('rename the command and its options for a Russian client', () => {
		expect(localizeCommandMentions('Попробуйте /timeline from:2025-06-27 to:2025-07-01.', 'ru')).toBe(
			'Попробуйте /хронология с:2025-06-27 по:2025-07-01.',
		);
		expect(localizeCommandMentions('Подробности: /event ID.', 'ru-RU')).toBe('Подробности: /событие ID.');
		expect(localizeCommandMentions('/subscribe time:08:00 timezone:Asia/Baku', 'ru')).toBe(
			'/подписаться время:08:00 часовой_пояс:Asia/Baku',
		);
		expect(localizeCommandMentions('/actor "Ilham Aliyev", /help COMMAND', 'ru')).toBe('/участник "Ilham Aliyev", /помощь COMMAND');
	});

	it('leave URLs, paths, zone names, unknown commands and option values alone', () => {
		const text = 'https://example.org/timeline Europe/London a/help /quit /timeline tag:help/timeline';
		expect(localizeCommandMentions(text, 'ru')).toBe(
			'https://example.org/timeline Europe/London a/help /quit /хронология тег:help/timeline',
		);
		// An option that is not the command's keeps its name.
		expect(localizeCommandMentions('/event bogus:1', 'ru')).toBe('/событие bogus:1');
	});

	it('change nothing where Discord shows the canonical names', () => {
		const text = 'Try /timeline from:2025-06-27';
		for (const locale of ['en', 'az', 'fa', 'de', undefined]) expect(localizeCommandMentions(text, locale)).toBe(text);
	});

	it('rename the commands of a whole /help reply, and keep page lines canonical', async () => {
		const core = testCore(await demoDataset());
		const r = await core.handle({
			line: '/help',
			requester: TEST_REQUESTER,
			place: { platform: 'discord', channelId: '1', kind: 'guild' },
			locale: 'ru',
		});
		const text = renderPlainText(localizeReplyCommands(r.reply, 'ru'));
		expect(text).toContain('/хронология');
		expect(text).toContain('/сводка');
		expect(text).not.toMatch(/(^|\s)\/timeline\b/mu);
		const paged = { blocks: [], paging: { page: 1, pages: 2, next: '/timeline page:2' } };
		expect(localizeReplyCommands(paged, 'ru').paging).toEqual(paged.paging);
		expect(localizeReplyCommands(r.reply, 'en')).toBe(r.reply);
	});
});
