export type { BackendClient, BackendClientOptions, BackendCreateInvitationParams } from './backend.js';
export { createBackendClient } from './backend.js';
export { InvitekitApiError, isInvitekitApiError } from './errors.js';
export type { FrontendClient, FrontendClientOptions } from './frontend.js';
export { createFrontendClient } from './frontend.js';
export type { FetchLike, RequestOptions } from './request.js';
export type {
  CreateInvitationParams,
  CreateInvitationsParams,
  InvitationStatus,
  ListInvitationsParams,
  ListParams,
  Page,
} from './types.js';
export type * from './wire.gen.js';
