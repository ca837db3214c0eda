// One Durable Object alarm multiplexed over named schedule rows (STYLE.md: AlarmScheduler).

export interface ScheduledTask {
  name: string;
  atMs: number;
}

/**
 * Splits the schedule into tasks due now and the time the alarm should fire next (null: none).
 * @example planAlarm([{ name: "close:0", atMs: 10 }, { name: "sweep", atMs: 99 }], 50) // due close:0, next 99
 */
export function planAlarm(
  tasks: readonly ScheduledTask[],
  nowMs: number,
): { due: string[]; nextMs: number | null } {
  const due = tasks.filter((t) => t.atMs <= nowMs).map((t) => t.name);
  const later = tasks.filter((t) => t.atMs > nowMs).map((t) => t.atMs);
  return { due, nextMs: later.length === 0 ? null : Math.min(...later) };
}

/** When the alarm should fire for these tasks: the earliest, or null when there are none. */
export function nextAlarmMs(tasks: readonly ScheduledTask[]): number | null {
  return tasks.length === 0 ? null : Math.min(...tasks.map((t) => t.atMs));
}
