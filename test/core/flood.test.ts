/**
 * The flood bounds on their own: the per-user command rate and the per-chat reply queue.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CommandRateLimiter, ReplyQueue, type DropReason } from '../../src/core/flood.js';

const silent = pino({ level: 'silent' });

function clock(): { now: () => number; advance: (ms: number) => void } {
	let t = 0;
	return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('CommandRateLimiter', () => {
	it('runs a burst, answers "slow down" once, then ignores until the rate allows again', () => {
		const c = clock();
		const drops: DropReason[] = [];
		const limiter = new CommandRateLimiter({ burst: 3, refillMs: 1000, maxUsers: 10 }, 'telegram', (_p, r) => drops.push(r), c.now);
		const first = Array.from({ length: 10 }, () => limiter.admit('u1'));
		expect(first).toEqual(['run', 'run', 'run', 'slow_down', 'ignore', 'ignore', 'ignore', 'ignore', 'ignore', 'ignore']);
		expect(drops).toHaveLength(7);
		expect(limiter.admit('u2')).toBe('run');
		c.advance(1000);
		expect(limiter.admit('u1')).toBe('run');
		// A new flood after a command was allowed gets its one warning again.
		expect(limiter.admit('u1')).toBe('slow_down');
		expect(limiter.admit('u1')).toBe('ignore');
	});

	it('remembers at most maxUsers users', () => {
		const limiter = new CommandRateLimiter({ burst: 1, refillMs: 1000, maxUsers: 100 }, 'telegram');
		for (let i = 0; i < 10_000; i++) limiter.admit(`u${i}`);
		expect(limiter.size).toBe(100);
	});
});

describe('ReplyQueue', () => {
	it('sends in order, one at a time, and caps what waits per chat by dropping the oldest', async () => {
		const drops: DropReason[] = [];
		const q = new ReplyQueue({ chatQueue: 3, maxReplyAgeMs: 60_000 }, 'telegram', silent, (_p, r) => drops.push(r));
		const sent: number[] = [];
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		const all = [q.enqueue('c', () => gate.then(() => void sent.push(0)))];
		for (let i = 1; i <= 10; i++) all.push(q.enqueue('c', async () => void sent.push(i)));
		expect(q.waiting('c')).toBe(3);
		expect(q.waiting()).toBe(3);
		release();
		await Promise.all(all);
		expect(sent).toEqual([0, 8, 9, 10]);
		expect(drops).toEqual(Array(7).fill('queue_full'));
		expect(q.waiting()).toBe(0);
	});

	it('drops a reply that waited too long, and an edit superseded by a newer one for the same page', async () => {
		const c = clock();
		const drops: DropReason[] = [];
		const q = new ReplyQueue({ chatQueue: 10, maxReplyAgeMs: 1000 }, 'telegram', silent, (_p, r) => drops.push(r), c.now);
		const sent: string[] = [];
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		const all = [
			q.enqueue('c', () => gate.then(() => void sent.push('slow'))),
			q.enqueue('c', async () => void sent.push('page 2'), 'edit:5'),
			q.enqueue('c', async () => void sent.push('page 3'), 'edit:5'),
		];
		c.advance(500);
		all.push(q.enqueue('c', async () => void sent.push('fresh')));
		c.advance(600);
		release();
		await Promise.all(all);
		expect(sent).toEqual(['slow', 'fresh']);
		expect(drops).toEqual(['superseded', 'stale']);
	});

	it('settles and drops what waits when closed; a failing reply does not stop the chat', async () => {
		const q = new ReplyQueue({ chatQueue: 10, maxReplyAgeMs: 60_000 }, 'telegram', silent);
		const sent: string[] = [];
		const a = q.enqueue('c', () => Promise.reject(new Error('send failed')));
		const b = q.enqueue('c', async () => void sent.push('b'));
		await Promise.all([a, b]);
		expect(sent).toEqual(['b']);
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		const c1 = q.enqueue('c', () => gate);
		const c2 = q.enqueue('c', async () => void sent.push('never'));
		q.close();
		release();
		await Promise.all([c1, c2, q.enqueue('c', async () => void sent.push('after close'))]);
		expect(sent).toEqual(['b']);
	});
});
