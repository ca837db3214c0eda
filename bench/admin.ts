// Seeding through the Worker's HTTP API with tokens signed by the bench's secret.
import { benchToken } from "./tokens";

/** The user every bench activity is hosted by. */
const BENCH_HOST = "bench-host";

export class Api {
  constructor(
    readonly base: string,
    readonly adminToken: string,
    readonly hostToken: string,
  ) {}

  static async create(base: string): Promise<Api> {
    return new Api(base, await benchToken("bench-admin", "admin"), await benchToken(BENCH_HOST, "host"));
  }

  async call(method: string, path: string, token: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      // undici's "fetch failed" hides what failed in `cause`.
      const cause = err instanceof Error && err.cause !== undefined ? `: ${String(err.cause)}` : "";
      throw new Error(`${method} ${path}: ${String(err)}${cause}`);
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text === "" ? null : (JSON.parse(text) as unknown);
  }

  /** Creates the activity and makes the bench's host its host: a host token operates only its own. */
  async createActivity(activity: { id: string }): Promise<unknown> {
    const created = await this.call("POST", "/api/admin/activities", this.adminToken, activity);
    await this.call("PUT", `/api/admin/activities/${activity.id}/host`, this.adminToken, {
      hostId: BENCH_HOST,
    });
    return created;
  }

  /** An operator step on a room, e.g. `open`, `questions/0/push`, `rains/0/start`. */
  control(activityId: string, step: string): Promise<unknown> {
    const body = step === "open" || step === "end" ? undefined : { streamTsMs: 0 };
    return this.call("POST", `/api/rooms/${activityId}/${step}`, this.hostToken, body);
  }

  stats(activityId: string): Promise<unknown> {
    return this.call("GET", `/api/rooms/${activityId}/stats`, this.hostToken);
  }
}

/** A quiz activity for the benchmarks: `questions` four-option questions, rains as given, `shards` shards. */
export function benchActivity(
  id: string,
  opts: { questions: number; windowMs?: number; rains?: object[]; shards?: number },
) {
  return {
    ...(opts.shards === undefined ? {} : { shards: opts.shards }),
    id,
    title: `bench ${id}`,
    startAt: Date.now(),
    prizePoolCents: 1_000_000,
    answerWindowMs: opts.windowMs ?? 10_000,
    streamUrl: "https://stream.example/bench/index.m3u8",
    // No stream-delay budget (docs/protocol.md, "Fair answer windows"): the bench's clients answer
    // unstamped, judged from the push, and time their answers from deadline − window as before.
    streamDelayBudgetMs: 0,
    grabCap: 3,
    questions: Array.from({ length: opts.questions }, (_, i) => ({
      text: `Question ${i + 1}: which of these planets is the largest in the solar system?`,
      options: ["Mercury", "Jupiter", "Mars", "Venus"],
      correct: 1,
    })),
    rains: opts.rains ?? [],
  };
}
