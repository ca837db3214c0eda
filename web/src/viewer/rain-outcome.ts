import type { GrabResult, Result } from "../../../client/index";
import { formatCents } from "../shared/money";

/** What one tap's result means for the overlay. */
export function tapOutcome(r: Result<GrabResult>): {
  message: string;
  stop?: "cap" | "empty";
  granted?: GrabResult;
} {
  if (r.ok) return { message: `+${formatCents(r.amountCents)}!`, granted: r };
  switch (r.codeName) {
    case "THROTTLED_LOCALLY":
      return { message: "Missed — keep tapping!" };
    case "RATE_LIMITED":
      return { message: "So many taps! Try again." };
    case "CAP_REACHED":
    case "CAP_REACHED_LOCALLY":
      return { message: "You've grabbed all the packets you can.", stop: "cap" };
    case "NONE_LEFT":
    case "NO_RAIN":
      return { message: "All the packets are gone.", stop: "empty" };
    default:
      return { message: `Tap didn't get through (${r.codeName}).` };
  }
}
