// Invite codes and the reward rule: a new player who joins with someone's code earns that inviter a
// revival card, once per new player, never for inviting oneself, never in a circle, and at most
// INVITE_REWARD_CAP cards per inviter (docs/security.md). Pure.

/** Crockford base32: no I, L, O or U, so a code read aloud or off a screen is not misread. */
export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const CODE_LENGTH = 8;

/**
 * A code from 8 random bytes (5 bits of each: 40 bits, a trillion codes).
 * @example inviteCodeFrom(new Uint8Array(8)) // → "00000000"
 */
export function inviteCodeFrom(random: Uint8Array): string {
  if (random.length < CODE_LENGTH) throw new RangeError(`need ${CODE_LENGTH} random bytes`);
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[random[i]! & 31];
  return code;
}

/**
 * A code as typed by a person, in canonical form, or null when it cannot be one: case and
 * spaces/hyphens ignored, and the letters Crockford reads as digits (I, L → 1; O → 0) folded.
 * @example normalizeInviteCode(" ab-cd efo1 ") // → "ABCDEF01"
 */
export function normalizeInviteCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
  if (s.length !== CODE_LENGTH) return null;
  for (const ch of s) if (!CODE_ALPHABET.includes(ch)) return null;
  return s;
}

/** Why INVITE_CIRCULAR: the code's owner joined through the invitee. */
export const CIRCULAR_MESSAGE =
  "you invited this player (directly or through others): invites cannot go in a circle";

/** How long after signing up a player still counts as new and may redeem a code. */
export const NEW_PLAYER_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Why a redemption is refused (also the HTTP error code). */
export type RedeemRejectCode =
  | "INVITE_CODE_UNKNOWN"
  | "INVITE_SELF"
  | "INVITE_ALREADY_REDEEMED"
  | "INVITE_NOT_NEW"
  | "INVITE_CIRCULAR";

export interface RedeemInput {
  inviteeId: string;
  /** The owner of the code, or null when no such code exists. */
  inviterId: string | null;
  /** The inviter the invitee already redeemed a code of, if any. */
  redeemedFrom: string | null;
  /** When the invitee signed up (epoch ms). */
  signedUpAtMs: number;
  /** Whether the invitee already invited the code's owner, directly or through others (A→B→…→owner). */
  circular?: boolean;
  nowMs: number;
  windowMs?: number;
}

export type RedeemDecision =
  | { ok: true; inviterId: string }
  | { ok: false; code: RedeemRejectCode; message: string };

/**
 * Decides a redemption: unknown code → INVITE_CODE_UNKNOWN; the invitee's own code → INVITE_SELF;
 * a code already redeemed by this invitee (any code) → INVITE_ALREADY_REDEEMED; signed up more than
 * the window ago → INVITE_NOT_NEW; the code of someone the invitee invited → INVITE_CIRCULAR (two
 * accounts redeeming each other's codes would both earn a card).
 * @example decideRedeem({ inviteeId: "bob", inviterId: "alice", redeemedFrom: null, signedUpAtMs: 0, nowMs: 1 }) // → { ok: true, inviterId: "alice" }
 */
export function decideRedeem(input: RedeemInput): RedeemDecision {
  if (input.inviterId === null)
    return { ok: false, code: "INVITE_CODE_UNKNOWN", message: "no such invite code" };
  if (input.inviterId === input.inviteeId) {
    return { ok: false, code: "INVITE_SELF", message: "you cannot redeem your own invite code" };
  }
  if (input.redeemedFrom !== null) {
    return { ok: false, code: "INVITE_ALREADY_REDEEMED", message: "you already joined with an invite code" };
  }
  const windowMs = input.windowMs ?? NEW_PLAYER_WINDOW_MS;
  if (input.nowMs - input.signedUpAtMs > windowMs) {
    return { ok: false, code: "INVITE_NOT_NEW", message: "invite codes are for players who just signed up" };
  }
  if (input.circular === true) return { ok: false, code: "INVITE_CIRCULAR", message: CIRCULAR_MESSAGE };
  return { ok: true, inviterId: input.inviterId };
}

/** Revival cards one inviter earns from invites at most, unless INVITE_REWARD_CAP says otherwise. */
export const DEFAULT_INVITE_REWARD_CAP = 10;

/**
 * The reward cap from its var: a non-negative integer, else the default (0 turns rewards off).
 * @example inviteRewardCap("25") // → 25
 * @example inviteRewardCap(undefined) // → 10
 */
export function inviteRewardCap(raw: string | undefined): number {
  const n = raw === undefined || raw.trim() === "" ? Number.NaN : Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : DEFAULT_INVITE_REWARD_CAP;
}

/** How far up an inviter's chain a circle is looked for: chains longer than this are not checked. */
export const MAX_INVITE_CHAIN = 64;
