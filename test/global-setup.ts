/**
 * Once before the test files: dist/ built when the sources changed (bin/build.js --if-stale, what
 * bin/sitrep.js runs first), so that the tests that start `node bin/sitrep.js` run the built bot
 * without each of them waiting for a build.
 */
import { spawnSync } from 'node:child_process';

export default function setup(): void {
	const r = spawnSync(process.execPath, ['bin/build.js', '--if-stale'], { stdio: ['ignore', 'inherit', 'inherit'] });
	if (r.status !== 0) throw new Error(`bin/build.js --if-stale failed (${r.status ?? r.signal}); see its output above`);
}
