// What the OpenAPI document says of each route beyond its declaration: a summary, its success answer,
// the errors particular to it and an example body. The inputs (path, query, headers, body) and the
// common errors come from the route's own `route(...)` declaration (workers/openapi/document.ts), so
// they cannot drift; test/workers/http-openapi.test.ts fails on a route missing here or an entry that is
// no route.
import { z } from "zod";
import { RoomHealth } from "../../schema/room-health";
import { BANK_OPERATIONS } from "./bank-operations";
import { AdminActivityReply, PublicActivityReply, StatsReply } from "./room-shapes";
import type { OperationDoc, SuccessDoc } from "./operation-doc";

const ok200 = (description: string, schema?: z.ZodType): SuccessDoc[] => [
  schema === undefined ? { status: 200, description } : { status: 200, description, schema },
];

const STATS =
  "`{ stats }`: the room's figures after the operation (phase, online, players, alive, counts, …).";
const ROOM_REFUSED =
  "the room refuses the operation now: NOT_ALLOWED_NOW, WRONG_QUESTION, UNKNOWN_QUESTION, UNKNOWN_RAIN, RAIN_ALREADY_STARTED (`Code` in schema/live.proto)";
const ACTIVITY_404 = "ACTIVITY_NOT_FOUND: no activity has this id";

// Answers whose shape the document publishes; test/workers/http-openapi.test.ts checks every answer
// it gets against them.
const Gift = z.strictObject({ id: z.string(), name: z.string(), priceCoins: z.int().min(1) });
const GiftView = Gift.extend({ enabled: z.boolean(), createdAtMs: z.int(), updatedAtMs: z.int() });
const Words = z.strictObject({ words: z.array(z.string()) });
const ModerationAnswer = z.strictObject({
  ok: z.literal(true),
  moderation: z.strictObject({
    slowModeSeconds: z.int().min(0).max(300),
    mutes: z.array(z.strictObject({ userId: z.string(), untilMs: z.int().nullable(), forShow: z.boolean() })),
    shadowMuted: z.array(z.string()),
    words: z.array(z.string()),
  }),
});
const UserView = z.strictObject({
  user: z.strictObject({
    id: z.string(),
    name: z.string(),
    revivalCards: z.int().min(0),
    createdAtMs: z.int(),
  }),
});

/** Every route's documentation; the bank's are in bank-operations.ts. */
export const OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  "GET /healthz": {
    summary: "The Worker is up",
    description: "Touches no binding, so it says nothing about D1 or the rooms.",
    ok: ok200("`{ ok: true }`", z.strictObject({ ok: z.literal(true) })),
  },
  "GET /api/openapi.json": {
    summary: "This document",
    description: "The OpenAPI 3.1 description of every route, generated from the routes' own declarations.",
    ok: ok200("the OpenAPI document", z.looseObject({ openapi: z.literal("3.1.0") })),
  },
  "GET /api/activities": {
    summary: "The home page's activities",
    description:
      "Upcoming (soonest first), live and ended (latest first), with prize pool, rain totals and share link.",
    ok: ok200("`{ serverTimeMs, upcoming, live, ended }`"),
  },
  "GET /api/activities/:id": {
    summary: "One activity's public page",
    description:
      "Once ended: its winners as the ledger paid them and whether a replay is ready; always the top gifters.",
    ok: ok200("`{ activity, result, gifts }`", PublicActivityReply),
    errors: { 404: ACTIVITY_404 },
  },
  "GET /api/activities/:id/replay": {
    summary: "The archived timeline of an ended show",
    description: "The index of chunks (each a stream range) and the events of one chunk, in stream order.",
    ok: ok200("`{ replay, chunk: { idx, events } }`"),
    errors: {
      404: "ACTIVITY_NOT_FOUND; REPLAY_NOT_READY until the room archived it; CHUNK_NOT_FOUND (`field: chunk`) past the last chunk",
    },
  },
  "GET /api/activities/:id/gifters": {
    summary: "The room's gifter leaderboard",
    ok: ok200("`{ activityId, gifters }`"),
  },
  "GET /api/gifts": {
    summary: "The gifts viewers can send, cheapest first",
    ok: ok200("`{ gifts }`", z.strictObject({ gifts: z.array(Gift) })),
  },

  "POST /api/admin/activities": {
    summary: "Create an activity with its questions and rains",
    description: "Stored in one atomic D1 batch; a rain's packets follow from its seed and are never stored.",
    ok: [
      {
        status: 201,
        description: "`{ activity }` with its questions and rains",
        schema: AdminActivityReply,
      },
    ],
    errors: { 409: "ACTIVITY_EXISTS (`field: id`): the id is taken" },
    example: {
      id: "friday-quiz",
      title: "Friday quiz",
      startAt: "2026-05-01T20:00:00Z",
      prizePoolCents: 100000,
      questions: [{ text: "2 + 2?", options: ["3", "4"], correct: 1 }],
      rains: [{ totalCents: 5000, count: 100 }],
    },
  },
  "GET /api/admin/activities": {
    summary: "Activities, newest first",
    ok: ok200("`{ activities }` with status, question and rain counts"),
  },
  "GET /api/admin/activities/:id": {
    summary: "One activity with its questions (correct option included) and rain totals",
    ok: ok200("`{ activity }`", AdminActivityReply),
    errors: { 404: ACTIVITY_404 },
  },
  "PUT /api/admin/activities/:id/host": {
    summary: "Set the activity's host",
    description: "The user its gifts are credited to, and whose host token may operate it.",
    ok: ok200("`{ activityId, hostId }`"),
    errors: { 404: ACTIVITY_404 },
    example: { hostId: "host" },
  },
  "POST /api/admin/users": {
    summary: "Create a user or replace its name and revival cards",
    ok: ok200("`{ user: { id, name, revivalCards, createdAtMs } }`", UserView),
    example: { id: "alice", name: "Alice", revivalCards: 1 },
  },
  "POST /api/admin/reconcile": {
    summary: "Compare each room's totals with the ledger",
    description:
      "With `repair` (default true) the rooms re-send what the ledger misses (docs/settlement.md).",
    ok: ok200("`{ report }`"),
    errors: { 404: "ACTIVITY_NOT_FOUND (`field: activity`)" },
  },
  "POST /api/admin/withdrawals/:id/paid": {
    summary: "Pay a pending withdrawal",
    description: "Runs the payout step, then moves the money from transit to payouts. Idempotent.",
    ok: ok200("`{ withdrawal }`"),
    errors: {
      404: "WITHDRAWAL_NOT_FOUND",
      409: "WITHDRAWAL_ALREADY_CLOSED: it failed",
      502: "the payout step refused; the withdrawal stays pending",
    },
    example: { reference: "bank-transfer-42" },
  },
  "POST /api/admin/withdrawals/:id/failed": {
    summary: "Fail a pending withdrawal",
    description: "The money goes back from transit to the player. Idempotent.",
    ok: ok200("`{ withdrawal }`"),
    errors: {
      404: "WITHDRAWAL_NOT_FOUND",
      409: "WITHDRAWAL_ALREADY_CLOSED (it was paid); WITHDRAWAL_IN_PAYOUT (its payout step started)",
    },
    example: { reason: "account closed" },
  },
  "POST /api/admin/coins": {
    summary: "Top up a player's coins, once per key",
    ok: ok200(
      "`{ userId, coins, balanceCoins, replayed }`; the same key again answers `replayed: true` and moves nothing",
      z.strictObject({ userId: z.string(), coins: z.int(), balanceCoins: z.int(), replayed: z.boolean() }),
    ),
    errors: { 409: "KEY_REUSED: the same key with another user or amount" },
    example: { userId: "alice", coins: 500, key: "promo-2026-05-alice" },
  },
  "POST /api/admin/gifts": {
    summary: "Create a gift or replace it",
    description: "Rooms see the change within 30 s.",
    ok: ok200("`{ gift }`", z.strictObject({ gift: GiftView })),
    example: { id: "rose", name: "Rose", priceCoins: 1 },
  },
  "GET /api/admin/gifts": {
    summary: "The whole gift catalog, disabled gifts included",
    ok: ok200("`{ gifts }`", z.strictObject({ gifts: z.array(GiftView) })),
  },
  "GET /api/admin/danmaku/words": {
    summary: "The danmaku filter's word list",
    ok: ok200("`{ words }`", Words),
  },
  "PUT /api/admin/danmaku/words": {
    summary: "Replace the danmaku filter's word list",
    description: "Rooms read it again within 30 s; matching is case-insensitive on a normalised form.",
    ok: ok200("`{ words }`", Words),
    example: { words: ["spam"] },
  },

  "POST /api/rooms/:id/open": {
    summary: "Open the room",
    description: "The room loads its activity and opens the lobby.",
    ok: ok200(STATS, StatsReply),
    errors: { 404: ACTIVITY_404, 409: ROOM_REFUSED },
  },
  "POST /api/rooms/:id/questions/:k/push": {
    summary: "Push question k",
    description: "Its answer window starts now; `streamTsMs` is the stream position the host saw.",
    ok: ok200(STATS, StatsReply),
    errors: { 404: ACTIVITY_404, 409: ROOM_REFUSED },
    example: { streamTsMs: 0 },
  },
  "POST /api/rooms/:id/questions/:k/reveal": {
    summary: "Reveal question k",
    description: "Closes the question if it is still open and broadcasts its key, correct option and counts.",
    ok: ok200(STATS, StatsReply),
    errors: { 404: ACTIVITY_404, 409: ROOM_REFUSED },
    example: { streamTsMs: 0 },
  },
  "POST /api/rooms/:id/rains/:r/start": {
    summary: "Start red-packet rain r",
    ok: ok200(STATS, StatsReply),
    errors: { 404: ACTIVITY_404, 409: ROOM_REFUSED },
    example: { streamTsMs: 0 },
  },
  "POST /api/rooms/:id/end": {
    summary: "End the game",
    description: "Splits the prize pool among the survivors.",
    ok: ok200(STATS, StatsReply),
    errors: { 404: ACTIVITY_404, 409: ROOM_REFUSED },
  },
  "GET /api/rooms/:id/stats": {
    summary: "The room's live figures",
    ok: ok200(STATS, StatsReply),
    errors: { 404: ACTIVITY_404 },
  },
  "GET /api/rooms/:id/health": {
    summary: "The room's health, for the console and monitoring",
    description:
      'Per question: answers, answers per second, peak and lag percentiles after the push; fan-out to the last socket; per shard: online, outbox backlog, settlement lag, reconnects (docs/live-room.md, "Show health").',
    ok: ok200("`{ health }`", z.strictObject({ health: RoomHealth })),
    errors: {
      404: ACTIVITY_404,
      409: "SHARD_UNAVAILABLE: a shard did not answer within the gather deadline (nothing is answered from part of the room)",
    },
  },
  "POST /api/rooms/:id/danmaku/:danmakuId/delete": {
    summary: "Delete a shown danmaku",
    description: "Removes it from every screen and from the replay.",
    ok: ok200("`{ ok: true }`"),
    errors: { 404: "ACTIVITY_NOT_FOUND; DANMAKU_UNKNOWN" },
  },
  "POST /api/rooms/:id/mutes": {
    summary: "Mute a player's danmaku for a while or for the show",
    description:
      "`durationMs: 0` lifts the mute; `forShow: true` mutes until the show ends (`durationMs` is then ignored).",
    ok: ok200("`{ ok: true }`", z.strictObject({ ok: z.literal(true) })),
    errors: { 400: "MUTE_BAD_REQUEST", 404: ACTIVITY_404 },
    example: { userId: "bob", durationMs: 600000 },
  },
  "POST /api/rooms/:id/shadow-mutes": {
    summary: "Shadow mute a player, or lift it",
    description:
      "The player's danmaku are acknowledged and shown to them alone; nobody else sees them and the replay does not keep them. `on: false` lifts it.",
    ok: ok200("`{ ok: true, moderation }`: the room's moderation after it", ModerationAnswer),
    errors: { 400: "MUTE_BAD_REQUEST", 404: ACTIVITY_404 },
    example: { userId: "bob", on: true },
  },
  "POST /api/rooms/:id/slow-mode": {
    summary: "Set slow mode",
    description:
      "One danmaku per `seconds` per player, 0–300 (0 turns it off); viewers get SLOW_MODE_CHANGED, a too-early danmaku SLOW_MODE_WAIT.",
    ok: ok200("`{ ok: true, moderation }`: the room's moderation after it", ModerationAnswer),
    errors: { 404: ACTIVITY_404 },
    example: { seconds: 10 },
  },
  "PUT /api/rooms/:id/danmaku/words": {
    summary: "Replace the room's own blocked words",
    description:
      "At most 200 words of 1–50 characters; the room filters with these and the platform's list, from the next danmaku on.",
    ok: ok200("`{ ok: true, moderation }`: the room's moderation after it", ModerationAnswer),
    errors: { 400: "MODERATION_BAD_REQUEST", 404: ACTIVITY_404 },
    example: { words: ["spoiler"] },
  },
  "GET /api/rooms/:id/moderation": {
    summary: "The room's moderation now",
    description:
      "Slow mode, the mutes in force (`untilMs` null: for the show), the shadow mutes, the room's own words.",
    ok: ok200("`{ ok: true, moderation }`", ModerationAnswer),
    errors: { 404: ACTIVITY_404 },
  },

  "GET /api/me/balance": {
    summary: "The caller's balance, pending withdrawals and total won, in cents",
    ok: ok200(
      "`{ balance }`",
      z.strictObject({
        balance: z.strictObject({
          userId: z.string(),
          balanceCents: z.int(),
          pendingWithdrawalCents: z.int().min(0),
          wonCents: z.int().min(0),
        }),
      }),
    ),
  },
  "GET /api/me/history": {
    summary: "The caller's prizes and red packets, newest first",
    description: "`nextCursor` (null on the last page) fetches the next page.",
    ok: ok200("`{ items, nextCursor }`"),
  },
  "POST /api/me/withdrawals": {
    summary: "Request a withdrawal",
    description:
      "Takes the money from the caller's balance into a pending withdrawal, once per Idempotency-Key.",
    ok: [
      { status: 201, description: "`{ withdrawal }`" },
      { status: 200, description: "`{ withdrawal, replayed: true }`: the same key again" },
    ],
    errors: {
      409: "INSUFFICIENT_FUNDS over the balance; IDEMPOTENCY_KEY_REUSED for the same key with another amount",
    },
    example: { amountCents: 1000 },
  },
  "GET /api/me/withdrawals": {
    summary: "The caller's withdrawals, newest first",
    ok: ok200("`{ withdrawals }`"),
  },
  "GET /api/me/coins": {
    summary: "The caller's coin balance",
    ok: ok200(
      "`{ userId, balanceCoins }`",
      z.strictObject({ userId: z.string(), balanceCoins: z.int().min(0) }),
    ),
  },
  "GET /api/me/invite": {
    summary: "The caller's invite code",
    description: "Created on first use, with how many players joined with it and a link that carries it.",
    ok: ok200("`{ code, invitees, link }`"),
    errors: { 404: "NOT_SIGNED_UP: the token's user has no account" },
  },
  "POST /api/me/invite/redeem": {
    summary: "Name who invited the caller",
    description:
      "For a player who signed up in the last 7 days without a code; the inviter may earn a revival card.",
    ok: ok200("`{ inviterId, inviterRewarded }`"),
    errors: {
      400: "INVITE_SELF: the caller's own code",
      404: "INVITE_CODE_UNKNOWN; NOT_SIGNED_UP",
      409: "INVITE_ALREADY_REDEEMED, INVITE_NOT_NEW, INVITE_CIRCULAR",
    },
    example: { code: "ABCD2345" },
  },
  "GET /api/leaderboards/activities/:id": {
    summary: "An activity's top winners (prizes and red packets)",
    ok: ok200("`{ activityId, leaders }`"),
  },
  "GET /api/leaderboards/overall": {
    summary: "The top winners across all activities",
    ok: ok200("`{ leaders }`"),
  },
  "POST /api/signup": {
    summary: "Create the token's user",
    description:
      "With someone's invite code, that inviter earns a revival card unless past INVITE_REWARD_CAP.",
    ok: [{ status: 201, description: "`{ user, invitedBy, inviterRewarded }`" }],
    errors: { 404: "INVITE_CODE_UNKNOWN (`field: inviteCode`)", 409: "ALREADY_SIGNED_UP" },
    example: { name: "Alice" },
  },
  "GET /api/join/:id": {
    summary: "The room a token is about to join, without its answers",
    description: "A browser cannot read why a WebSocket upgrade was refused, so a page asks here first.",
    ok: ok200("`{ room }`"),
    errors: { 404: ACTIVITY_404 },
  },
  "GET /rooms/:id/ws": {
    summary: "The room's WebSocket",
    description:
      "Binary protobuf frames (schema/live.proto). The token comes from `?token=` or the subprotocols `liveroom, <jwt>`, or a later auth frame; the Worker verifies a given token before the room is touched and answers 401 `{ error: { code: 100 } }` for a bad one.",
    ok: [{ status: 101, description: "the socket" }],
    errors: { 404: ACTIVITY_404 },
  },
  ...BANK_OPERATIONS,
};
