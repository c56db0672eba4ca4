/**
 * The static command registry. Adding a command: create commands/<name>.ts and list it here; a test
 * fails if a file in commands/ is missing from this list.
 */
import { createRegistry } from '../src/core/registry.js';
import actor from './actor.js';
import briefing from './briefing.js';
import event from './event.js';
import help from './help.js';
import search from './search.js';
import timeline from './timeline.js';

export const commandModules = [timeline, actor, event, search, briefing, help] as const;

export const registry = createRegistry(commandModules as unknown as Parameters<typeof createRegistry>[0]);
