// The room's activity: loaded from D1 by the first request that names it, then kept in the room's
// own rows; and its host (D1, cached), the one host token that may operate the room.
import type { ActivityConfig } from "../../schema/activity";
import { loadActivityConfig } from "../../schema/queries/activities";
import { loadActivityHost } from "../../schema/queries/gifts";
import type { Clock } from "./clock";
import type { RoomStore } from "./room-store";

/** How long the host id is cached (an admin reassigning it takes effect within this). */
const HOST_CACHE_MS = 30_000;

export class RoomActivity {
  #activity: ActivityConfig | null;
  #host: { id: string | null; atMs: number } | null = null;

  constructor(
    private readonly store: RoomStore,
    private readonly db: D1Database,
    private readonly clock: Clock,
  ) {
    this.#activity = store.activity();
  }

  /** The activity, or null before the first request named it. */
  get(): ActivityConfig | null {
    return this.#activity;
  }

  /** Loads the activity into this room if needed; false for an unknown id or another room's. */
  async ensure(activityId: string): Promise<boolean> {
    if (this.#activity !== null) return this.#activity.id === activityId;
    if (activityId === "") return false;
    const activity = await loadActivityConfig(this.db, activityId);
    if (activity === null) return false;
    // Another event may have loaded it while we awaited D1.
    if (this.#activity === null) {
      this.store.saveActivity(activity);
      this.#activity = activity;
    }
    return this.#activity.id === activityId;
  }

  /** The activity's host (D1, cached for 30 s). */
  async host(): Promise<string | null> {
    const now = this.clock.now();
    if (this.#host !== null && now - this.#host.atMs < HOST_CACHE_MS) return this.#host.id;
    const id = this.#activity === null ? null : await loadActivityHost(this.db, this.#activity.id);
    this.#host = { id, atMs: now };
    return id;
  }
}
