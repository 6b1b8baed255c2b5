/**
 * Every stage of an HTTP exchange over fetch as typed RxJS observables.
 *
 * @packageDocumentation
 * @module rx-transfer
 */
export type {
  BodyOf,
  ExactOptions,
  JsonTransferOptions,
  MessageOf,
  NdjsonTransferOptions,
  ResponseTypeFor,
} from './core/body-of.js';
export type {
  CompleteEvent,
  DownloadProgressEvent,
  HeadersEvent,
  ProgressEvent,
  ProgressFields,
  RetryEvent,
  SentEvent,
  StageTimings,
  StartEvent,
  StreamMessageEvent,
  TotalSource,
  TransferEvent,
  TransferEventType,
  UploadProgressEvent,
} from './core/events.js';
export type {
  KyPassThroughOptions,
  MessageMap,
  MessageType,
  ProgressInterval,
  ResponseBodyMap,
  ResponseType,
  TransferBody,
  TransferOptions,
} from './core/options.js';
export { transfer } from './core/transfer.js';
export { transferResult } from './core/transfer-result.js';
export type { TransferStages } from './core/transfer-stages.js';
export { transferStages } from './core/transfer-stages.js';
export { HTTPError, isHTTPError } from './errors/http-error.js';
export { LineTooLongError, MessageParseError } from './errors/message-errors.js';
export { isNetworkError, NetworkError } from './errors/network-error.js';
export type { TimeoutPhase, TransferErrorName } from './errors/transfer-errors.js';
export {
  IntegrityError,
  InvalidTransferOptionError,
  isTransferError,
  OverlongBodyError,
  RedirectError,
  ResponseParseError,
  ResumeError,
  TimeoutError,
  TransferAbortError,
  TransferError,
  TruncatedBodyError,
} from './errors/transfer-errors.js';
export type { ServerSentEvent } from './messages/server-sent-event.js';
export { ofType } from './operators/of-type.js';
export { sampleProgress } from './operators/sample-progress.js';
export type { TimeoutLimits } from './policies/deadlines.js';
export type { ResumeState } from './policies/resume.js';
export type { RetryPolicy } from './policies/retry-policy.js';
export { supportsRequestStreams } from './transports/supports-request-streams.js';
export type { TransportName } from './transports/transport.js';
