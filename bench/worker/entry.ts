// The Worker the benchmarks load into miniflare: liveroom's own Worker, unchanged, plus the
// baseline rooms under /bench/*, all in the same workerd process.
import worker from "../../workers/index";
import type { Env } from "../../workers/index";
import type { BareRoom } from "../baselines/bare-room";
import type { PartyRoom } from "../baselines/party-room";
import type { ProbeRoom } from "../baselines/probe-room";
import type { CountedLiveRoom } from "./counted-room";
import { SETTLEMENT_QUEUE, settleOneByOne } from "../../workers/settlement/consumer";
import { sendSettlement } from "./settle";

export { LiveRoom } from "../../workers/index";
export { BareRoom } from "../baselines/bare-room";
export { PartyRoom } from "../baselines/party-room";
export { ProbeRoom } from "../baselines/probe-room";
export { CountedLiveRoom } from "./counted-room";

export interface BenchEnv extends Env {
  BARE_ROOM: DurableObjectNamespace<BareRoom>;
  PARTY_ROOM: DurableObjectNamespace<PartyRoom>;
  PROBE_ROOM: DurableObjectNamespace<ProbeRoom>;
}

const ROUTE = /^\/bench\/(bare|party|probe|wakes|settle|settle-mode)\/([\w-]{1,64})(\/ws)?$/;

type Kind = "bare" | "party" | "probe" | "wakes" | "settle" | "settle-mode";

/** The consumer path of the settlement queue in this isolate (settle.ts): the Worker's own, or the old one. */
let settleMode: "batch" | "one-by-one" = "batch";

export default {
  ...worker,
  fetch(request, env, ctx) {
    const m = ROUTE.exec(new URL(request.url).pathname);
    if (m === null) return worker.fetch(request, env, ctx);
    const [, kind, room] = m as unknown as [string, Kind, string];
    if (kind === "wakes") {
      // Only meaningful in the runtime that binds LIVE_ROOM to CountedLiveRoom.
      const ns = env.LIVE_ROOM as unknown as DurableObjectNamespace<CountedLiveRoom>;
      return ns
        .get(ns.idFromName(room))
        .wakeCounts()
        .then((c) => Response.json(c));
    }
    if (kind === "settle") return sendSettlement(request, env, room);
    if (kind === "settle-mode") {
      settleMode = room === "one-by-one" ? "one-by-one" : "batch";
      return Response.json({ mode: settleMode });
    }
    if (kind === "bare") return env.BARE_ROOM.get(env.BARE_ROOM.idFromName(room)).fetch(request);
    if (kind === "probe") return env.PROBE_ROOM.get(env.PROBE_ROOM.idFromName(room)).fetch(request);
    const headers = new Headers(request.headers);
    headers.set("x-partykit-room", room);
    return env.PARTY_ROOM.get(env.PARTY_ROOM.idFromName(room)).fetch(new Request(request, { headers }));
  },
  async queue(batch, env) {
    if (settleMode === "one-by-one" && batch.queue === SETTLEMENT_QUEUE) {
      await settleOneByOne(batch.messages, env.DB);
      return;
    }
    await worker.queue(batch, env);
  },
} satisfies ExportedHandler<BenchEnv>;
