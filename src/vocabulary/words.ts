/**
 * The closed sets of words the layers share: interface languages, event statuses, claim stances.
 * The dataset schema and the i18n layer re-export them; this module imports nothing.
 */

/** The interface languages. */
export const LOCALES = ['en', 'ru', 'az', 'fa'] as const;
export type Locale = (typeof LOCALES)[number];

/** How an event's account stands. */
export const eventStatuses = ['confirmed', 'reported', 'disputed', 'corrected'] as const;
export type EventStatus = (typeof eventStatuses)[number];

/** How a claim relates to what it is about. */
export const stances = ['asserts', 'denies', 'disputes'] as const;
export type Stance = (typeof stances)[number];
