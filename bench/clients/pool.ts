// The runner's side of the client processes: fork them, send commands, gather the answers.
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import type { Command, Reply, ResultOf } from "./protocol";

type Cmd<K extends Command["cmd"]> = Extract<Command, { cmd: K }>;

export class ClientPool {
  #nextId = 1;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(readonly children: ChildProcess[]) {
    for (const child of children) {
      child.on("message", (reply: Reply) => {
        const w = this.#waiting.get(reply.id);
        if (w === undefined) return;
        this.#waiting.delete(reply.id);
        if (reply.ok) w.resolve(reply.result);
        else w.reject(new Error(reply.error));
      });
      child.on("exit", (code) => {
        if (code === 0 || code === null) return;
        for (const w of this.#waiting.values()) w.reject(new Error(`client process exited with ${code}`));
        this.#waiting.clear();
      });
    }
  }

  /** Forks `k` client processes (TypeScript through tsx's loader). */
  static start(k: number): ClientPool {
    const file = join(import.meta.dirname, "child.ts");
    const children = Array.from({ length: k }, () =>
      fork(file, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    return new ClientPool(children);
  }

  get size(): number {
    return this.children.length;
  }

  send<K extends Command["cmd"]>(child: number, cmd: Cmd<K>): Promise<ResultOf[K]> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.children[child]!.send({ ...cmd, id });
    });
  }

  /** The same kind of command to every child, built per child (e.g. its share of the users). */
  all<K extends Command["cmd"]>(make: (child: number) => Cmd<K>): Promise<ResultOf[K][]> {
    return Promise.all(this.children.map((_, i) => this.send(i, make(i))));
  }

  /** Splits `n` items into one contiguous range per child. */
  shares(n: number): { from: number; count: number }[] {
    const k = this.children.length;
    return this.children.map((_, i) => {
      const from = Math.floor((i * n) / k);
      return { from, count: Math.floor(((i + 1) * n) / k) - from };
    });
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once("exit", () => resolve());
            c.disconnect();
            setTimeout(() => c.kill(), 3000).unref();
          }),
      ),
    );
  }
}
