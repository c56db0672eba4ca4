/**
 * One cold build of the SQLite engine's file, or with --parse the JSON.parse baseline, in a fresh
 * process (clean heap, clean peak RSS): see engine-build.ts.
 *
 *   tsx bench/engine-build.child.ts --dir DIR --out FILE
 *   tsx bench/engine-build.child.ts --dir DIR --parse
 *   tsx bench/engine-build.child.ts --dir DIR --out FILE --no-write     everything but the writer
 */
import { buildEngineFile, parseFiles } from './engine-build.js';
import { arg, flag, reply } from './lib.js';

reply(flag('parse') ? parseFiles(arg('dir')) : buildEngineFile(arg('dir'), arg('out'), { write: !flag('no-write') }));
