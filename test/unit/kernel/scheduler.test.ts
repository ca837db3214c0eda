import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../../durable-objects/kernel/clock";
import {
  AlarmScheduler,
  planAlarm,
  retryDelayMs,
  type SchedulePort,
  type ScheduledTask,
} from "../../../durable-objects/kernel/scheduler";

/** The room's `schedule` table as a Map, plus every value the scheduler gave the runtime alarm. */
class FakePort implements SchedulePort {
  readonly rows = new Map<string, number>();
  /** The last `setAlarm` value (undefined: never set). */
  alarm: number | null | undefined = undefined;
  readonly alarmSets: (number | null)[] = [];

  all(): ScheduledTask[] {
    return [...this.rows].map(([name, atMs]) => ({ name, atMs }));
  }
  get(name: string): number | null {
    return this.rows.get(name) ?? null;
  }
  put(name: string, atMs: number): void {
    this.rows.set(name, atMs);
  }
  delete(name: string): void {
    this.rows.delete(name);
  }
  setAlarm(atMs: number | null): void {
    this.alarm = atMs;
    this.alarmSets.push(atMs);
  }
  /** The rows as a plain object, for exact comparisons. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.rows);
  }
}

function setup(nowMs = 0) {
  const port = new FakePort();
  const clock = new ManualClock(nowMs);
  const scheduler = new AlarmScheduler(port, clock);
  return { port, clock, scheduler };
}

// A failing task logs through console.error; keep the output quiet and let tests look at it.
let errorLog: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errorLog = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  errorLog.mockRestore();
});

describe("planAlarm", () => {
  it("splits tasks into the due ones (earliest first) and the time of the next one", () => {
    const tasks = [
      { name: "c", atMs: 40 },
      { name: "late", atMs: 99 },
      { name: "a", atMs: 10 },
      { name: "b", atMs: 50 },
      { name: "later", atMs: 120 },
    ];
    expect(planAlarm(tasks, 50)).toEqual({ due: ["a", "c", "b"], nextMs: 99 });
    expect(planAlarm(tasks, 200)).toEqual({ due: ["a", "c", "b", "late", "later"], nextMs: null });
    expect(planAlarm(tasks, 0)).toEqual({ due: [], nextMs: 10 });
    expect(planAlarm([], 0)).toEqual({ due: [], nextMs: null });
  });
});

describe("retryDelayMs", () => {
  it("doubles from 1 s and is capped at a minute", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(retryDelayMs)).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000,
    ]);
    expect(retryDelayMs(17)).toBe(60000);
    expect(retryDelayMs(1000)).toBe(60000);
  });
});

describe("AlarmScheduler.run", () => {
  it("runs due tasks in time order, leaves the not-yet-due ones and arms the alarm for the earliest left", async () => {
    const { port, clock, scheduler } = setup(500);
    port.put("c", 300);
    port.put("later", 900);
    port.put("a", 100);
    port.put("soon", 600);
    port.put("b", 200);
    port.put("now", 500);
    const calls: string[] = [];

    const result = await scheduler.run((name) => {
      calls.push(name);
    });

    expect(calls).toEqual(["a", "b", "c", "now"]);
    expect(result).toEqual({ ran: ["a", "b", "c", "now"], failed: [] });
    expect(port.snapshot()).toEqual({ later: 900, soon: 600 });
    expect(port.alarm).toBe(600);
    expect(clock.now()).toBe(500);
  });

  it("deletes a task whose handler succeeded (async handlers included)", async () => {
    const { port, scheduler } = setup(1000);
    port.put("sync", 1000);
    port.put("async", 900);

    const result = await scheduler.run(async () => {
      await Promise.resolve();
    });

    expect(result).toEqual({ ran: ["async", "sync"], failed: [] });
    expect(port.snapshot()).toEqual({});
  });

  it("keeps a failing task, moved to now + 1 s, then + 2 s, and deletes it once it succeeds", async () => {
    const { port, clock, scheduler } = setup(100);
    port.put("x", 100);
    let fail = true;
    const runner = (name: string) => {
      if (fail) throw new Error(`boom ${name}`);
    };

    expect(await scheduler.run(runner)).toEqual({ ran: [], failed: ["x"] });
    expect(port.snapshot()).toEqual({ x: 1100 });
    expect(port.alarm).toBe(1100);
    expect(errorLog).toHaveBeenCalledTimes(1);
    expect(errorLog).toHaveBeenLastCalledWith("liveroom task failed", {
      task: "x",
      attempt: 1,
      err: "Error: boom x",
    });

    // Not due yet: an early alarm runs nothing.
    clock.t = 1099;
    expect(await scheduler.run(runner)).toEqual({ ran: [], failed: [] });
    expect(port.snapshot()).toEqual({ x: 1100 });
    expect(port.alarm).toBe(1100);

    clock.t = 1100;
    expect(await scheduler.run(runner)).toEqual({ ran: [], failed: ["x"] });
    expect(port.snapshot()).toEqual({ x: 3100 });
    expect(port.alarm).toBe(3100);
    expect(errorLog).toHaveBeenLastCalledWith("liveroom task failed", {
      task: "x",
      attempt: 2,
      err: "Error: boom x",
    });

    clock.t = 3100;
    fail = false;
    expect(await scheduler.run(runner)).toEqual({ ran: ["x"], failed: [] });
    expect(port.snapshot()).toEqual({});
    expect(port.alarm).toBe(null);

    // A success resets the backoff: the next failure of the same task waits 1 s again.
    scheduler.schedule("x", 5000);
    clock.t = 5000;
    fail = true;
    expect(await scheduler.run(runner)).toEqual({ ran: [], failed: ["x"] });
    expect(port.snapshot()).toEqual({ x: 6000 });
    expect(port.alarm).toBe(6000);
  });

  it("keeps a task that rescheduled itself, at the new time", async () => {
    const { port, clock, scheduler } = setup(100);
    port.put("tick", 100);
    port.put("once", 50);

    const result = await scheduler.run((name) => {
      if (name === "tick") scheduler.schedule("tick", clock.now() + 5000);
    });

    expect(result).toEqual({ ran: ["once", "tick"], failed: [] });
    expect(port.snapshot()).toEqual({ tick: 5100 });
    expect(port.alarm).toBe(5100);
  });

  it("does not run a task an earlier task's handler cancelled", async () => {
    const { port, scheduler } = setup(300);
    port.put("a", 100);
    port.put("b", 200);
    port.put("c", 250);
    const calls: string[] = [];

    const result = await scheduler.run((name) => {
      calls.push(name);
      if (name === "a") scheduler.cancel("b");
    });

    expect(calls).toEqual(["a", "c"]);
    expect(result).toEqual({ ran: ["a", "c"], failed: [] });
    expect(port.snapshot()).toEqual({});
    expect(scheduler.has("b")).toBe(false);
  });

  it("never throws: sync throws, rejections and non-Error throws land in `failed`", async () => {
    const { port, scheduler } = setup(1000);
    port.put("sync", 100);
    port.put("ok", 200);
    port.put("reject", 300);
    port.put("string", 400);

    const run = scheduler.run(async (name) => {
      if (name === "sync") throw new Error("sync");
      if (name === "reject") await Promise.reject(new Error("reject"));
      if (name === "string") throw "not an error";
    });

    await expect(run).resolves.toEqual({ ran: ["ok"], failed: ["sync", "reject", "string"] });
    expect(port.snapshot()).toEqual({ sync: 2000, reject: 2000, string: 2000 });
    expect(port.alarm).toBe(2000);
    expect(errorLog).toHaveBeenLastCalledWith("liveroom task failed", {
      task: "string",
      attempt: 1,
      err: "not an error",
    });
  });

  it("arms the alarm for the earliest remaining task, or clears it when none is left", async () => {
    const { port, clock, scheduler } = setup(100);
    port.put("a", 100);
    port.put("c", 900);
    port.put("b", 700);

    expect(await scheduler.run(() => {})).toEqual({ ran: ["a"], failed: [] });
    expect(port.alarm).toBe(700);

    clock.t = 1000;
    expect(await scheduler.run(() => {})).toEqual({ ran: ["b", "c"], failed: [] });
    expect(port.alarm).toBe(null);
    expect(port.alarmSets).toEqual([700, null]);

    // Nothing scheduled at all: the alarm is cleared.
    expect(await scheduler.run(() => {})).toEqual({ ran: [], failed: [] });
    expect(port.alarmSets).toEqual([700, null, null]);
  });
});

describe("AlarmScheduler.schedule / scheduleOnce", () => {
  it("schedule arms the alarm only when the new time is earlier than the armed one", () => {
    const { port, scheduler } = setup(0);

    scheduler.schedule("a", 500); // nothing armed yet (fresh instance): arms
    expect(port.alarmSets).toEqual([500]);

    scheduler.schedule("b", 800); // later: the armed alarm stays
    scheduler.schedule("same", 500); // not earlier either
    expect(port.alarmSets).toEqual([500]);

    scheduler.schedule("c", 200); // earlier: re-armed
    expect(port.alarmSets).toEqual([500, 200]);
    expect(port.alarm).toBe(200);
    expect(port.snapshot()).toEqual({ a: 500, b: 800, same: 500, c: 200 });
    expect(scheduler.has("c")).toBe(true);
    expect(scheduler.has("d")).toBe(false);
  });

  it("schedule arms again once the alarm was cleared", async () => {
    const { port, scheduler } = setup(0);
    await scheduler.run(() => {});
    expect(port.alarmSets).toEqual([null]);

    scheduler.schedule("a", 5000);
    expect(port.alarmSets).toEqual([null, 5000]);
    expect(port.alarm).toBe(5000);
  });

  it("scheduleOnce keeps an existing later time and schedules a missing task", () => {
    const { port, scheduler } = setup(0);
    scheduler.schedule("a", 5000);

    scheduler.scheduleOnce("a", 1000);
    expect(port.snapshot()).toEqual({ a: 5000 });
    expect(port.alarmSets).toEqual([5000]);

    scheduler.scheduleOnce("b", 2000);
    expect(port.snapshot()).toEqual({ a: 5000, b: 2000 });
    expect(port.alarmSets).toEqual([5000, 2000]);
    expect(port.alarm).toBe(2000);
  });
});
