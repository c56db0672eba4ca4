/**
 * A process that builds a dataset into a shared cache and prints what happened as one JSON line:
 * { ok, built, version, file }. Started twice at once by build-processes.test.ts.
 *
 *   node --import tsx test/dataset/engine/helpers/build-child.ts DIR CACHE
 */
import { buildDataset } from '../../../../src/dataset/engine/build.js';

const [dir, cacheDir] = process.argv.slice(2) as [string, string];
const r = await buildDataset(dir, { cacheDir });
process.stdout.write(
	`${JSON.stringify(r.ok ? { ok: true, built: r.built, version: r.version, file: r.file } : { ok: false, errors: r.errors })}\n`,
);
if (r.ok) r.release();
