import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../../src/config.js';

describe('web configuration', () => {
	it('is off without SITREP_WEB_PORT; with it, the site alone on 127.0.0.1 by default', () => {
		expect(createConfig({}).web).toBeUndefined();
		const c = createConfig({ SITREP_WEB_PORT: '8080' });
		expect(c.web?.port).toBe(8080);
		expect(c.web?.host).toBe('127.0.0.1');
		expect([...c.web!.routes]).toEqual(['site']);
	});

	it('takes the routes as a list and names a wrong one', () => {
		const c = createConfig({ SITREP_WEB_PORT: '8080', SITREP_WEB_ROUTES: 'site, healthz,metrics,webhook', SITREP_WEB_HOST: '0.0.0.0' });
		expect([...c.web!.routes].sort()).toEqual(['healthz', 'metrics', 'site', 'webhook']);
		expect(c.web!.host).toBe('0.0.0.0');
		expect(() => createConfig({ SITREP_WEB_PORT: '8080', SITREP_WEB_ROUTES: 'site,admin' })).toThrow(
			/SITREP_WEB_ROUTES lists "admin"; use a comma-separated list of site, healthz, metrics, webhook/u,
		);
		expect(() => createConfig({ SITREP_WEB_PORT: 'eighty' })).toThrow(ConfigError);
	});

	it('keeps SITREP_PUBLIC_URL without a trailing slash and refuses what is not http(s)', () => {
		expect(createConfig({ SITREP_PUBLIC_URL: 'https://sitrep.example.org/story/' }).publicUrl).toBe('https://sitrep.example.org/story');
		expect(() => createConfig({ SITREP_PUBLIC_URL: 'javascript:alert(1)' })).toThrow(
			/SITREP_PUBLIC_URL must be an http:\/\/ or https:\/\/ URL/u,
		);
	});
});
