import type { ApiResult } from './harness.js';

/** One malformed request and the 4xx status, stable code and (optionally) parameter it must get. */
export interface BadInputCase {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  code: string;
  param?: string;
}

/** Why a response does not answer its case as it must, or null when it does. */
export function badInputMismatch(c: BadInputCase, res: ApiResult): string | null {
  const first = (res.body as { errors?: { code: string; meta?: { param_name?: string } }[] }).errors?.[0];
  const ok =
    res.status === c.status && first?.code === c.code && (!c.param || first?.meta?.param_name === c.param);
  return ok ? null : `${c.name}: got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
}
