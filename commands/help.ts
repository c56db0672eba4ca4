import { defineCommand, type CommandDefinition } from '../src/core/command.js';
import { usage } from '../src/core/dispatch.js';
import { bold, code, heading, para, type Block } from '../src/core/reply.js';
import { closest } from '../src/dataset/text.js';

const ACCESS: Record<string, string> = { everyone: '', channel_admin: ' (admins of the chat)', owner: ' (bot owners)' };

export default defineCommand({
	data: {
		name: 'help',
		description: 'Every command with its options and an example; /help timeline for one',
		access: 'everyone',
		options: [{ name: 'command', type: 'text', description: 'A command to explain in detail, e.g. timeline' }],
		examples: ['/help', '/help timeline'],
	},
	execute({ args, services, dataset }) {
		const registry = services['registry'] as ReadonlyMap<string, { data: CommandDefinition }> | undefined;
		const commands = registry ? [...registry.values()].map((m) => m.data) : [];
		if (args.command) {
			const name = args.command.replace(/^\//u, '').toLowerCase();
			const def = commands.find((c) => c.name === name);
			if (!def) {
				const near = closest(name, commands.map((c) => c.name), 1);
				return { blocks: [para({ text: `There is no command /${name.slice(0, 40)}.${near.length ? ` Did you mean /${near[0]!}?` : ''}`, mark: 'bold' }), para('Type /help for the list.')], ephemeral: true };
			}
			const blocks: Block[] = [heading(`/${def.name}${ACCESS[def.access]}`), para(def.description), para(code(usage({ data: def, execute: () => ({ blocks: [] }) })))];
			if (def.options.length) blocks.push({ kind: 'fields', fields: def.options.map((o) => ({ name: `${o.name}${o.required ? ' (required)' : ''}`, value: o.description + (o.choices ? `: ${o.choices.join(', ')}` : '') })) });
			blocks.push(para(bold('Examples')));
			for (const ex of def.examples) blocks.push(para(code(ex)));
			return { blocks };
		}
		const blocks: Block[] = [heading(`sitrep: ${dataset.story.title}`), para('A briefing on a developing story. Every event cites its sources; contested facts are shown as attributed claims.')];
		for (const def of commands) {
			blocks.push(para(bold(`/${def.name}`), { text: `${ACCESS[def.access]} ${def.description}. ` }, { text: 'e.g. ' }, code(def.examples[0]!)));
		}
		blocks.push(para('Options are written name:value; quote values with spaces: /actor "Ilham Aliyev". /help COMMAND explains one command.'));
		return { blocks };
	},
});
