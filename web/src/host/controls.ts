// Which operator step fits the room now. The room refuses anything out of order anyway (409); the
// console only keeps the buttons honest.
import type { HostStats } from "./stats";

export interface ControlState {
  open: boolean;
  push: { enabled: boolean; question: number };
  reveal: { enabled: boolean; question: number };
  rain: boolean;
  end: boolean;
}

/**
 * The enabled steps for the room's figures and the activity's size.
 *
 * @example controlsFor(stats, 4, 1).push // { enabled: true, question: 0 } in the lobby
 */
export function controlsFor(
  stats: HostStats | undefined,
  questionCount: number,
  rainCount: number,
): ControlState {
  const phase = stats?.phase ?? "created";
  const current = stats?.currentQuestion ?? -1;
  const next = current + 1;
  const last = questionCount > 0 && current === questionCount - 1;
  return {
    open: stats !== undefined && phase === "created",
    push: {
      enabled: (phase === "lobby" || phase === "revealed") && next < questionCount,
      question: Math.min(next, Math.max(0, questionCount - 1)),
    },
    reveal: { enabled: phase === "asking" || phase === "closed", question: Math.max(0, current) },
    rain: rainCount > 0 && phase !== "created" && phase !== "ended" && stats?.rainRunning !== true,
    end: phase === "revealed" && last,
  };
}
