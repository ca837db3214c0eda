// The room's named tasks: every feature's and the kernel's own, by name.
import type { Features } from "../features/registry";
import type { TaskSpec } from "./feature";

/** Every feature's tasks and the kernel's, by name; two owners of one name is a bug caught at start. */
export function taskTable(f: Features, kernel: Record<string, TaskSpec>): ReadonlyMap<string, TaskSpec> {
  const table = new Map<string, TaskSpec>(Object.entries(kernel));
  for (const feature of f.all) {
    for (const [name, spec] of Object.entries(feature.tasks)) {
      if (table.has(name)) throw new Error(`task ${name} has two owners`);
      table.set(name, spec);
    }
  }
  return table;
}
