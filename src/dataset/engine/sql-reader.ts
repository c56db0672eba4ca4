/**
 * What the query modules of the SQL snapshot (sql-search.ts, sql-filters.ts, sql-actors.ts) read
 * through: the connection's statements, the view's instant, and records made once and cached.
 */
import type Database from 'better-sqlite3';
import type { Actor, Claim, StoryEvent } from '../model.js';
import { eventStatuses } from '../../vocabulary/words.js';

export interface Reader {
	/** A prepared statement, made once per connection. */
	stmt(sql: string): Database.Statement;
	/** The view's instant: rows with `hide_at` past it are hidden (everything passes in the full snapshot). */
	readonly now: number;
	/** Whether the view hides something (`now` is not the full snapshot's "never"). */
	readonly isView: boolean;
	/** The longest event span in days (an event starting that long before a day may still overlap it). */
	readonly maxSpan: number;
	/** The event at an ord that exists. */
	eventAt(ord: number): StoryEvent;
	/** The events at ords that exist, in their order (read together). */
	eventsAt(ords: readonly number[]): StoryEvent[];
	/** The claim of number `n` (its JSON when the caller read it already; `keep: false` leaves it out of the cache). */
	claimAt(n: number, doc?: string, keep?: boolean): Claim;
	/** The claims of numbers `ns` (which must exist), in their order: those not cached read in one statement. */
	claimsAt(ns: readonly number[]): Claim[];
	/** The actor of number `n` (its JSON when the caller read it already). */
	actorAt(n: number, doc?: string): Actor;
	actor(id: string): Actor | undefined;
	/** The actors of `ids`, in their order (undefined for an unknown id), read together. */
	actors(ids: readonly string[]): (Actor | undefined)[];
}

/** Status codes of the events table (format.ts): index in eventStatuses. */
export const STATUS = new Map<string, number>(eventStatuses.map((s, i) => [s, i]));

/** An ord past every event (ords are positive, below 2^53). */
export const ORD_END = Number.MAX_SAFE_INTEGER;
