/**
 * The records of a loaded dataset, resolved and frozen. Everything the bot shows comes from these.
 */
import type { PartialDate } from './partial-date.js';
import type { actorTypes, outletKinds, priorities, relationTypes, sourceAffiliations } from './schema.js';
import type { EventStatus, Stance } from '../vocabulary/words.js';

export type ActorType = (typeof actorTypes)[number];
export type { EventStatus, Stance };
export type RelationType = (typeof relationTypes)[number];
export type SourceAffiliation = (typeof sourceAffiliations)[number];
export type OutletKind = (typeof outletKinds)[number];
export type EventPriority = (typeof priorities)[number];

export interface Story {
	readonly title: string;
	readonly summary: string;
	readonly timezone: string;
	readonly status: 'developing' | 'dormant' | 'concluded';
	readonly updated?: PartialDate;
	readonly languages: readonly string[];
	/** Translated titles and summaries by language code (the English ones are `title` and `summary`). */
	readonly titles?: Readonly<Record<string, string>>;
	readonly summaries?: Readonly<Record<string, string>>;
}

export interface Actor {
	readonly id: string;
	readonly name: string;
	readonly aliases: readonly string[];
	readonly type: ActorType;
	readonly country?: string;
	readonly description: string;
	readonly affiliations: readonly string[];
	readonly wikidata?: string;
	/** Names per language tag. */
	readonly names: Readonly<Record<string, string>>;
	/** The description per language tag (the English one is `description`). */
	readonly descriptions: Readonly<Record<string, string>>;
}

/** What a line shows of an actor: its name, in the reader's language when `names` has it. */
export type ActorName = Pick<Actor, 'id' | 'name' | 'names'>;

export interface Source {
	readonly id: string;
	/** Id of the outlet that published it; absent in the older form, which gives publisher and affiliation. */
	readonly outlet?: string;
	readonly publisher?: string;
	readonly url: string;
	readonly title?: string;
	readonly published?: PartialDate;
	readonly language: string;
	readonly affiliation?: SourceAffiliation;
}

/** A news outlet, agency or official channel, with what readers weigh its reports by. */
export interface Outlet {
	readonly id: string;
	readonly name: string;
	/** The name in other languages where it has an established form. */
	readonly names: Readonly<Record<string, string>>;
	readonly country?: string;
	readonly kind: OutletKind;
	/** The state whose media or body it is (state, pro-government, public, official). */
	readonly state?: string;
	/** The party or movement an affiliated outlet speaks for, and that name in other languages. */
	readonly party?: string;
	readonly parties: Readonly<Record<string, string>>;
	/** Why it has this kind, in a line. */
	readonly note: string;
	readonly notes: Readonly<Record<string, string>>;
	readonly url?: string;
}

/** The readable label of a topic, tag or role slug. */
export interface Label {
	readonly id: string;
	readonly label: string;
	readonly labels: Readonly<Record<string, string>>;
}

/** The dataset's outlets and its labels for the slugs readers see. */
export interface Vocabulary {
	readonly outlets: ReadonlyMap<string, Outlet>;
	readonly topics: ReadonlyMap<string, Label>;
	readonly tags: ReadonlyMap<string, Label>;
	readonly roles: ReadonlyMap<string, Label>;
}

/** Who says what about an event. The bot repeats claims only with their attribution. */
export interface Claim {
	readonly id: string;
	readonly eventId: string;
	/** Actor id of the claimant. */
	readonly by: string;
	readonly stance: Stance;
	readonly topic?: string;
	readonly text: string;
	readonly quote?: { readonly text: string; readonly lang: string };
	readonly sourceId: string;
	readonly date?: PartialDate;
	readonly translations: Readonly<Record<string, string>>;
}

export interface EventActor {
	readonly actorId: string;
	readonly role?: string;
}

export interface StoryEvent {
	readonly id: string;
	readonly date: PartialDate;
	readonly title: string;
	readonly summary: string;
	/** Where it happened; `names` holds the place name in other languages. */
	readonly location?: { readonly name: string; readonly country?: string; readonly names?: Readonly<Record<string, string>> };
	readonly actors: readonly EventActor[];
	readonly tags: readonly string[];
	readonly sourceIds: readonly string[];
	readonly status: EventStatus;
	readonly note?: string;
	readonly related: readonly { readonly eventId: string; readonly type: RelationType }[];
	readonly claimIds: readonly string[];
	readonly titles: Readonly<Record<string, string>>;
	readonly summaries: Readonly<Record<string, string>>;
	/** The note per language tag (the English one is `note`). */
	readonly notes: Readonly<Record<string, string>>;
	/** Dataset file the event came from, relative to the data directory. */
	readonly file: string;
	/** Present only when 'breaking' (absent is normal): breaking events go to alerts:breaking subscriptions too. */
	readonly priority?: 'breaking';
	/** Present only when true: the event is in the loaded snapshot but never in a visible view (visible-view.ts). */
	readonly draft?: true;
	/** The embargo as the editors wrote it (ISO date-time with offset); the event is hidden before it. */
	readonly embargo?: string;
}
