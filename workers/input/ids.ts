import { z } from "zod";
import { must } from "./messages";

/** Activity (and so room) ids: a URL-safe slug. Generated ids are UUIDs, which fit. */
export const ActivityId = z
  .string({ error: must("must be 1–64 characters of a–z, 0–9 and -") })
  .regex(/^[a-z0-9-]{1,64}$/, { error: "must be 1–64 characters of a–z, 0–9 and -" });

/** The path parameters of a route under `/activities/:id` (and `/join/:id`). */
export const ActivityParams = z.object({ id: ActivityId });

/** User ids, as they appear in a token's `sub`. */
export const UserId = z
  .string({ error: must("must be 1–64 characters of A–Z, a–z, 0–9, _, ., @ and -") })
  .regex(/^[A-Za-z0-9_.@-]{1,64}$/, { error: "must be 1–64 characters of A–Z, a–z, 0–9, _, ., @ and -" });

/** A 0-based index in a path (`/questions/:k`), as the decimal string the router hands over. */
export const PathIndex = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,8})$/, { error: "must be a non-negative integer" })
  .transform(Number);
