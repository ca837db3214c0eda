// The simulated show's view of its room (issue 14): the players' sockets (dropped, rejoined, resumed),
// what each socket was sent, and the faults a plan aims at the room's objects. Every wait is bounded;
// a wait that runs out is a violation of the seed, not a flaky test.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { vi } from "vitest";
import type { ControlOp } from "../../durable-objects/control";
import { CATCHUP_RETRY_MS } from "../../durable-objects/kernel/shard-net";
import type { LiveRoom } from "../../durable-objects/live-room";
import { HEARTBEAT_TEXT } from "../../durable-objects/protocol/decode";
import { SeqTracker } from "../../client/sequence";
import type { RoomStatsView } from "../../schema/room-stats";
import { liveroom } from "../../schema/proto";
import { shardOf } from "../../schema/shards";
import { advanceClock, RawClient, roomStub, shardStub } from "../workers/support/raw-client";
import type { Fault, FaultKind } from "./plan";

const T = liveroom.Type;

/** A broken invariant or a show that could not go on: the seed fails with this. */
export class Violation extends Error {}

/** (seq, type) of every numbered notification among frames, in arrival order. */
export const numbered = (frames: readonly liveroom.Frame[]) =>
  frames
    .filter((f) => (f.notification?.roomSeq ?? 0) > 0)
    .map((f): [number, number] => [f.notification!.roomSeq!, f.type]);

export const codeOf = (r: liveroom.Response) =>
  r.status === liveroom.Status.OK ? "OK" : (liveroom.Code[r.code] ?? String(r.code));

async function until(what: string, cond: () => boolean | Promise<boolean>, timeout = 10_000) {
  try {
    await vi.waitUntil(cond, { timeout, interval: 20 });
  } catch {
    throw new Violation(`timed out waiting: ${what}`);
  }
}

export class SimRoom {
  /** The current socket of each player (null while dropped). */
  readonly clients = new Map<string, RawClient | null>();
  /** What each player's earlier sockets were sent, numbered notifications only, before their last RESUME. */
  readonly seen = new Map<string, [number, number][]>();
  /** Every socket each player had, in order (the last one current). */
  readonly sockets = new Map<string, RawClient[]>();
  /** Players who resumed at least once (dropped or deployed). */
  readonly resumed = new Set<string>();
  readonly faults = new Map<FaultKind, number>();
  /** Wall-clock marks (label@ms since the room was made), for finding a slow seed's slow part. */
  readonly marks: string[] = [];
  readonly #t0 = Date.now();
  mark(label: string): void {
    this.marks.push(`${label}@${Date.now() - this.#t0}`);
  }

  /** The faults struck so far, by point, for a violation's message. */
  readonly trace: string[] = [];
  /** Reveals and ends refused SHARD_UNAVAILABLE and retried. */
  refusals = 0;

  constructor(
    readonly activityId: string,
    readonly shards: number,
    readonly ids: ReadonlyMap<string, string>,
  ) {}

  until(what: string, cond: () => boolean | Promise<boolean>, timeout = 10_000): Promise<void> {
    return until(what, cond, timeout);
  }

  count(kind: FaultKind, by = 1): void {
    if (by > 0) this.faults.set(kind, (this.faults.get(kind) ?? 0) + by);
  }

  client(name: string): RawClient {
    const c = this.clients.get(name);
    if (c === null || c === undefined) throw new Violation(`${name} has no socket`);
    return c;
  }

  connected(): RawClient[] {
    return [...this.clients.values()].filter((c): c is RawClient => c !== null && c.closed === null);
  }

  /** Everything numbered a player was sent, over all their sockets. */
  stream(name: string): [number, number][] {
    const c = this.clients.get(name);
    return [...(this.seen.get(name) ?? []), ...(c ? numbered(c.frames) : [])];
  }

  /** Whether a player's socket is open and they hold notification `seq` (on this socket or an earlier one). */
  reached(name: string, seq: number): boolean {
    const c = this.clients.get(name);
    return c !== null && c !== undefined && c.closed === null && this.stream(name).some(([s]) => s === seq);
  }

  /**
   * What the SDK would have applied from everything a player's sockets received, in arrival order
   * (client/sequence.ts: a live notification and the RESUME replay overlap around a reconnect; each
   * number is applied once, in order): the applied (seq, type) and whether a hole is left.
   */
  applied(name: string): { delivered: [number, number][]; last: number; hole: boolean } {
    const t = new SeqTracker<[number, number]>(0);
    const delivered = this.stream(name).flatMap((e) => t.offer(e[0], e));
    return { delivered, last: t.last ?? 0, hole: t.hasHole };
  }

  async join(name: string): Promise<void> {
    const c = await RawClient.join(this.activityId, this.ids.get(name)!);
    this.clients.set(name, c);
    this.sockets.set(name, [...(this.sockets.get(name) ?? []), c]);
  }

  drop(name: string): void {
    const c = this.clients.get(name);
    if (c === null || c === undefined) return;
    c.close();
    this.seen.set(name, this.stream(name));
    this.clients.set(name, null);
  }

  /** Every dropped player (or one whose socket the room closed) back with a RESUME after what they saw. */
  async rejoin(): Promise<void> {
    for (const [name, c] of this.clients) {
      if (c !== null && c.closed === null) continue;
      if (c !== null) {
        this.seen.set(name, this.stream(name));
        this.clients.set(name, null);
      }
      await this.join(name);
      this.resumed.add(name);
      const after = this.applied(name).last;
      const res = await this.client(name).request(T.RESUME, { resume: { afterSeq: after } });
      if (codeOf(res) !== "OK") throw new Violation(`${name}: RESUME after ${after} answered ${codeOf(res)}`);
      if (res.resumed?.gap) throw new Violation(`${name}: RESUME after ${after} reported a gap`);
    }
  }

  async stats(): Promise<RoomStatsView> {
    const r = await roomStub(this.activityId).control(this.activityId, { kind: "stats" });
    if (!r.ok) throw new Violation(`stats: ${r.codeName}`);
    return r.stats;
  }

  /** An operator step; one refused SHARD_UNAVAILABLE (a failed gather) is retried, as an operator would. */
  async control(op: ControlOp): Promise<RoomStatsView | null> {
    for (let attempt = 0; ; attempt++) {
      const r = await roomStub(this.activityId).control(this.activityId, op);
      if (r.ok) return "stats" in r ? r.stats : null;
      if (r.codeName !== "SHARD_UNAVAILABLE" || attempt >= 3)
        throw new Violation(`${op.kind}: ${r.codeName} ${r.message}`);
      this.refusals += 1;
    }
  }

  /** Every connected socket beats once, so the sweep keeps it while the room's clock moves on. */
  async beat(): Promise<void> {
    await Promise.all(
      this.connected().map(async (c) => {
        const n = c.texts.length;
        c.sendRaw(HEARTBEAT_TEXT);
        await until("a heartbeat's answer", () => c.texts.length > n || c.closed !== null, 5_000);
      }),
    );
  }

  async advance(ms: number): Promise<void> {
    await this.beat();
    await advanceClock(this.activityId, ms);
  }

  /**
   * Rejoins the dropped, then waits until every socket has every numbered notification the
   * coordinator committed; what is missing is brought by the coordinator's catch-up task (its alarm,
   * a second later on the room's clock).
   */
  async heal(): Promise<number> {
    await this.rejoin();
    this.mark("heal");
    for (let round = 0; round < 15; round++) {
      const head = (await this.stats()).roomSeq;
      const has = () => [...this.clients.keys()].every((n) => this.reached(n, head));
      try {
        await vi.waitUntil(has, { timeout: round === 0 ? 500 : 300, interval: 20 });
        return head;
      } catch {
        await this.rejoin();
        await this.advance(CATCHUP_RETRY_MS);
        await runDurableObjectAlarm(roomStub(this.activityId));
      }
    }
    const stats = await this.stats();
    const head = stats.roomSeq;
    // For the report: each shard's last applied notification and the coordinator's schedule.
    const shardSeqs = stats.shards.map((r) => `${r.shard}:${r.roomSeq}`).join(",");
    const schedule = await runInDurableObject(this.stub(0), (_r: LiveRoom, state) =>
      state.storage.sql
        .exec<{ name: string; at_ms: number }>("SELECT name, at_ms FROM schedule ORDER BY at_ms")
        .toArray()
        .map((t) => `${t.name}@${t.at_ms}`)
        .join(","),
    );
    const where = ` (shards' roomSeq ${shardSeqs}; coordinator schedule ${schedule || "empty"}; players' shards ${[...this.ids].map(([n, id]) => `${n}:${shardOf(id, this.shards)}`).join(",")})`;
    const behind = [...this.clients]
      .filter(([n]) => !this.reached(n, head))
      .map(
        ([n, c]) =>
          `${n} ${c === null ? "no socket" : c.closed !== null ? "closed" : "open"} ${JSON.stringify(this.stream(n).map(([s]) => s))}`,
      );
    throw new Violation(`head ${head} never reached every socket: ${behind.slice(0, 4).join("; ")}${where}`);
  }

  stub(k: number): DurableObjectStub<LiveRoom> {
    return k === 0 ? roomStub(this.activityId) : shardStub(this.activityId, k);
  }

  async evict(k: number, closeSockets = false): Promise<void> {
    try {
      await evictDurableObject(this.stub(k), closeSockets ? { webSockets: "close" } : undefined);
    } catch (err) {
      // A stub whose object is not running is as good as evicted.
      if (!String(err).includes("not")) throw err;
    }
  }

  /** Every object evicted with its sockets closed, as a deploy does; everyone rejoins at the next heal. */
  async deploy(): Promise<void> {
    // Evicting an object that is not running closes nothing (its sockets are hibernated): each object
    // is woken first, as a deploy reaches every object whether it runs or not.
    for (let attempt = 0; attempt < 5 && this.connected().length > 0; attempt++) {
      for (let k = 0; k < this.shards; k++) {
        await runInDurableObject(this.stub(k), () => undefined);
        await this.evict(k, true);
      }
      try {
        await vi.waitUntil(() => this.connected().length === 0, { timeout: 2_000, interval: 20 });
      } catch {
        // Some socket still open: its object again.
      }
    }
    await until("every socket closed by the deploy", () => this.connected().length === 0, 1_000);
  }

  /**
   * The faults planned at one point around its step: arming and dropping before (then `ready`),
   * evictions while the step runs, the coordinator's alarm twice and a commit-then-evict's eviction after.
   */
  async strike<R>(
    point: string,
    faults: readonly Fault[],
    step: () => Promise<R>,
    ready: () => Promise<void> = async () => undefined,
  ): Promise<R> {
    this.mark(point);
    if (faults.length > 0) this.trace.push(`${point}: ${faults.map((f) => JSON.stringify(f)).join(" ")}`);
    const during: (() => Promise<void>)[] = [];
    const after: (() => Promise<void>)[] = [];
    for (const f of faults) {
      this.count(f.kind);
      switch (f.kind) {
        case "evict":
          during.push(() => this.evict(f.shard));
          break;
        case "fail-deliver":
          await this.stub(f.shard).failNextCall("deliver");
          break;
        case "fail-op":
          await this.stub(f.shard).failNextCall("op", f.op);
          break;
        case "commit-then-evict":
          await this.stub(0).failNextCall("fanout");
          after.push(() => this.evict(0));
          break;
        case "alarm-twice":
          after.push(async () => {
            await runDurableObjectAlarm(this.stub(0));
            await runDurableObjectAlarm(this.stub(0));
          });
          break;
        case "drop":
          this.drop([...this.ids.keys()][f.player]!);
          break;
        case "deploy":
          await this.deploy();
          break;
      }
    }
    // Whatever the step needs first (the dropped back on their sockets), then the step with the evictions.
    await ready();
    const [result] = await Promise.all([step(), ...during.map((evict) => evict())]);
    for (const a of after) await a();
    return result;
  }

  /** Closes every socket and waits until every shard told the coordinator (no call left in flight). */
  async closeAll(): Promise<void> {
    for (const c of this.connected()) c.close();
    await until(
      "every shard reported its sockets gone",
      async () => (await this.stats()).online === 0,
      20_000,
    );
  }
}
