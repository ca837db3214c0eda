// LiveRoom with every entry point counted, for the idle wake-up scenario only (its own miniflare,
// so the other scenarios measure the room unchanged). A module-level counter survives hibernation
// (the isolate stays); `isolate` changes if the isolate itself restarted, which would reset it.
import type { Env } from "../../workers/index";
import { LiveRoom } from "../../workers/index";

export interface WakeCounts {
  isolate: string;
  constructed: number;
  /** When each (re)build happened (room clock, ms), the last 50. */
  builtAt: number[];
  fetch: number;
  message: number;
  close: number;
  alarm: number;
  rpc: number;
}

// Random values are not allowed at global scope: the isolate id is drawn on first use.
const counts: WakeCounts = {
  isolate: "",
  constructed: 0,
  builtAt: [],
  fetch: 0,
  message: 0,
  close: 0,
  alarm: 0,
  rpc: 0,
};

export class CountedLiveRoom extends LiveRoom {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    counts.constructed++;
    counts.builtAt = [...counts.builtAt.slice(-49), Date.now()];
    if (counts.isolate === "") counts.isolate = crypto.randomUUID();
  }

  override fetch(request: Request): Promise<Response> {
    counts.fetch++;
    return super.fetch(request);
  }

  override webSocketMessage(ws: WebSocket, message: ArrayBuffer | string): Promise<void> {
    counts.message++;
    return super.webSocketMessage(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    counts.close++;
    return super.webSocketClose(ws, code, reason);
  }

  override alarm(): Promise<void> {
    counts.alarm++;
    return super.alarm();
  }

  /** The counts so far; this call itself is counted under `rpc`. */
  wakeCounts(): WakeCounts {
    counts.rpc++;
    return { ...counts, builtAt: [...counts.builtAt] };
  }
}
