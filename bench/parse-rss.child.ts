/**
 * Peak RSS of reading and JSON.parse-ing every file of a dataset and keeping the values: what the
 * data alone costs in memory, as a reference for the loader's peak RSS.
 *
 *   tsx bench/parse-rss.child.ts --dir DIR
 */
import { readFileSync } from 'node:fs';
import { arg, datasetFiles, peakRssMb, reply } from './lib.js';

const kept = datasetFiles(arg('dir')).map((f) => JSON.parse(readFileSync(f, 'utf8')) as unknown);
reply({ peakRssMb: peakRssMb(), files: kept.length });
