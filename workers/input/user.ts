import { z } from "zod";
import { UserId } from "./ids";
import { text } from "./fields";
import { must } from "./messages";

const CARDS = "must be an integer from 0 to 1000";

/** The body of `POST /api/admin/users`: creates the user or replaces their name and card count. */
export const UserInput = z.strictObject(
  {
    id: UserId,
    name: text(100),
    revivalCards: z
      .int({ error: must(CARDS) })
      .min(0, { error: CARDS })
      .max(1000, { error: CARDS })
      .default(0),
  },
  { error: must("must be a JSON object") },
);

/** A validated user body. */
export type UserInput = z.output<typeof UserInput>;
