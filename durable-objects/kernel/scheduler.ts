// One Durable Object alarm multiplexed over named, persisted tasks (STYLE.md: tldraw's AlarmScheduler).
// A task's row is deleted only after its handler succeeded; a throw leaves it, moved back by a
// backoff, so the next alarm retries it. Handlers must be idempotent: alarms fire at least once.
import type { Clock } from "./clock";

/** A persisted task: its name (`feature.task` or `feature.task:arg`) and when it is due. */
export interface ScheduledTask {
  name: string;
  atMs: number;
}

/** Where the tasks live (the room's `schedule` table) and how the one alarm is set. */
export interface SchedulePort {
  all(): ScheduledTask[];
  get(name: string): number | null;
  put(name: string, atMs: number): void;
  delete(name: string): void;
  /** Sets (ms) or clears (null) the runtime alarm. */
  setAlarm(atMs: number | null): void;
}

/** Runs one due task; throws to have it retried. */
export type TaskRunner = (name: string) => void | Promise<void>;

const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/**
 * Splits tasks into those due at `nowMs` (earliest first) and the time of the next one (null: none).
 * @example planAlarm([{ name: "a", atMs: 10 }, { name: "b", atMs: 99 }], 50) // { due: ["a"], nextMs: 99 }
 */
export function planAlarm(
  tasks: readonly ScheduledTask[],
  nowMs: number,
): { due: string[]; nextMs: number | null } {
  const due = tasks
    .filter((t) => t.atMs <= nowMs)
    .sort((a, b) => a.atMs - b.atMs)
    .map((t) => t.name);
  const later = tasks.filter((t) => t.atMs > nowMs).map((t) => t.atMs);
  return { due, nextMs: later.length === 0 ? null : Math.min(...later) };
}

/**
 * The delay before retry `attempt` of a task that threw: 1 s, 2 s, 4 s … capped at a minute.
 * @example retryDelayMs(3) // 4000
 */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, Math.min(attempt - 1, 16)));
}

export class AlarmScheduler {
  readonly #port: SchedulePort;
  readonly #clock: Clock;
  /** When this instance last set the alarm (undefined: unknown, e.g. after a wake). */
  #armedAt: number | null | undefined;
  /** Consecutive failures per task, in memory: after an eviction a failing task starts at 1 s again. */
  readonly #attempts = new Map<string, number>();

  constructor(port: SchedulePort, clock: Clock) {
    this.#port = port;
    this.#clock = clock;
  }

  /** Schedules (or moves) task `name` to `atMs`. Call inside the storage transaction of the change it serves. */
  schedule(name: string, atMs: number): void {
    this.#port.put(name, atMs);
    if (this.#armedAt === undefined || this.#armedAt === null || atMs < this.#armedAt) this.arm();
  }

  /** Schedules `name` unless it is already scheduled (possibly later, e.g. backing off). */
  scheduleOnce(name: string, atMs: number): void {
    if (this.#port.get(name) === null) this.schedule(name, atMs);
  }

  cancel(name: string): void {
    this.#port.delete(name);
  }

  has(name: string): boolean {
    return this.#port.get(name) !== null;
  }

  /** Sets the runtime alarm for the earliest task (or clears it). */
  arm(): void {
    const tasks = this.#port.all();
    const next = tasks.length === 0 ? null : Math.min(...tasks.map((t) => t.atMs));
    this.#port.setAlarm(next);
    this.#armedAt = next;
  }

  /**
   * The alarm: runs every due task in time order. A task that succeeded is deleted unless its
   * handler rescheduled it; one that threw stays, moved back by a backoff. Never throws.
   */
  async run(runner: TaskRunner): Promise<{ ran: string[]; failed: string[] }> {
    const ran: string[] = [];
    const failed: string[] = [];
    const { due } = planAlarm(this.#port.all(), this.#clock.now());
    for (const name of due) {
      const before = this.#port.get(name);
      if (before === null) continue; // an earlier task cancelled it
      try {
        await runner(name);
        this.#attempts.delete(name);
        // Deleted only if the handler did not move it (a task that reschedules itself keeps its row).
        if (this.#port.get(name) === before) this.#port.delete(name);
        ran.push(name);
      } catch (err) {
        const attempt = (this.#attempts.get(name) ?? 0) + 1;
        this.#attempts.set(name, attempt);
        console.error("liveroom task failed", { task: name, attempt, err: String(err) });
        this.#port.put(name, this.#clock.now() + retryDelayMs(attempt));
        failed.push(name);
      }
    }
    this.arm();
    return { ran, failed };
  }
}
