import { z } from "zod";
import { intIn, text } from "./fields";
import {
  MAX_ROOM_WORDS,
  MAX_SLOW_MODE_SEC,
  MAX_WORD_CHARS,
} from "../../durable-objects/features/danmaku/moderation";
import { MAX_GIFT_KEY_CHARS } from "../../durable-objects/features/gifts/gift";
import { UserId } from "./ids";
import { must } from "./messages";

const GIFT_ID = "must be 1–32 characters of a–z, 0–9, _ and -";

/** The body of `POST /api/admin/gifts`: creates a gift or replaces its name, price and availability. */
export const GiftInput = z.strictObject(
  {
    id: z.string({ error: must(GIFT_ID) }).regex(/^[a-z0-9_-]{1,32}$/, { error: GIFT_ID }),
    name: text(50),
    priceCoins: intIn(1, 1_000_000),
    enabled: z.boolean({ error: must("must be true or false") }).default(true),
  },
  { error: must("must be a JSON object") },
);

/** The body of `PUT /api/admin/activities/:id/host`. */
export const HostInput = z.strictObject({ hostId: UserId }, { error: must("must be a JSON object") });

const KEY = `must be 1–${MAX_GIFT_KEY_CHARS} characters`;

/** The body of `POST /api/admin/coins`: a top-up of a player's coins, once per key. */
export const CoinGrantInput = z.strictObject(
  {
    userId: UserId,
    coins: intIn(1, 10_000_000),
    key: z
      .string({ error: must(KEY) })
      .min(1, { error: KEY })
      .max(MAX_GIFT_KEY_CHARS, { error: KEY }),
  },
  { error: must("must be a JSON object") },
);

/** The body of `PUT /api/admin/danmaku/words`: the whole filter list. */
export const WordsInput = z.strictObject(
  {
    words: z
      .array(text(50), { error: must("must be a list of at most 5000 words") })
      .max(5000, { error: "must be a list of at most 5000 words" }),
  },
  { error: must("must be a JSON object") },
);

/** The body of `POST /api/signup`. */
export const SignupInput = z.strictObject(
  {
    name: text(100),
    inviteCode: z
      .string({ error: "must be a string" })
      .max(32, { error: "must be an invite code" })
      .optional(),
  },
  { error: must("must be a JSON object") },
);

/** The body of `POST /api/me/invite/redeem`. */
export const RedeemInput = z.strictObject(
  { code: z.string({ error: must("must be an invite code") }).max(32, { error: "must be an invite code" }) },
  { error: must("must be a JSON object") },
);

const INDEX = "must be a non-negative integer";
/** `?chunk=` of the replay route. */
export const ReplayQuery = z.object({
  chunk: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,5})$/, { error: INDEX })
    .transform(Number)
    .default(0),
});

const LIMIT = "must be an integer from 1 to 50";
/** `?limit=` of the home and gifter lists. */
export const ListLimitQuery = z.object({
  limit: z
    .string()
    .regex(/^[1-9][0-9]?$/, { error: LIMIT })
    .transform(Number)
    .refine((n) => n <= 50, { error: LIMIT })
    .default(20),
});

const DURATION = "must be an integer from 0 (unmute) to 86400000 ms";
/**
 * The body of `POST /api/rooms/:id/mutes`: `durationMs` (0 lifts the mute), or `forShow: true` for the
 * rest of the show (then `durationMs` is ignored).
 */
export const MuteInput = z.strictObject(
  {
    userId: UserId,
    durationMs: z
      .int({ error: must(DURATION) })
      .min(0, { error: DURATION })
      .max(86_400_000, { error: DURATION }),
    forShow: z.boolean({ error: must("must be true or false") }).default(false),
  },
  { error: must("must be a JSON object") },
);

const SLOW = `must be an integer from 0 (off) to ${MAX_SLOW_MODE_SEC} seconds`;
/** The body of `POST /api/rooms/:id/slow-mode`. */
export const SlowModeInput = z.strictObject(
  {
    seconds: z
      .int({ error: must(SLOW) })
      .min(0, { error: SLOW })
      .max(MAX_SLOW_MODE_SEC, { error: SLOW }),
  },
  { error: must("must be a JSON object") },
);

/** The body of `POST /api/rooms/:id/shadow-mutes`: `on: false` lifts the shadow mute. */
export const ShadowMuteInput = z.strictObject(
  { userId: UserId, on: z.boolean({ error: must("must be true or false") }) },
  { error: must("must be a JSON object") },
);

const ROOM_WORDS = `must be a list of at most ${MAX_ROOM_WORDS} words`;
/** The body of `PUT /api/rooms/:id/danmaku/words`: the room's own words, replacing the previous ones. */
export const RoomWordsInput = z.strictObject(
  {
    words: z
      .array(text(MAX_WORD_CHARS), { error: must(ROOM_WORDS) })
      .max(MAX_ROOM_WORDS, { error: ROOM_WORDS }),
  },
  { error: must("must be a JSON object") },
);
