import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../../workers/index";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../../workers/index");
      durableNamespaces: "LiveRoom";
    }
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
