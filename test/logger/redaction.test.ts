/**
 * Every configured secret is redacted from the logs, whatever its length (issue #18): a short one
 * inside values and keys without breaking the JSON line around it.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

function capture(secrets: string[]) {
	const lines: string[] = [];
	const logger = createLogger({ level: 'info', secrets, destination: { write: (s: string) => void lines.push(s) } });
	return { logger, lines };
}

describe('log redaction', () => {
	it('redacts a short secret (under 8 characters) in messages, values, nested errors and keys; the line stays JSON', () => {
		const { logger, lines } = capture(['s3', 'x9Q', 'a-long-secret-value-123']);
		logger.info(
			{
				err: { message: 'connect failed for s3cret host', stack: 'Error: x9Q\n at y' },
				url: 'https://u:x9Q@db/1',
				list: ['s3', 1],
				s3: 'key',
			},
			'Webhook secret x9Q refused; also a-long-secret-value-123',
		);
		expect(lines).toHaveLength(1);
		const line = lines[0]!;
		const record = JSON.parse(line) as Record<string, unknown>;
		expect(record['level']).toBe(30);
		expect(line).not.toContain('x9Q');
		expect(line).not.toContain('a-long-secret-value-123');
		expect(JSON.stringify(Object.values(record))).not.toMatch(/s3/u);
		expect(record['msg']).toBe('Webhook secret [redacted] refused; also [redacted]');
	});

	it('leaves a line without any secret as it was', () => {
		const { logger, lines } = capture(['zz']);
		logger.info({ n: 1 }, 'nothing to hide');
		expect((JSON.parse(lines[0]!) as { msg: string }).msg).toBe('nothing to hide');
	});
});
