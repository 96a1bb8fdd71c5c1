export type { BackendClient, BackendClientOptions } from './backend.js';
export { createBackendClient } from './backend.js';
export { InvitekitApiError, isInvitekitApiError } from './errors.js';
export type { FrontendClient, FrontendClientOptions } from './frontend.js';
export { createFrontendClient } from './frontend.js';
export type { FetchLike, RequestOptions, RetryOptions } from './request.js';
export { newIdempotencyKey } from './request.js';
export type {
  FrontendImportRow,
  ImportOptions,
  ImportRow,
  ImportRowsParams,
  InvitationStatus,
  ListInvitationsParams,
  ListJoinLinkUsesParams,
  ListParams,
  Page,
} from './types.js';
export type * from './wire.gen.js';
