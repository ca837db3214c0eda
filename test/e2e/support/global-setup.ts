// Starts one local liveroom for every e2e test file and hands its address and secret to them.
import type { TestProject } from "vitest/node";
import { startServer } from "./server";

declare module "vitest" {
  export interface ProvidedContext {
    e2eBase: string;
    e2eSecret: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startServer();
  project.provide("e2eBase", server.base);
  project.provide("e2eSecret", server.secret);
  return () => server.stop();
}
