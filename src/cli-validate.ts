/**
 * `npx sitrep validate [DIR]`: checks a dataset directory and prints every error; with --languages,
 * the texts without a translation; with --against, what a reload from the live directory would remove.
 */
import { fail, parseOptions } from './cli-output.js';
import { tryLoadConfig } from './config.js';
import { diffDatasets } from './dataset/diff.js';
import { formatDatasetError } from './dataset/errors.js';
import { loadDataset } from './dataset/load-dataset.js';
import { hiddenCounts } from './dataset/visible-view.js';
import { hasBidiControl } from './i18n/bidi.js';
import { missingTranslations, type MissingTranslation } from './i18n/coverage.js';
import { DEFAULT_MAX_REMOVED_SHARE, shrinkBeyond } from './reload/shrink-guard.js';

/** Runs `sitrep validate` with its arguments. */
export async function validate(args: string[]): Promise<void> {
	const parsed = parseOptions(
		{
			args,
			allowPositionals: true,
			options: { against: { type: 'string' }, languages: { type: 'string' }, 'require-translations': { type: 'boolean' } },
		},
		'Usage: npx sitrep validate [DIR] [--against LIVE_DIR] [--languages ru,az,fa] [--require-translations]',
	);
	if (!parsed) return;
	const { positionals, values } = parsed;
	const dir = positionals[0] ?? 'data';
	const languages =
		values.languages === undefined
			? []
			: values.languages
					.split(',')
					.map((l) => l.trim())
					.filter(Boolean);
	const badLang = languages.find((l) => !/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/u.test(l));
	if (badLang !== undefined || (values.languages !== undefined && languages.length === 0)) {
		return fail(`--languages takes language tags separated by commas, e.g. --languages ru,az,fa; got "${values.languages ?? ''}"`, 2);
	}
	const started = performance.now();
	const r = await loadDataset(dir);
	const ms = Math.round(performance.now() - started);
	if (r.ok) {
		const c = r.snapshot.counts;
		const hidden = hiddenCounts(r.snapshot, Date.now());
		const gate =
			hidden.drafts + hidden.embargoed
				? `; of the events, ${hidden.drafts} ${hidden.drafts === 1 ? 'is a draft' : 'are drafts'} and ${hidden.embargoed} under embargo, shown to no one yet`
				: '';
		process.stdout.write(
			`${dir}: valid — ${c.events} events, ${c.actors} actors, ${c.sources} sources, ${c.claims} claims (version ${r.snapshot.version}, ${ms} ms)${gate}\n`,
		);
		for (const w of bidiWarnings(r.snapshot)) process.stdout.write(`warning: ${w}\n`);
		if (parsed.values.against !== undefined) await compareWithLive(parsed.values.against, dir, r.snapshot);
		if (languages.length)
			reportTranslations(dir, missingTranslations(r.snapshot, languages), languages, values['require-translations'] === true);
		return;
	}
	for (const e of r.errors) process.stdout.write(`${formatDatasetError(e)}\n`);
	process.stderr.write(`${dir}: ${r.errors.length} ${r.errors.length === 1 ? 'error' : 'errors'}\n`);
	process.exitCode = 1;
}

/**
 * The missing translations, one per line (language, what, id, the field to add, the file), then a
 * count per language. A report, not an error, unless --require-translations asks for exit code 1.
 */
function reportTranslations(dir: string, missing: readonly MissingTranslation[], languages: readonly string[], required: boolean): void {
	for (const m of missing) process.stdout.write(`${m.lang}  ${m.kind} ${m.id}: add ${m.field}${m.file ? `  (${m.file})` : ''}\n`);
	const counts = languages.filter((l) => l !== 'en').map((l) => `${l} ${missing.filter((m) => m.lang === l).length}`);
	process.stdout.write(
		`${dir}: ${missing.length ? `${missing.length} missing ${missing.length === 1 ? 'translation' : 'translations'} (${counts.join(', ')})` : `translated into ${languages.join(', ')}`}\n`,
	);
	if (missing.length && required) process.exitCode = 1;
}

/**
 * Text fields holding an explicit bidi control (U+202A–U+202E, U+2066–U+2069): a warning, not an
 * error — the bot isolates such text in every reply — since an override can make a title read
 * differently from what the editors reviewed.
 */
function bidiWarnings(snapshot: Extract<Awaited<ReturnType<typeof loadDataset>>, { ok: true }>['snapshot']): string[] {
	const out: string[] = [];
	const walk = (where: string, value: unknown): void => {
		if (typeof value === 'string') {
			const ch = /[\u202a-\u202e\u2066-\u2069]/u.exec(value)?.[0];
			if (ch)
				out.push(
					`${where} contains the bidi control U+${ch.charCodeAt(0).toString(16).toUpperCase()}; replies isolate it, but check that the text reads as meant, and remove it if it was pasted by accident`,
				);
		} else if (Array.isArray(value)) value.forEach((v, i) => walk(`${where}[${i}]`, v));
		else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(`${where}.${k}`, v);
	};
	walk('story', snapshot.story);
	for (const [kind, list] of [
		['events', snapshot.eachEvent()],
		['actors', snapshot.eachActor()],
		['sources', snapshot.eachSource()],
		['claims', snapshot.eachClaim()],
	] as const) {
		for (const record of list) if (hasBidiControl(JSON.stringify(record))) walk(`${kind}[id=${record.id}]`, record);
	}
	return out.slice(0, 50);
}

/** What a reload from `liveDir` to the validated dataset would remove, and whether it needs confirming. */
async function compareWithLive(
	liveDir: string,
	dir: string,
	next: Extract<Awaited<ReturnType<typeof loadDataset>>, { ok: true }>['snapshot'],
): Promise<void> {
	const live = await loadDataset(liveDir);
	if (!live.ok)
		return fail(
			`${liveDir} (--against) is not a valid dataset itself (${live.errors.length} errors); check it with: npx sitrep validate ${liveDir}`,
			1,
		);
	const config = tryLoadConfig();
	const share = config.ok ? (config.config.reloadMaxRemovedShare ?? DEFAULT_MAX_REMOVED_SHARE) : DEFAULT_MAX_REMOVED_SHARE;
	const diff = diffDatasets(live.snapshot, next);
	for (const kind of ['events', 'actors', 'sources', 'claims'] as const) {
		const removed = diff[kind].removed;
		if (removed.length)
			process.stdout.write(`would remove ${removed.length} of ${live.snapshot.counts[kind]} ${kind}: ${removed.join(', ')}\n`);
	}
	const shrink = shrinkBeyond(diff, live.snapshot.counts, share);
	if (shrink.length) {
		process.stdout.write(
			`${dir}: a reload from ${liveDir} removes more than ${Math.round(share * 100)}% of the ${shrink.map((s) => s.kind).join(', ')}; the bot refuses it (the file watch always) until an owner runs /reload confirm:true\n`,
		);
	} else process.stdout.write(`${dir}: a reload from ${liveDir} needs no confirmation\n`);
}
