/**
 * The registry: command modules by name, validated when it is built. A duplicate name or a
 * definition that Discord or Telegram would reject fails at start-up, not in production.
 */
import { definitionProblems, type CommandModule } from './command.js';

export type Registry = ReadonlyMap<string, CommandModule>;

export function createRegistry(modules: readonly CommandModule[]): Registry {
	const map = new Map<string, CommandModule>();
	const problems: string[] = [];
	for (const m of modules) {
		problems.push(...definitionProblems(m.data));
		if (map.has(m.data.name)) problems.push(`two commands are named "${m.data.name}"`);
		map.set(m.data.name, m);
	}
	if (problems.length) throw new Error(`Invalid command registry:\n- ${problems.join('\n- ')}`);
	return map;
}
