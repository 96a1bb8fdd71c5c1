import { randomFillSync } from 'node:crypto';

/**
 * Bytes from a pool refilled 4 KiB at a time, as Node's own randomUUID keeps one: each call to the
 * system's generator costs about 6 µs on the benchmark machine whatever its size, and an accept asked it
 * for a few small values (ids, a nonce), 5% of the server's time (bench/README.md, "Accept"). The bytes
 * are the same CSPRNG's, each handed out once.
 */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** `size` random bytes (a copy, never shared), for ids and nonces; at most 4,096. */
export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_SIZE) throw new RangeError(`pooledRandomBytes: at most ${POOL_SIZE} bytes`);
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  // Handed out once: zeroed in the pool, so a later read of this region can only be a refill's.
  pool.fill(0, offset, offset + size);
  offset += size;
  return bytes;
}
