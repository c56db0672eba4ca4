import { msg, UserFacingError } from '../src/core/errors.js';
import { defineCommand } from '../src/core/command.js';
import { usageText } from '../src/core/usage.js';
import { bold, code, heading, para, type Block } from '../src/core/reply.js';
import { closest } from '../src/dataset/text.js';
import { commandDescription, optionDescription } from '../src/i18n/command-text.js';
import { en } from '../src/i18n/messages/index.js';
import { storyTitle } from '../src/i18n/story-text.js';

export default defineCommand({
	data: {
		name: 'help',
		description: en['cmd.help.description'],
		access: 'everyone',
		options: [{ name: 'command', type: 'text', description: en['cmd.help.opt.command'] }],
		examples: ['/help', '/help timeline'],
	},
	execute({ args, services, dataset, i18n }) {
		const registry = services.registry;
		const commands = registry ? [...registry.values()].map((m) => m.data) : [];
		if (args.command) {
			const name = args.command.replace(/^\//u, '').toLowerCase();
			const def = commands.find((c) => c.name === name);
			if (!def) {
				const near = closest(
					name,
					commands.map((c) => c.name),
					1,
				);
				const command = `/${name.slice(0, 40)}`;
				throw new UserFacingError(
					'UNKNOWN_COMMAND',
					near.length
						? msg('error.unknownCommand.suggest', { command, suggestion: `/${near[0]!}` })
						: msg('error.unknownCommand', { command }),
					msg('help.listHint'),
				);
			}
			const blocks: Block[] = [
				heading(i18n.t(`help.heading.${def.access}`, { command: `/${def.name}` })),
				para(commandDescription(i18n, def)),
				para(code(usageText({ data: def }, i18n))),
			];
			if (def.options.length) {
				blocks.push({
					kind: 'fields',
					fields: def.options.map((o) => {
						const description = optionDescription(i18n, def, o);
						return {
							name: o.required ? i18n.t('help.required', { option: o.name }) : o.name,
							value: o.choices ? i18n.t('help.choices', { description, choices: i18n.list(o.choices) }) : description,
						};
					}),
				});
			}
			blocks.push(para(bold(i18n.t('help.examples'))));
			for (const ex of def.examples) blocks.push(para(code(ex)));
			return { blocks };
		}
		const blocks: Block[] = [heading(i18n.t('help.title', { title: storyTitle(i18n, dataset.story) })), para(i18n.t('help.intro'))];
		for (const def of commands) {
			blocks.push(
				para(
					...i18n.spans(`help.line.${def.access}`, {
						command: `/${def.name}`,
						description: commandDescription(i18n, def),
						example: def.examples[0]!,
					}),
				),
			);
		}
		blocks.push(para(i18n.t('help.footer')));
		return { blocks };
	},
});
