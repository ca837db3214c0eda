// Invite codes and sign-ups in D1. The rules are in ./rules.ts; here the reads they need and the
// writes, each an atomic batch whose revival card moves by trigger (0006_invite_reward_cap.sql) only
// when the redemption row is really inserted with `rewarded = 1`. The statement that inserts it
// re-checks the cap and the circle itself, so a race past the reads still cannot pass either.
import {
  CIRCULAR_MESSAGE,
  decideRedeem,
  inviteCodeFrom,
  MAX_INVITE_CHAIN,
  type RedeemRejectCode,
} from "./rules";

interface UserRow {
  id: string;
  name: string;
  revival_cards: number;
  created_at: number;
}

/** A signed-up user as the invite routes show it. */
export interface SignedUpUser {
  id: string;
  name: string;
  revivalCards: number;
  createdAtMs: number;
  inviteCode: string;
}

async function userRow(d1: D1Database, userId: string): Promise<UserRow | null> {
  return d1
    .prepare("SELECT id, name, revival_cards, created_at FROM users WHERE id = ?")
    .bind(userId)
    .first<UserRow>();
}

async function codeOwner(d1: D1Database, code: string): Promise<string | null> {
  const row = await d1
    .prepare("SELECT user_id FROM invite_codes WHERE code = ?")
    .bind(code)
    .first<{ user_id: string }>();
  return row?.user_id ?? null;
}

async function redeemedFrom(d1: D1Database, userId: string): Promise<string | null> {
  const row = await d1
    .prepare("SELECT inviter_id FROM invite_redemptions WHERE invitee_id = ?")
    .bind(userId)
    .first<{ inviter_id: string }>();
  return row?.inviter_id ?? null;
}

function insertCode(d1: D1Database, userId: string, nowMs: number): D1PreparedStatement {
  const code = inviteCodeFrom(crypto.getRandomValues(new Uint8Array(8)));
  return d1
    .prepare("INSERT OR IGNORE INTO invite_codes (code, user_id, created_at) VALUES (?, ?, ?)")
    .bind(code, userId, nowMs);
}

/**
 * The user's invite code, created on first use; null for someone who has not signed up.
 * @example const code = await ensureInviteCode(env.DB, "alice") // "7KQ2M9XD"
 */
export async function ensureInviteCode(
  d1: D1Database,
  userId: string,
  nowMs: number,
): Promise<string | null> {
  if ((await userRow(d1, userId)) === null) return null;
  // A fresh random code collides with another user's once in 10¹² draws: then try another.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [, row] = await d1.batch([
      insertCode(d1, userId, nowMs),
      d1.prepare("SELECT code FROM invite_codes WHERE user_id = ?").bind(userId),
    ]);
    const code = (row?.results[0] as { code: string } | undefined)?.code;
    if (code !== undefined) return code;
  }
  throw new Error(`no invite code for ${userId} after 3 draws`);
}

/** How many players joined with this user's code. */
export async function inviteeCount(d1: D1Database, userId: string): Promise<number> {
  const row = await d1
    .prepare("SELECT COUNT(*) AS n FROM invite_redemptions WHERE inviter_id = ?")
    .bind(userId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

// Parameters shared by the statements below: ?1 invitee, ?2 now, ?3 code, ?4 reward cap, ?5 chain depth.

// 1 while the code's owner has earned fewer than ?4 cards from invites: evaluated inside the INSERT,
// so D1's one writer counts every earlier redemption, concurrent ones included.
const WITHIN_CAP =
  "(SELECT COUNT(*) FROM invite_redemptions x WHERE x.inviter_id = c.user_id AND x.rewarded = 1) < ?4";

// The code owner's inviters, their inviters and so on (at most ?5 steps): the invitee among them
// means the invitee invited the owner, and redeeming the owner's code would close a circle.
const CIRCLE =
  "WITH RECURSIVE up(id, depth) AS (" +
  "SELECT r.inviter_id, 1 FROM invite_redemptions r JOIN invite_codes o ON o.user_id = r.invitee_id " +
  "WHERE o.code = ?3 " +
  "UNION SELECT r.inviter_id, up.depth + 1 FROM invite_redemptions r JOIN up ON r.invitee_id = up.id " +
  "WHERE up.depth < ?5) SELECT 1 FROM up WHERE up.id = ?1";

const REDEEM_SQL =
  "INSERT INTO invite_redemptions (invitee_id, inviter_id, code, created_at, rewarded) " +
  `SELECT ?1, c.user_id, c.code, ?2, ${WITHIN_CAP} FROM invite_codes c ` +
  `WHERE c.code = ?3 AND c.user_id <> ?1 AND NOT EXISTS (${CIRCLE}) ` +
  "ON CONFLICT (invitee_id) DO NOTHING RETURNING inviter_id, rewarded";

// At sign-up, only the row this sign-up created (same creation time) may redeem, so that a second
// sign-up racing the first cannot redeem for a player who already exists. A player who has just
// signed up has invited nobody, so no circle can close here.
const SIGNUP_REDEEM_SQL =
  "INSERT INTO invite_redemptions (invitee_id, inviter_id, code, created_at, rewarded) " +
  `SELECT ?1, c.user_id, c.code, ?2, ${WITHIN_CAP} FROM invite_codes c ` +
  "WHERE c.code = ?3 AND c.user_id <> ?1 AND EXISTS (SELECT 1 FROM users WHERE id = ?1 AND created_at = ?2) " +
  "ON CONFLICT (invitee_id) DO NOTHING RETURNING rewarded";

/** Whether redeeming `code` would close a circle of invites through `inviteeId`. */
async function closesCircle(d1: D1Database, inviteeId: string, code: string): Promise<boolean> {
  // The INSERT's numbering: ?2 (now) and ?4 (cap) are not read here and stay null.
  const row = await d1
    .prepare(`SELECT EXISTS (${CIRCLE}) AS circular`)
    .bind(inviteeId, null, code, null, MAX_INVITE_CHAIN)
    .first<{ circular: number }>();
  return row?.circular === 1;
}

export type SignupResult =
  | { ok: true; user: SignedUpUser; invitedBy: string | null; inviterRewarded: boolean | null }
  | { ok: false; code: "ALREADY_SIGNED_UP" | RedeemRejectCode; message: string };

/**
 * Signs up the token's user with a name and, optionally, someone's invite code (already normalised).
 * Refused with nothing written: ALREADY_SIGNED_UP for a user who has a row, or the code's refusal
 * (unknown, own). With a good code, the user, their own code and the redemption are one batch; the
 * inviter earns a card only while under `rewardCap` (`inviterRewarded`, null without a code).
 */
export async function signUp(
  d1: D1Database,
  input: { userId: string; name: string; inviteCode: string | null; rewardCap: number },
  nowMs: number,
): Promise<SignupResult> {
  const { userId, name, inviteCode, rewardCap } = input;
  if ((await userRow(d1, userId)) !== null) {
    return { ok: false, code: "ALREADY_SIGNED_UP", message: "you already signed up" };
  }
  let inviterId: string | null = null;
  if (inviteCode !== null) {
    const decision = decideRedeem({
      inviteeId: userId,
      inviterId: await codeOwner(d1, inviteCode),
      redeemedFrom: await redeemedFrom(d1, userId),
      signedUpAtMs: nowMs,
      nowMs,
    });
    if (!decision.ok) return decision;
    inviterId = decision.inviterId;
  }
  const statements = [
    d1
      .prepare(
        "INSERT INTO users (id, name, revival_cards, created_at) VALUES (?, ?, 0, ?) ON CONFLICT (id) DO NOTHING RETURNING id",
      )
      .bind(userId, name, nowMs),
    insertCode(d1, userId, nowMs),
  ];
  if (inviteCode !== null) {
    statements.push(d1.prepare(SIGNUP_REDEEM_SQL).bind(userId, nowMs, inviteCode, rewardCap));
  }
  const [created, , redeemed] = await d1.batch<{ rewarded?: number }>(statements);
  if ((created?.results.length ?? 0) === 0)
    return { ok: false, code: "ALREADY_SIGNED_UP", message: "you already signed up" };
  const inviterRewarded = inviteCode === null ? null : redeemed?.results[0]?.rewarded === 1;
  const code = await ensureInviteCode(d1, userId, nowMs);
  const row = (await userRow(d1, userId))!;
  return {
    ok: true,
    user: {
      id: row.id,
      name: row.name,
      revivalCards: row.revival_cards,
      createdAtMs: row.created_at,
      inviteCode: code!,
    },
    invitedBy: inviterId,
    inviterRewarded,
  };
}

export type RedeemResult =
  | { ok: true; inviterId: string; inviterRewarded: boolean }
  | { ok: false; code: "NOT_SIGNED_UP" | RedeemRejectCode; message: string };

/**
 * A signed-up player redeems a code (already normalised) within a week of signing up: the inviter
 * earns a revival card while under `rewardCap`. One statement inserts the redemption (and, by
 * trigger, the card) or nothing: a race with another redemption of the same player is
 * INVITE_ALREADY_REDEEMED, one that would close a circle INVITE_CIRCULAR.
 */
export async function redeemInvite(
  d1: D1Database,
  userId: string,
  code: string,
  nowMs: number,
  rewardCap: number,
): Promise<RedeemResult> {
  const user = await userRow(d1, userId);
  if (user === null) return { ok: false, code: "NOT_SIGNED_UP", message: "sign up first" };
  const decision = decideRedeem({
    inviteeId: userId,
    inviterId: await codeOwner(d1, code),
    redeemedFrom: await redeemedFrom(d1, userId),
    signedUpAtMs: user.created_at,
    nowMs,
    circular: await closesCircle(d1, userId, code),
  });
  if (!decision.ok) return decision;
  const row = await d1
    .prepare(REDEEM_SQL)
    .bind(userId, nowMs, code, rewardCap, MAX_INVITE_CHAIN)
    .first<{ inviter_id: string; rewarded: number }>();
  if (row === null) {
    // Another statement got there first: this player's other redemption, or the owner's redemption of
    // this player's code that makes this one a circle.
    if ((await redeemedFrom(d1, userId)) === null && (await closesCircle(d1, userId, code)))
      return { ok: false, code: "INVITE_CIRCULAR", message: CIRCULAR_MESSAGE };
    return { ok: false, code: "INVITE_ALREADY_REDEEMED", message: "you already joined with an invite code" };
  }
  return { ok: true, inviterId: row.inviter_id, inviterRewarded: row.rewarded === 1 };
}
