import type { Phase, RoomStatsView } from "../../../schema/room-stats";

/**
 * The room's figures as `GET /api/rooms/:id/stats` and every operator route answer them: the room's
 * own `RoomStatsView`, so the console and the room cannot disagree on a field.
 */
export type HostStats = RoomStatsView;
export type { Phase };

export const PHASE_LABEL: Record<Phase, string> = {
  created: "not opened",
  lobby: "lobby",
  asking: "asking",
  closed: "answers closed",
  revealed: "revealed",
  ended: "ended",
};
