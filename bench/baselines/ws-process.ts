// Starts the plain `ws` baseline in its own process and says where it listens.
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";

export interface WsBaseline {
  base: string;
  stop(): Promise<void>;
}

export function startWsBaseline(): Promise<WsBaseline> {
  const child: ChildProcess = fork(join(import.meta.dirname, "ws-server.ts"), {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("message", (m: { port: number }) => {
      resolve({
        base: `http://127.0.0.1:${m.port}`,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.disconnect();
          }),
      });
    });
  });
}
