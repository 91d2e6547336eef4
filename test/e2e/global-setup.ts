// Once per `npm run test:e2e`: Chromium present, web app built, one Worker for all files.
import type { TestProject } from "vitest/node";
import { buildWeb, ensureChromium, startWorker } from "./harness";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    /** wrangler dev's output, shown when a browser test fails. */
    workerLog: string;
  }
}

export default async function setup(project: TestProject) {
  ensureChromium();
  buildWeb();
  const worker = await startWorker();
  project.provide("baseUrl", worker.url);
  project.provide("workerLog", worker.logFile);
  return async () => {
    await worker.stop();
  };
}
