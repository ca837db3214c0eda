import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { RedeemRejectCode } from "./rules";

/** The HTTP status of each invite refusal: missing things 404, a code of one's own 400, state conflicts 409. */
export const INVITE_STATUS: Record<
  RedeemRejectCode | "ALREADY_SIGNED_UP" | "NOT_SIGNED_UP",
  ContentfulStatusCode
> = {
  INVITE_CODE_UNKNOWN: 404,
  INVITE_SELF: 400,
  INVITE_ALREADY_REDEEMED: 409,
  INVITE_NOT_NEW: 409,
  INVITE_CIRCULAR: 409,
  ALREADY_SIGNED_UP: 409,
  NOT_SIGNED_UP: 404,
};
