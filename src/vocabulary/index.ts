/**
 * The base vocabulary: the words every layer shares (Platform, Place, Requester, Reply and its blocks,
 * Span, languages, statuses, stances). It imports nothing, so any layer may import it.
 */
export * from './command-definition.js';
export * from './place.js';
export * from './reply.js';
export * from './words.js';
