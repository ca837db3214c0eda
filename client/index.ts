/**
 * liveroom client SDK: one `LiveroomClient` per room, for browsers, Node and workerd.
 *
 * @example
 * import { LiveroomClient, browserConnector } from "./client/index.js";
 * const client = new LiveroomClient({ token, connector: browserConnector("https://live.example.com", "act_1") });
 * client.on("question", (q) => player.at(q.streamTsMs, () => show(q)));
 * await client.connect();
 */
export { liveroom } from "../schema/generated/live.js";
export {
  type BackoffOptions,
  backoffDelay,
  DEFAULT_BACKOFF,
  MAX_RECONNECT_WINDOW_MS,
  roomWentAway,
  spreadDelay,
} from "./backoff.js";
export { CLOSE_CODES, type CloseReason, closeReason } from "./close.js";
export {
  type ClientOptions,
  type DanmakuAck,
  type Failure,
  type GiftAck,
  type GifterRow,
  type LocalCode,
  LiveroomClient,
  type PollVoteAck,
  type Result,
  type ResumeSummary,
  unseal,
} from "./client.js";
export {
  type AnswerAck,
  codeName,
  type DanmakuItem,
  type GiftShownInfo,
  type DecodedResponse,
  decodeInbound,
  encodeRequest,
  type GameOverInfo,
  type GrabResult,
  HEARTBEAT,
  type Inbound,
  type Outcome,
  type Phase,
  type PlayerSnapshot,
  type PlayerStatus,
  type PollInfo,
  type QuestionInfo,
  type RainInfo,
  type ResponseResult,
  type Resumed,
  type RevealInfo,
  type Role,
  type RoomNotification,
  type RoomSnapshot,
  type RoomStats,
  type ShardStats,
  type Welcome,
} from "./codec.js";
export type {
  ClientEvents,
  ConnectionEvent,
  ConnectionState,
  DisconnectEvent,
  NotificationOf,
  OutcomeEvent,
  RevealEvent,
  ProtocolErrorEvent,
  RateLimitedEvent,
  RefreshedEvent,
  ResyncEvent,
} from "./events.js";
export {
  COMMITMENT_BYTES,
  type CommittedQuestion,
  commit,
  type OpeningReveal,
  verifyReveal,
} from "./commitment.js";
export { sealOutcome, unsealOutcome } from "./seal.js";
export { SeqTracker } from "./sequence.js";
export { heldDeadline, type Released, StreamHold } from "./stream-hold.js";
export { fromStamp, stampDiff, toStamp } from "./stream-time.js";
export { atGrabCap, PPM_ALL, shouldSendTap } from "./throttle.js";
export { REFRESH_LEAD_MS, refreshDelayMs, tokenExpiryMs } from "./token.js";
export {
  browserConnector,
  ConnectError,
  type Connector,
  fetchConnector,
  nodeConnector,
  roomUrl,
  type SocketLike,
  type UpgradeFetcher,
  type UpgradeResponse,
  type WebSocketConstructor,
  type WebSocketLike,
  webSocketConnector,
} from "./transport.js";
