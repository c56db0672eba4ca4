/**
 * Reads one dataset file as untrusted input: a size cap before reading, strict UTF-8, YAML with
 * alias and depth limits, no prototype keys. JSON files go through the same parser (JSON is YAML
 * 1.2), so both report line and column the same way.
 */
import { isUtf8 } from 'node:buffer';
import { readFile, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { DatasetError } from './errors.js';

export interface SafeYamlLimits {
	/** Largest file accepted, in bytes. */
	readonly maxFileBytes: number;
	/** Deepest nesting of maps and sequences. */
	readonly maxDepth: number;
	/** Alias uses allowed per file (YAML anchors); bounds "billion laughs" expansion. */
	readonly maxAliasCount: number;
}

export const DEFAULT_YAML_LIMITS: SafeYamlLimits = { maxFileBytes: 2 * 1024 * 1024, maxDepth: 24, maxAliasCount: 20 };

const SAFE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A parsed file: its plain value, plus a way to find where a field path sits in the text. */
export interface ParsedFile {
	readonly value: unknown;
	readonly locate: (path: readonly PropertyKey[], key?: string) => { line: number; col: number };
	readonly bytes: Buffer;
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(buf: Uint8Array): number {
	let i = 0;
	while (i < buf.length) {
		const b = buf[i]!;
		let n: number;
		let min: number;
		if (b < 0x80) {
			i++;
			continue;
		} else if (b >= 0xc2 && b <= 0xdf) {
			n = 1;
			min = 0x80;
		} else if (b >= 0xe0 && b <= 0xef) {
			n = 2;
			min = 0x800;
		} else if (b >= 0xf0 && b <= 0xf4) {
			n = 3;
			min = 0x10000;
		} else return i;
		if (i + n >= buf.length) return i;
		let cp = b & (0x3f >> n);
		for (let k = 1; k <= n; k++) {
			const c = buf[i + k];
			if (c === undefined || (c & 0xc0) !== 0x80) return i;
			cp = (cp << 6) | (c & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
		i += n + 1;
	}
	return -1;
}

function lineColAt(buf: Uint8Array, offset: number): { line: number; col: number } {
	let line = 1;
	let col = 1;
	for (let i = 0; i < offset; i++) {
		if (buf[i] === 0x0a) {
			line++;
			col = 1;
		} else if ((buf[i]! & 0xc0) !== 0x80) col++;
	}
	return { line, col };
}

/**
 * Reads and parses `absPath`. Returns the parsed file, or every problem found, each tagged with `file`
 * (the name to show). Never throws for bad content.
 */
export async function readSafeYaml(
	absPath: string,
	file: string,
	limits: SafeYamlLimits = DEFAULT_YAML_LIMITS,
): Promise<{ ok: true; parsed: ParsedFile } | { ok: false; errors: DatasetError[] }> {
	const read = await readLimited(absPath, file, limits);
	return read.ok ? parseSafeYaml(read.bytes, file, limits) : read;
}

/**
 * The reading half of {@link readSafeYaml}: the size cap, then the bytes. The loader reads a few
 * files ahead with this and parses each only when it gets to it, so that at most one file's parsed
 * value is alive at a time.
 */
export async function readLimited(
	absPath: string,
	file: string,
	limits: SafeYamlLimits = DEFAULT_YAML_LIMITS,
	/** The data directory's real path: a file whose real path lies outside it is refused unread. */
	root?: string,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; errors: DatasetError[] }> {
	const checked = await checkLimited(absPath, file, limits, root);
	if (!checked.ok) return checked;
	let bytes: Buffer;
	try {
		bytes = await readFile(checked.path);
	} catch (err) {
		return failed(file, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
	}
	if (bytes.length > limits.maxFileBytes) return failed(file, `grew past the limit of ${limits.maxFileBytes} bytes while being read`);
	return { ok: true, bytes };
}

/**
 * The checks of {@link readLimited} before it reads: the file lies inside `root` (its real path, which
 * is returned), is a regular file, and is within the size cap. For a reader that streams the bytes
 * (hashing) and must still stop at the cap.
 */
export async function checkLimited(
	absPath: string,
	file: string,
	limits: SafeYamlLimits = DEFAULT_YAML_LIMITS,
	root?: string,
): Promise<{ ok: true; path: string } | { ok: false; errors: DatasetError[] }> {
	let size: number;
	try {
		if (root !== undefined) {
			// A symbolic link may point anywhere (a token file, /etc/passwd): read only what really lies inside.
			const real = await realpath(absPath);
			if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep))
				return failed(
					file,
					'is a link to a file outside the data directory; only files inside it are read (copy the file in instead)',
				);
			absPath = real;
		}
		const st = await stat(absPath);
		if (!st.isFile()) return failed(file, 'is not a regular file');
		size = st.size;
	} catch (err) {
		return failed(file, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
	}
	if (size > limits.maxFileBytes) {
		return failed(
			file,
			`is ${size} bytes; the limit is ${limits.maxFileBytes} bytes. Split it into several files (e.g. one event per file in events/)`,
		);
	}
	return { ok: true, path: absPath };
}

function failed(file: string, message: string): { ok: false; errors: DatasetError[] } {
	return failedAt(file, 0, 0, message);
}

/** One error at a place in the file, not at a field. */
function failedAt(file: string, line: number, col: number, message: string): { ok: false; errors: DatasetError[] } {
	return { ok: false, errors: [{ file, line, col, path: '', message }] };
}

/** The parsing half of {@link readSafeYaml}, for content already in memory. */
export function parseSafeYaml(
	bytes: Buffer,
	file: string,
	limits: SafeYamlLimits = DEFAULT_YAML_LIMITS,
): { ok: true; parsed: ParsedFile } | { ok: false; errors: DatasetError[] } {
	const errors: DatasetError[] = [];
	// The native check (simdutf, same rules: no overlongs, no surrogates, nothing past U+10FFFF) is
	// some fifty times faster; the scan runs only to say where a bad byte is.
	const bad = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
	if (bad >= 0) {
		const { line, col } = lineColAt(bytes, bad);
		return failedAt(
			file,
			line,
			col,
			`is not valid UTF-8 (byte 0x${bytes[bad]!.toString(16)} at offset ${bad}); save the file as UTF-8`,
		);
	}
	let source = bytes.toString('utf8');
	if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
	// JSON first: text JSON.parse accepts holds no raw control character but DEL (JSON allows it
	// inside strings only, and its whitespace is tab, CR, LF and space), so the regex scan below —
	// the slowest step after the parse itself — is needed only for DEL or when the parse fails.
	let json: { value: unknown } | undefined;
	if (file.toLowerCase().endsWith('.json')) {
		try {
			json = { value: JSON.parse(source) };
		} catch {
			json = undefined;
		}
	}
	// Control characters other than tab and newlines have no business in an editor's file and
	// can hide text from reviewers.
	// eslint-disable-next-line no-control-regex -- finding control characters is the point
	const ctl = json && !source.includes('\u007f') ? null : /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u.exec(source);
	if (ctl) {
		const before = source.slice(0, ctl.index);
		const line = before.split('\n').length;
		const col = ctl.index - before.lastIndexOf('\n');
		return failedAt(
			file,
			line,
			col,
			`contains the control character U+${ctl[0].charCodeAt(0).toString(16).padStart(4, '0')}; remove it`,
		);
	}
	if (json) {
		const fast = parseJsonFast(json.value, source, bytes, file, limits);
		if (fast) return fast;
	}
	const blockProblem = blockDepthProblem(source, limits.maxDepth);
	if (blockProblem)
		return {
			ok: false,
			errors: [
				{ file, line: blockProblem.line, col: blockProblem.col, path: '', message: `nests deeper than ${limits.maxDepth} levels` },
			],
		};
	const depthProblem = flowDepthProblem(source, limits.maxDepth);
	const lc = new LineCounter();
	if (depthProblem >= 0) {
		lc.addNewLine(0);
		for (let i = 0; i < source.length; i++) if (source[i] === '\n') lc.addNewLine(i + 1);
		const { line, col } = lc.linePos(depthProblem);
		return failedAt(file, line, col, `nests deeper than ${limits.maxDepth} levels`);
	}
	let doc: Document.Parsed;
	try {
		doc = parseDocument(source, {
			lineCounter: lc,
			uniqueKeys: true,
			prettyErrors: false,
			strict: true,
			version: '1.2',
			schema: 'core',
			merge: false,
			customTags: [],
		});
	} catch (err) {
		if (err instanceof RangeError) return failed(file, `nests deeper than ${limits.maxDepth} levels`);
		return failed(file, `cannot be parsed: ${err instanceof Error ? err.message : String(err)}`);
	}
	// Unknown tags (!!js/function, !custom) are only warnings to the parser; here they are errors.
	for (const e of [...doc.errors, ...doc.warnings]) {
		const { line, col } = lc.linePos(e.pos[0]);
		// The parser reports its own stack overflow as a syntax error; it is nesting the pre-scans missed.
		const overflow = /Maximum call stack size exceeded/u.test(e.message);
		errors.push({
			file,
			line,
			col,
			path: '',
			message: overflow ? `nests deeper than ${limits.maxDepth} levels` : `YAML syntax: ${firstLine(e.message)}`,
		});
	}
	if (errors.length) return { ok: false, errors };

	// Walk the node tree: depth, forbidden keys, non-scalar keys, tags.
	const walk = (node: unknown, depth: number, path: PropertyKey[]): void => {
		if (depth > limits.maxDepth) {
			const n = node as Node;
			const { line, col } = lc.linePos(n.range?.[0] ?? 0);
			errors.push({ file, line, col, path: formatPathLocal(path), message: `nests deeper than ${limits.maxDepth} levels` });
			return;
		}
		const tag = (node as { tag?: string } | null)?.tag;
		if (tag && !SAFE_TAGS.has(tag) && !isAlias(node)) {
			const { line, col } = lc.linePos((node as Node).range?.[0] ?? 0);
			errors.push({ file, line, col, path: formatPathLocal(path), message: `the YAML tag ${tag} is not allowed` });
			return;
		}
		if (isMap(node)) {
			for (const pair of node.items) {
				if (!isPair(pair)) continue;
				const key = pair.key;
				if (!isScalar(key)) {
					const { line, col } = lc.linePos((key as Node | null)?.range?.[0] ?? node.range?.[0] ?? 0);
					errors.push({ file, line, col, path: formatPathLocal(path), message: 'map keys must be plain text' });
					continue;
				}
				const k = String(key.value);
				if (FORBIDDEN_KEYS.has(k)) {
					const { line, col } = lc.linePos(key.range?.[0] ?? 0);
					errors.push({ file, line, col, path: formatPathLocal([...path, k]), message: `the key "${k}" is not allowed` });
					continue;
				}
				walk(pair.value, depth + 1, [...path, k]);
			}
		} else if (isSeq(node)) {
			node.items.forEach((item, i) => walk(item, depth + 1, [...path, i]));
		}
	};
	walk(doc.contents, 0, []);
	if (errors.length) return { ok: false, errors };

	let value: unknown;
	try {
		value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
	} catch (err) {
		const msg = err instanceof Error ? err.message : String(err);
		return failed(
			file,
			/alias/iu.test(msg)
				? `uses too many YAML aliases (limit ${limits.maxAliasCount}); write the values out instead`
				: `cannot be read: ${firstLine(msg)}`,
		);
	}

	const locate = (path: readonly PropertyKey[], key?: string): { line: number; col: number } => {
		// Walk as far down the path as exists; report the deepest node found.
		for (let len = path.length; len >= 0; len--) {
			const sub = path.slice(0, len);
			const node = (sub.length === 0 ? doc.contents : doc.getIn(sub as unknown[], true)) as Node | undefined;
			if (!node || !node.range) continue;
			if (key !== undefined && len === path.length && isMap(node)) {
				const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
				const k = pair?.key as Node | undefined;
				if (k?.range) return lc.linePos(k.range[0]);
			}
			if (len < path.length && isMap(node)) {
				// The field is missing: point at the object that should hold it.
				return lc.linePos(node.range[0]);
			}
			return lc.linePos(node.range[0]);
		}
		return { line: 1, col: 1 };
	};
	return { ok: true, parsed: { value, locate, bytes } };
}

/**
 * JSON files first go through JSON.parse, which is some fifty times faster than the YAML parser;
 * positions are worked out with the YAML parser only when something needs locating. Returns
 * undefined to fall back to the full YAML path (for example on a duplicate key, to report its line).
 */
function parseJsonFast(
	value: unknown,
	source: string,
	bytes: Buffer,
	file: string,
	limits: SafeYamlLimits,
): { ok: true; parsed: ParsedFile } | undefined {
	// JSON.parse keeps the last of two equal keys silently; an editor deserves to hear about it. Each
	// key of the text is followed by the only colons outside strings, so fewer keys in the value than
	// colons in the text means a repeated key — counted without the Set and the slice per key of
	// comparing names.
	if (jsonKeys(value, 0, limits.maxDepth) !== jsonColons(source)) return undefined;
	return { ok: true, parsed: { value, locate: jsonLocate(bytes, file, limits), bytes } };
}

/**
 * Keys in a parsed JSON value found at `depth`, or -1 if it holds a forbidden key or nests past
 * `maxDepth`. Recursion is safe: it stops one level past maxDepth.
 */
function jsonKeys(v: unknown, depth: number, maxDepth: number): number {
	if (v === null || typeof v !== 'object') return 0;
	if (depth > maxDepth) return -1;
	let keys = 0;
	if (Array.isArray(v)) {
		for (let i = 0; i < v.length; i++) {
			const k = jsonKeys(v[i], depth + 1, maxDepth);
			if (k < 0) return -1;
			keys += k;
		}
		return keys;
	}
	for (const k in v) {
		if (FORBIDDEN_KEYS.has(k)) return -1;
		const inner = jsonKeys((v as Record<string, unknown>)[k], depth + 1, maxDepth);
		if (inner < 0) return -1;
		keys += 1 + inner;
	}
	return keys;
}

/** Positions in a JSON file, worked out with the YAML parser the first time one is needed. */
function jsonLocate(bytes: Buffer, file: string, limits: SafeYamlLimits): ParsedFile['locate'] {
	let slow: ReturnType<typeof parseSafeYaml> | undefined;
	return (path, key) => {
		slow ??= parseSafeYaml(bytes, `${file}#positions`, { ...limits, maxAliasCount: 0 });
		return slow.ok ? slow.parsed.locate(path, key) : { line: 1, col: 1 };
	};
}

/** Colons outside strings in text JSON.parse accepted: one per key. */
function jsonColons(src: string): number {
	let n = 0;
	for (let i = 0; i < src.length; i++) {
		const c = src.charCodeAt(i);
		if (c === 0x3a) n++;
		else if (c === 0x22) {
			// Skip the string: to the next quote not escaped by an odd run of backslashes.
			let j = src.indexOf('"', i + 1);
			for (;;) {
				let b = 0;
				while (src.charCodeAt(j - 1 - b) === 0x5c) b++;
				if (b % 2 === 0) break;
				j = src.indexOf('"', j + 1);
			}
			i = j;
		}
	}
	return n;
}

function firstLine(s: string): string {
	return s.split('\n')[0]!.trim();
}

function formatPathLocal(path: readonly PropertyKey[]): string {
	let out = '';
	for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
	return out;
}

/**
 * Cheap pre-scan for block-style nesting (ever deeper indentation, or "- - - …" compact sequences)
 * that would exhaust the parser's stack. It counts indentation levels plus compact "- " / "? "
 * markers per line: at most one more than the real depth, and at least half of it (a sequence may
 * sit at its key's indentation). So the limit here is set well above `maxDepth` — the node walk
 * enforces the exact limit — and well below where the parser's stack gives out.
 */
function blockDepthProblem(source: string, maxDepth: number): { line: number; col: number } | undefined {
	const limit = maxDepth * 4 + 32;
	const indents: number[] = [];
	let line = 0;
	for (let start = 0; start < source.length;) {
		let end = source.indexOf('\n', start);
		if (end < 0) end = source.length;
		line++;
		let i = start;
		while (i < end && source.charCodeAt(i) === 32) i++;
		if (i < end && source[i] !== '#' && source[i] !== '\r') {
			const indent = i - start;
			while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
			indents.push(indent);
			let depth = indents.length;
			while (i + 1 < end && (source[i] === '-' || source[i] === '?') && source[i + 1] === ' ') {
				depth++;
				i += 2;
				while (i < end && source.charCodeAt(i) === 32) i++;
			}
			if (depth > limit) return { line, col: i - start + 1 };
		}
		start = end + 1;
	}
	return undefined;
}

/**
 * Cheap pre-scan for flow-style nesting ("[[[[…" or "{{{{…") that could exhaust the parser's stack
 * before the node walk runs. Returns the offset where the limit is passed, or -1.
 */
function flowDepthProblem(source: string, maxDepth: number): number {
	let depth = 0;
	let quote: string | null = null;
	for (let i = 0; i < source.length; i++) {
		const c = source[i];
		if (quote) {
			if (c === quote && source[i - 1] !== '\\') quote = null;
			continue;
		}
		if (c === '"') quote = c;
		else if (c === '#' && (i === 0 || /\s/u.test(source[i - 1]!))) {
			const nl = source.indexOf('\n', i);
			if (nl < 0) break;
			i = nl;
		} else if (c === '[' || c === '{') {
			if (++depth > maxDepth * 2) return i;
		} else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
		else if (c === '\n' && depth === 0) quote = null;
	}
	return -1;
}
