// Generates src/wire.gen.ts: the client's wire types, derived from the zod schemas the server serialises
// with (@invitekit/core's wire/responses.ts), through JSON Schema. Run `pnpm --filter @invitekit/client
// generate` after changing a response schema; a test fails while the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderWireTypes } from './wire-types.js';

const target = fileURLToPath(new URL('../src/wire.gen.ts', import.meta.url));
writeFileSync(target, await renderWireTypes());
console.log(`wrote ${target}`);
