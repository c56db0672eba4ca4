/**
 * SHA-256 of a text, hex. Node's one-shot `crypto.hash` (Node 20.12 and later) makes no Hash object per
 * call; a build hashes every record's JSON, so that object was a noticeable part of it. Older Node 20
 * releases get the same digest through createHash.
 */
import * as crypto from 'node:crypto';

export const sha256Hex: (data: string) => string =
	typeof crypto.hash === 'function'
		? (data) => crypto.hash('sha256', data, 'hex')
		: (data) => crypto.createHash('sha256').update(data).digest('hex');
