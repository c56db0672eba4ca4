/**
 * Watches the dataset directory and reloads after an editor's save. Editors and tools write a file
 * in several steps (truncate, write, rename), so events are debounced into one reload.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../logger.js';

export interface DatasetWatcher {
	close(): void;
}

export function watchDataset(dir: string, onChange: () => void, options: { debounceMs?: number; logger: Logger }): DatasetWatcher {
	const debounceMs = options.debounceMs ?? 400;
	let timer: NodeJS.Timeout | undefined;
	let watcher: FSWatcher | undefined;
	try {
		watcher = watch(dir, { recursive: true, persistent: false }, (_event, name) => {
			// Editors' swap and backup files are not dataset files.
			if (name && /(^|\/)\.|~$|\.sw[px]$|\.tmp$/u.test(String(name))) return;
			if (timer) clearTimeout(timer);
			timer = setTimeout(() => {
				timer = undefined;
				onChange();
			}, debounceMs);
		});
		watcher.on('error', (err) => options.logger.error({ err }, 'Dataset watcher failed'));
	} catch (err) {
		options.logger.error({ err, dir }, 'Cannot watch the dataset directory; reload with /reload or SIGHUP');
	}
	return {
		close() {
			if (timer) clearTimeout(timer);
			watcher?.close();
		},
	};
}
