/**
 * Records the plain-output fixtures: `npx tsx test/platforms/console/record-plain-golden.ts`. Run
 * it only to accept a deliberate change of the plain text; plain-unchanged.test.ts compares with them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ASK_CASES, FIXTURE_DIR, PIPED_LINES, PIPED_LINES_FA, runAsk, runPiped, serialize } from './plain-golden.js';

mkdirSync(FIXTURE_DIR, { recursive: true });
writeFileSync(path.join(FIXTURE_DIR, 'piped-en.txt'), serialize(runPiped(PIPED_LINES)));
writeFileSync(path.join(FIXTURE_DIR, 'piped-fa.txt'), serialize(runPiped(PIPED_LINES_FA, { SITREP_LOCALE: 'fa' })));
for (const c of ASK_CASES) writeFileSync(path.join(FIXTURE_DIR, `${c.name}.txt`), serialize(runAsk(c.args)));
