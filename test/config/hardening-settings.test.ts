/**
 * Settings added by issue #18: the Telegram webhook's interface (loopback unless set, as the ops
 * server's) and the share of the story a reload may remove without confirmation.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../../src/config.js';

const TG = { TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hook' };

describe('TELEGRAM_WEBHOOK_HOST', () => {
	it('is 127.0.0.1 unless set', () => {
		expect(createConfig(TG).telegram?.webhook?.host).toBe('127.0.0.1');
		expect(createConfig({ ...TG, TELEGRAM_WEBHOOK_HOST: '' }).telegram?.webhook?.host).toBe('127.0.0.1');
		expect(createConfig({ ...TG, TELEGRAM_WEBHOOK_HOST: '0.0.0.0' }).telegram?.webhook?.host).toBe('0.0.0.0');
	});
});

describe('SITREP_RELOAD_MAX_REMOVED_PERCENT', () => {
	it('is a share of 0-1 from a percentage, 50 by default, and refuses anything else', () => {
		expect(createConfig({}).reloadMaxRemovedShare).toBe(0.5);
		expect(createConfig({ SITREP_RELOAD_MAX_REMOVED_PERCENT: '20' }).reloadMaxRemovedShare).toBe(0.2);
		expect(() => createConfig({ SITREP_RELOAD_MAX_REMOVED_PERCENT: '150' })).toThrow(ConfigError);
		expect(() => createConfig({ SITREP_RELOAD_MAX_REMOVED_PERCENT: 'half' })).toThrow(/SITREP_RELOAD_MAX_REMOVED_PERCENT/u);
	});
});
