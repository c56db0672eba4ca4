/**
 * The writer thread of a build (write-channel.ts): receives records as the loader's thread made
 * them (prepared.ts) and writes them with an EngineWriter into the new file, so that the loader's
 * JavaScript and SQLite's work run on two cores at once.
 *
 * workerData: a WriterJob. Messages in: WriterMessage; out: WriterReply (see write-channel.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openBuildFile } from './build-file.js';
import { EngineWriter } from './writer.js';
import type { WriterJob, WriterMessage, WriterOp, WriterReply } from './write-protocol.js';

const port = parentPort;
if (!port) throw new Error('write-worker runs as a worker thread, started by the build (write-channel.ts)');
const job = workerData as WriterJob;
let ended = false;
let events = 0;

function reply(r: WriterReply): void {
	port!.postMessage(r);
}

/** Tells the loader's thread why the writing failed, and ends. */
function failed(err: unknown): void {
	ended = true;
	reply({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
	port!.close();
}

let db: ReturnType<typeof openBuildFile> | undefined;
let writer: EngineWriter | undefined;
try {
	db = openBuildFile(job.file);
	// The file is closed right after finish (below): its staging tables go with the connection.
	writer = new EngineWriter(db, { closesAfterFinish: true, ordsGiven: true });
} catch (err) {
	failed(err);
}

function apply(writer: EngineWriter, op: WriterOp): void {
	switch (op[0]) {
		case 'file': {
			const n = writer.addFile(op[1], op[2]);
			if (n !== op[3]) throw new Error(`file ${op[1]} numbered ${n} here and ${op[3]} by the loader`);
			return;
		}
		case 'actor':
			return writer.addActor(op[1], op[2]);
		case 'source':
			return writer.addSource(op[1], op[2]);
		case 'event':
			if (job.failAfterEvents !== undefined && events >= job.failAfterEvents) throw new Error('the writer stopped on request (test)');
			events++;
			return writer.addPrepared(op[1]);
	}
}

/** Ends the thread's work: the file closed (complete only after a finish), the port let go. */
function end(r: WriterReply): void {
	ended = true;
	db!.close();
	reply(r);
	port!.close();
}

port.on('message', (m: WriterMessage) => {
	if (ended || !db || !writer) return;
	try {
		if (m.kind === 'ops') {
			for (const op of m.ops) apply(writer, op);
			reply({ kind: 'written' });
		} else if (m.kind === 'finish') {
			writer.finish(m.meta, undefined, m.ords);
			end({ kind: 'finished' });
		} else {
			writer.abort();
			end({ kind: 'aborted' });
		}
	} catch (err) {
		try {
			writer.abort();
			db.close();
		} catch {
			// The rollback's or the close's own trouble: the file is never marked complete either way.
		}
		failed(err);
	}
});
