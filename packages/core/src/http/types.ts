/** The plain request every adapter builds: the path is relative to where the adapter is mounted. */
export interface InvitekitRequest {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, if any. */
  body?: unknown;
}

/** What the adapter writes back; `body` is serialised as JSON. */
export interface InvitekitResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}
