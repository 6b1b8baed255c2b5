export type { BodyOf, ExactOptions, JsonTransferOptions, ResponseTypeFor } from './body-of.js';
export type { TimeoutLimits } from './deadlines.js';
export type { TimeoutPhase, TransferErrorName } from './errors.js';
export {
  InvalidTransferOptionError,
  isTransferError,
  OverlongBodyError,
  RedirectError,
  ResponseParseError,
  TimeoutError,
  TransferAbortError,
  TransferError,
  TruncatedBodyError,
} from './errors.js';
export type {
  CompleteEvent,
  DownloadProgressEvent,
  HeadersEvent,
  ProgressEvent,
  ProgressFields,
  SentEvent,
  StageTimings,
  StartEvent,
  TotalSource,
  TransferEvent,
  TransferEventType,
  UploadProgressEvent,
} from './events.js';
export { HTTPError, isHTTPError } from './http-error.js';
export { isNetworkError, NetworkError } from './network-error.js';
export { ofType } from './operators/of-type.js';
export { sampleProgress } from './operators/sample-progress.js';
export type {
  KyPassThroughOptions,
  ProgressInterval,
  ResponseBodyMap,
  ResponseType,
  TransferBody,
  TransferOptions,
} from './options.js';
export { supportsRequestStreams } from './supports-request-streams.js';
export { transfer } from './transfer.js';
export { transferResult } from './transfer-result.js';
export type { TransferStages } from './transfer-stages.js';
export { transferStages } from './transfer-stages.js';
export type { TransportName } from './transport.js';
