import { assertContract } from './contract.js';

// The SDK keeps the JSON it parsed each resource from (`raw`): checking that against the contract shows
// what Invitekit sent, with no second request.

type WithRaw = { raw?: unknown };

/** The JSON behind an SDK resource matches `operationId`'s 200 response in the contract. */
export function expectWire(operationId: string, resource: unknown): void {
  const raw = (resource as WithRaw).raw;
  if (raw == null) throw new Error(`${operationId}: the SDK kept no raw JSON for this resource`);
  assertContract(operationId, 200, raw);
}

/** The same for a paginated list, rebuilt as it came: `{ data, total_count }`. */
export function expectWirePage(operationId: string, page: { data: unknown[]; totalCount: number }): void {
  assertContract(operationId, 200, {
    data: page.data.map((item) => (item as WithRaw).raw),
    total_count: page.totalCount,
  });
}
