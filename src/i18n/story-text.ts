/**
 * The story's title and summary in the reader's language, from the story record's `titles` and
 * `summaries` (data/story.yaml), as events carry theirs. Without a translation for the reader the
 * English original is shown and counted as untranslated, so the reply says so once.
 */
import type { Translator } from './translator.js';

/** The parts of the story record these read; a Story without translations fits too. */
export interface StoryText {
	readonly title: string;
	readonly summary: string;
	readonly titles?: Readonly<Record<string, string>>;
	readonly summaries?: Readonly<Record<string, string>>;
}

export function storyTitle(i18n: Translator, story: StoryText): string {
	return i18n.content(story.title, story.titles);
}

export function storySummary(i18n: Translator, story: StoryText): string {
	return i18n.content(story.summary, story.summaries);
}
