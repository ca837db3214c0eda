import type { z } from "zod";

/** One success answer of a route: its status, what it means, and its body's schema when one is declared. */
export interface SuccessDoc {
  status: 101 | 200 | 201;
  description: string;
  schema?: z.ZodType;
}

/** The documentation of one route, keyed by `METHOD /path` as Hono lists it in `app.routes`. */
export interface OperationDoc {
  summary: string;
  description?: string;
  ok: readonly SuccessDoc[];
  /** Errors particular to this route, by status: their codes and when (the common ones are added). */
  errors?: Readonly<Partial<Record<number, string>>>;
  /** A request body the reference page shows and sends. */
  example?: unknown;
}
