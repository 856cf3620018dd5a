export { isPublicAddress } from './outbound-address';
export { OutboundGuard, type OutboundPolicy, type OutboundRequestInit, type Resolver } from './outbound-guard';
export { OutboundFetchError, type OutboundFailure, OutboundUrlError } from './outbound.errors';
