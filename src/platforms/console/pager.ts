/**
 * Pages one long answer through the user's pager (`less -R`). The chat stops reading the terminal
 * while the pager has it, and Ctrl-C inside the pager is the pager's, not a reason to leave.
 */
import { spawn } from 'node:child_process';
import type readline from 'node:readline';

/** Runs `command` (through the shell, as PAGER is conventionally run) with `text` on its stdin. */
export async function pageText(
	command: string,
	text: string,
	rl: readline.Interface,
	input: NodeJS.ReadableStream,
): Promise<{ ok: true } | { ok: false; reason: string }> {
	const tty = input as NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => void; isRaw?: boolean };
	const wasRaw = Boolean(tty.isTTY && tty.isRaw);
	rl.pause();
	if (wasRaw) tty.setRawMode?.(false);
	const ignore = (): void => {};
	process.on('SIGINT', ignore);
	try {
		return await new Promise((resolve) => {
			const child = spawn(command, { shell: true, stdio: ['pipe', 'inherit', 'inherit'] });
			let settled = false;
			const finish = (r: { ok: true } | { ok: false; reason: string }) => {
				if (settled) return;
				settled = true;
				resolve(r);
			};
			child.on('error', (err) => finish({ ok: false, reason: err.message }));
			// A pager quit before reading everything closes its stdin: that is the reader's choice.
			child.stdin.on('error', () => {});
			child.on('close', (code) => {
				// 127 is the shell's "command not found": the pager never showed anything.
				if (code === 127 || code === 126) finish({ ok: false, reason: `exit ${code}` });
				else finish({ ok: true });
			});
			child.stdin.end(text);
		});
	} finally {
		process.off('SIGINT', ignore);
		if (wasRaw) tty.setRawMode?.(true);
		rl.resume();
	}
}
