/**
 * The concatenation guard: reply text comes from the message catalog, never from English literals in
 * the commands, the core, the briefing or the renderers. Every string literal (and every static part
 * of a template) in those files that looks like English words — two or more letters followed by a
 * space (or after one), or a capitalised word — fails this test unless it is allowed below: an import path, a log
 * message (logger.*), a developer error (new Error), a type, an object key, a command line
 * ("/timeline from:…"), a code-like name, or one of the listed cases with its reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ts_files = (dir: string) =>
	readdirSync(path.join(ROOT, dir))
		.filter((f) => f.endsWith('.ts'))
		.map((f) => `${dir}/${f}`);

export const GUARDED = [
	...ts_files('commands'),
	...ts_files('src/core'),
	...ts_files('src/briefing'),
	'src/render/plain-text.ts',
	'src/render/terminal-text.ts',
	'src/scheduler/schedule-input.ts',
	'src/store/services.ts',
	'src/platforms/console/console-chat.ts',
	'src/platforms/telegram/render-telegram.ts',
	'src/platforms/telegram/telegram-adapter.ts',
	'src/platforms/telegram/telegram-sender.ts',
	'src/platforms/discord/render-discord.ts',
	'src/platforms/discord/discord-adapter.ts',
	'src/platforms/discord/page-buttons.ts',
	'src/platforms/discord/to-slash-command-json.ts',
];

/** Functions whose strings are for developers, not readers. */
const DEVELOPER_FUNCTIONS: Record<string, string> = {
	definitionProblems: 'lint messages about command definitions, shown to developers at start-up and in tests',
	createRegistry: 'start-up error about the command registry, for developers',
	limitProblems: 'diagnostics of Discord limits, for tests and logs',
	gatewayDown: "the Discord gateway's state for /healthz, read by the operator",
	pollingStopped: "Telegram polling's state for /healthz, read by the operator",
	progressFailure: 'why a delivery stopped, recorded in the ledger for the operator (a transient failure, never shown as a pause)',
};

/** Single literals that are never shown, with why. */
const NEVER_SHOWN: Record<string, string> = {
	'warm up': 'a search that builds the search index at start-up; its result is thrown away',
	"could not record the delivery's progress: ":
		"a send outcome's reason when the ledger failed: logged and kept in the delivery ledger for operators, never sent to a chat",
	'the chat moved':
		"a correction edit's failure reason, kept in the live ledger for operators; the chat gets the correction reply instead",
};

/** Constants whose strings are input keywords, not output. */
const INPUT_WORDS: Record<string, string> = {
	TODAY: '"today" as readers of each language type it in a date option',
	YESTERDAY: '"yesterday" as readers of each language type it in a date option',
};

/** Object properties whose strings are command lines or identifiers. */
const CODE_PROPERTIES = new Set(['examples']);

const LOG_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'child']);
const ENGLISH = /[A-Za-z]{2,} | [A-Za-z]{2,}|\b[A-Z][a-z]+\b/u;
/** A command line, a command with its options: code, the same in every language. */
const COMMAND_LINE = /^\/[a-z_]+(?:[\s@]|$)/u;
/** CamelCase identifiers (UserFacingError). */
const CODE_NAME = /^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$/u;
/** Markup the renderers write around text: `<a href="`. */
const MARKUP = /^<\/?[a-z]+[\s>=]/u;

/** The static start of the template a template part belongs to (a command line starts there). */
function templateStart(node: ts.Node): string | undefined {
	const span = node.parent;
	const template = span && ts.isTemplateSpan(span) ? span.parent : undefined;
	return template && ts.isTemplateExpression(template) ? template.head.text : undefined;
}

interface Offender {
	readonly file: string;
	readonly line: number;
	readonly text: string;
}

function isLogCall(call: ts.CallExpression): boolean {
	const callee = call.expression;
	let name: string | undefined;
	let object: ts.Expression | undefined;
	if (ts.isPropertyAccessExpression(callee)) {
		name = callee.name.text;
		object = callee.expression;
	} else if (ts.isElementAccessExpression(callee)) {
		object = callee.expression;
		name = 'error'; // logger[level](…)
	}
	if (!name || !object || !LOG_METHODS.has(name)) return false;
	return /log/iu.test(object.getText());
}

function allowed(node: ts.Node): boolean {
	for (let p: ts.Node | undefined = node.parent; p; p = p.parent) {
		if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isLiteralTypeNode(p) || ts.isTypeNode(p)) return true;
		if (ts.isCallExpression(p) && isLogCall(p)) return true;
		if (ts.isNewExpression(p) && /Error$/u.test(p.expression.getText()) && p.expression.getText() !== 'UserFacingError') return true;
		if (ts.isThrowStatement(p) && p.expression && ts.isNewExpression(p.expression) && p.expression.expression.getText() === 'Error')
			return true;
		if (ts.isFunctionDeclaration(p) && p.name && DEVELOPER_FUNCTIONS[p.name.text]) return true;
		if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) && INPUT_WORDS[p.name.text]) return true;
		if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && CODE_PROPERTIES.has(p.name.text)) return true;
	}
	const parent = node.parent;
	// Object keys and element-access keys ('state-affiliated': …, services['registry']).
	if (
		(ts.isPropertyAssignment(parent) && parent.name === node) ||
		(ts.isElementAccessExpression(parent) && parent.argumentExpression === node)
	)
		return true;
	return false;
}

/** The English-looking string literals of one file that no rule allows. */
export function offenders(file: string, source = readFileSync(path.join(ROOT, file), 'utf8')): Offender[] {
	const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
	const out: Offender[] = [];
	const visit = (node: ts.Node): void => {
		let text: string | undefined;
		if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
		else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) text = node.text;
		const start = ts.isTemplateMiddle(node) || ts.isTemplateTail(node) ? templateStart(node) : text;
		if (
			text !== undefined &&
			ENGLISH.test(text) &&
			!COMMAND_LINE.test((start ?? text).trim()) &&
			!CODE_NAME.test(text) &&
			!MARKUP.test(text) &&
			NEVER_SHOWN[text] === undefined &&
			!allowed(node)
		) {
			out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text });
		}
		ts.forEachChild(node, visit);
	};
	visit(sf);
	return out;
}

describe('the concatenation guard', () => {
	it('finds no English reply text outside the message catalog', () => {
		const found = GUARDED.flatMap((f) => offenders(f));
		expect(found.map((o) => `${o.file}:${o.line}  ${JSON.stringify(o.text)}`)).toEqual([]);
	});

	it('catches what it is meant to catch, and lets code and logs through', () => {
		const sample = `
			import { x } from '../src/core/reply.js';
			const a = para('No events match the dataset.');
			const b = { name: 'Type', value: x };
			const c = \`\${n} events, \${m} sources\`;
			logger.info({ n }, 'Answered command');
			throw new Error('the registry is broken');
			const d = { examples: ['/timeline from:2025-06-27 to:2025-07-01'] };
			const e = { command: \`/timeline from:\${a} to:\${b}\` };
			const f = services['registry'];
			const g: 'bold' | 'italic' = 'bold';
			const h = new UserFacingError('NOT_FOUND', 'No actor matches that.');
		`;
		expect(offenders('sample.ts', sample).map((o) => o.text)).toEqual([
			'No events match the dataset.',
			'Type',
			' events, ',
			' sources',
			'No actor matches that.',
		]);
	});

	it('covers the files the design names', () => {
		for (const f of [
			'commands/timeline.ts',
			'src/core/dispatch.ts',
			'src/core/present.ts',
			'src/briefing/compose-briefing.ts',
			'src/render/plain-text.ts',
			'src/render/terminal-text.ts',
			'src/platforms/telegram/render-telegram.ts',
			'src/platforms/discord/render-discord.ts',
		]) {
			expect(GUARDED).toContain(f);
		}
	});
});
