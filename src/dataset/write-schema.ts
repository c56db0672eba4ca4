/** `npm run schema`: regenerates data/schema.json from the zod schema. */
import { writeFileSync } from 'node:fs';
import { datasetJsonSchemaText } from './json-schema.js';

writeFileSync('data/schema.json', datasetJsonSchemaText());
process.stdout.write('wrote data/schema.json\n');
