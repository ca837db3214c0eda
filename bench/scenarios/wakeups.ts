// Room wake-ups while idle sockets heartbeat. Runs in its own workerd whose LIVE_ROOM class is
// CountedLiveRoom (bench/worker/counted-room.ts): every entry point bumps an in-isolate counter,
// and the constructor counts how often the object was (re)built, i.e. woke from hibernation.
import { benchActivity } from "../admin";
import { ClientPool } from "../clients/pool";
import type { HeartbeatResult } from "../clients/protocol";
import { closeAll, openAll, sum } from "../clients/ops";
import { type Ctx, clientProcesses, userIds } from "../context";
import { startRuntime } from "../runtime";
import type { WakeCounts } from "../worker/counted-room";

export interface WakeResult {
  sockets: number;
  durationMs: number;
  intervalMs: number;
  beats: HeartbeatResult;
  before: WakeCounts;
  after: WakeCounts;
  /** Events that ran room code between the two reads (fetch, message, close, alarm). */
  events: number;
  /** Times the room was rebuilt (woken from hibernation) between the reads, not counting the read itself. */
  rebuilds: number;
  /** Whether the room hibernated at all (it was rebuilt by the final read). */
  hibernated: boolean;
}

export async function idleWakeups(ctx: Ctx, script: string, logFile: string, n: number): Promise<WakeResult> {
  const durationMs = ctx.full ? 60_000 : 15_000;
  const intervalMs = ctx.full ? 15_000 : 5_000;
  ctx.progress.scope(`idle wake-ups · ${n} sockets · ${durationMs / 1000} s`);
  ctx.progress.step("starting a workerd with the counting room");
  const rt = await startRuntime(script, { logFile, liveRoomClass: "CountedLiveRoom" });
  const pool = ClientPool.start(clientProcesses(n));
  try {
    const { Api } = await import("../admin");
    const api = await Api.create(rt.base);
    const id = `idle-${Date.now().toString(36)}`;
    await api.createActivity(benchActivity(id, { questions: 1 }));
    ctx.progress.step(`opening ${n} sockets`);
    await openAll(pool, {
      wsBase: rt.base.replace(/^http/, "ws"),
      path: `/rooms/${id}/ws`,
      users: userIds(`i${id}`, n),
      n,
      concurrency: ctx.concurrency,
      timeoutMs: 120_000,
    });
    const counts = async () => (await (await fetch(`${rt.base}/bench/wakes/${id}`)).json()) as WakeCounts;
    const before = await counts();
    ctx.progress.step(`heartbeating every ${intervalMs / 1000} s for ${durationMs / 1000} s`);
    const parts = await pool.all<"heartbeat">(() => ({ cmd: "heartbeat", intervalMs, durationMs }));
    const readAt = Date.now();
    const after = await counts();
    await closeAll(pool);
    const beats: HeartbeatResult = {
      sent: sum(parts.map((p) => p.sent)),
      echoed: sum(parts.map((p) => p.echoed)),
      otherFrames: sum(parts.map((p) => p.otherFrames)),
      closed: sum(parts.map((p) => p.closed)),
    };
    const events =
      after.message -
      before.message +
      after.alarm -
      before.alarm +
      after.fetch -
      before.fetch +
      after.close -
      before.close;
    const lastBefore = before.builtAt.at(-1) ?? 0;
    const between = after.builtAt.filter((t) => t > lastBefore);
    const rebuilds = between.filter((t) => t < readAt).length;
    const hibernated = between.some((t) => t >= readAt);
    ctx.progress.done(
      `${beats.sent} beats, ${beats.echoed} echoed, ${events} room events, ${rebuilds} wake-ups (hibernated: ${hibernated})`,
    );
    return { sockets: n, durationMs, intervalMs, beats, before, after, events, rebuilds, hibernated };
  } finally {
    await pool.stop();
    await rt.dispose();
  }
}
