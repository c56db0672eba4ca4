/**
 * The static command registry. Adding a command: create commands/<name>.ts and list it here; a test
 * fails if a file in commands/ is missing from this list.
 */
import { createRegistry } from '../src/core/registry.js';
import actor from './actor.js';
import briefing from './briefing.js';
import event from './event.js';
import exportCommand from './export.js';
import help from './help.js';
import language from './language.js';
import reload from './reload.js';
import search from './search.js';
import source from './source.js';
import subscribe from './subscribe.js';
import subscriptions from './subscriptions.js';
import timeline from './timeline.js';
import unsubscribe from './unsubscribe.js';

export const commandModules = [
	timeline,
	actor,
	event,
	source,
	search,
	briefing,
	exportCommand,
	subscribe,
	unsubscribe,
	subscriptions,
	language,
	reload,
	help,
] as const;

export const registry = createRegistry(commandModules as unknown as Parameters<typeof createRegistry>[0]);
