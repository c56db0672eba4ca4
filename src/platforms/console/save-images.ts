/**
 * The console cannot show pictures: it writes a reply's PNGs (and exported files) into a directory
 * and prints their paths.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Reply } from '../../core/reply.js';

let counter = 0;

/** Writes the reply's images and file under `dir`; returns the paths written. */
export async function saveReplyAttachments(reply: Reply, dir: string): Promise<string[]> {
	const items = [
		...(reply.images ?? []).map((i) => ({ name: i.name, data: i.png })),
		...(reply.file ? [{ name: reply.file.name, data: reply.file.content }] : []),
	];
	if (items.length === 0) return [];
	await mkdir(dir, { recursive: true });
	const stamp = new Date().toISOString().replace(/[-:]/gu, '').replace(/\..*$/u, '');
	const out: string[] = [];
	for (const item of items) {
		// Names come from our own code, but keep them to a safe alphabet all the same.
		const safe = item.name.replace(/[^A-Za-z0-9._-]+/gu, '_').slice(0, 80) || 'attachment';
		const file = path.join(dir, `${stamp}-${++counter}-${safe}`);
		await writeFile(file, item.data);
		out.push(file);
	}
	return out;
}
