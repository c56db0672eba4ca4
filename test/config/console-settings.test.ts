/** The console's settings: paging only when asked, history file, and what the terminal says it is. */
import { describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config.js';

describe('console settings', () => {
	it('pages nothing by default; SITREP_PAGER names the pager or turns on PAGER (else less -R)', () => {
		expect(createConfig({}).console?.pager).toBeUndefined();
		expect(createConfig({}).console?.pagerCommand).toBe('less -R');
		expect(createConfig({ PAGER: 'most' }).console?.pager).toBeUndefined();
		expect(createConfig({ PAGER: 'most' }).console?.pagerCommand).toBe('most');
		expect(createConfig({ SITREP_PAGER: 'less -RS' }).console?.pager).toBe('less -RS');
		expect(createConfig({ SITREP_PAGER: 'on', PAGER: 'most' }).console?.pager).toBe('most');
		expect(createConfig({ SITREP_PAGER: '1' }).console?.pager).toBe('less -R');
		expect(createConfig({ SITREP_PAGER: 'off', PAGER: 'most' }).console?.pager).toBeUndefined();
		expect(createConfig({ SITREP_PAGER: '' }).console?.pager).toBeUndefined();
	});

	it('keeps history in var/console-history unless told otherwise or "off"', () => {
		expect(createConfig({}).console?.historyFile).toBe('var/console-history');
		expect(createConfig({ SITREP_CONSOLE_HISTORY: '/tmp/h' }).console?.historyFile).toBe('/tmp/h');
		expect(createConfig({ SITREP_CONSOLE_HISTORY: 'off' }).console?.historyFile).toBeUndefined();
	});

	it('reads NO_COLOR as no-color.org says (set and not empty) and notices tmux and screen', () => {
		expect(createConfig({}).console?.terminal.noColor).toBe(false);
		expect(createConfig({ NO_COLOR: '' }).console?.terminal.noColor).toBe(false);
		expect(createConfig({ NO_COLOR: '0' }).console?.terminal.noColor).toBe(true);
		expect(createConfig({ TERM: 'xterm-kitty' }).console?.terminal).toEqual({
			noColor: false,
			term: 'xterm-kitty',
			multiplexer: false,
		});
		expect(createConfig({ TMUX: '/tmp/tmux-0/default,1,0' }).console?.terminal.multiplexer).toBe(true);
		expect(createConfig({ STY: '123.pts-0' }).console?.terminal.multiplexer).toBe(true);
		expect(createConfig({ TERM: 'screen-256color' }).console?.terminal.multiplexer).toBe(true);
	});
});
