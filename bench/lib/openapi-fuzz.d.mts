// Types for openapi-fuzz.mjs (imported by apps/server's fuzz test).

export interface FuzzContext {
  ids: Record<string, string>;
  token: string;
  secretKey: string;
  jwtSecret: string;
  sessionToken: string;
}

export interface FuzzRequest {
  operationId: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  label: string;
}

export interface FuzzProblem {
  index: number;
  request: string;
  problem: string;
}

export interface FuzzFigures {
  requests: number;
  statuses: Record<string, number>;
  fiveXX: number;
  nonJson: number;
  dropped: number;
  problems: FuzzProblem[];
}

export function signSession(secret: string, claims: Record<string, unknown>): string;
export function operationsOf(doc: unknown): { method: string; path: string; operationId: string }[];
export function sampleRequests(doc: unknown, ctx: FuzzContext, seed: number, count: number): FuzzRequest[];
export function sendAndCheck(
  baseUrl: string,
  req: FuzzRequest,
): Promise<{ status: number; problem: string | null; kind?: string }>;
export function seedFuzzData(baseUrl: string, secretKey: string, jwtSecret: string): Promise<FuzzContext>;
export function runFuzz(
  baseUrl: string,
  requests: FuzzRequest[],
  options?: { concurrency?: number; onProblem?: (problem: FuzzProblem) => void },
): Promise<FuzzFigures>;
