import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSchemaSdl } from './schema-sdl';

/** Writes apps/api/src/schema/schema.gql; a test fails when it differs from the code. */
async function main() {
  const sdl = await generateSchemaSdl();
  const file = join(__dirname, 'schema.gql');
  writeFileSync(file, sdl);
  console.log(`wrote ${file}`);
}
void main();
