import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { renderWireTypes } from '../scripts/wire-types.js';

test('src/wire.gen.ts is what the server schemas generate today (run `pnpm generate` if not)', async () => {
  const committed = readFileSync(new URL('../src/wire.gen.ts', import.meta.url), 'utf8');
  expect(committed).toBe(await renderWireTypes());
});
