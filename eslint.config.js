// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layers from './eslint-rules/layers.js';

const PLATFORM_SDKS = ['discord.js', 'discord.js/*', '@discordjs/*', 'discord-api-types', 'discord-api-types/*', 'telegraf', 'telegraf/*'];

export default tseslint.config(
	{ ignores: ['node_modules/', 'var/', 'dist/', 'dist.*/', 'coverage/', 'out/'] },
	{ linterOptions: { reportUnusedDisableDirectives: 'error' } },
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'@typescript-eslint/consistent-type-imports': 'error',
			'no-console': 'error',
			eqeqeq: ['error', 'smart'],
			'max-lines': ['warn', { max: 450, skipBlankLines: true, skipComments: true }],
			'no-restricted-properties': [
				'error',
				{ object: 'process', property: 'env', message: 'Read configuration through src/config.ts.' },
			],
		},
	},
	{
		// The architecture: layers in order (README "Layers"), no import cycles, and files short enough to read.
		files: ['src/**/*.ts', 'src/**/*.mjs', 'commands/**/*.ts'],
		plugins: { layers },
		rules: {
			'layers/order': 'error',
			'layers/no-cycle': 'error',
			'max-lines': ['error', { max: 450, skipBlankLines: true, skipComments: true }],
		},
	},
	{
		// The message catalogs are one long table per language; splitting them would not help a reader.
		files: ['src/i18n/messages/*.ts'],
		rules: { 'max-lines': 'off' },
	},
	{
		// The architecture rule: only src/platforms/<name>/ may import a platform SDK.
		files: ['src/**/*.ts', 'commands/**/*.ts'],
		ignores: ['src/platforms/discord/**', 'src/platforms/telegram/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: PLATFORM_SDKS,
							message: 'Only src/platforms/<name>/ may import a platform SDK; the core stays platform-neutral.',
						},
					],
				},
			],
		},
	},
	{
		// Entry points talk to the terminal and read the environment by design.
		files: ['src/cli.ts', 'src/config.ts', 'src/platforms/console/**', 'bin/**', 'bench/**', 'docs/**', 'test/**'],
		rules: { 'no-console': 'off', 'no-restricted-properties': 'off' },
	},
);
