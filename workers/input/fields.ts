// Field builders shared by the request schemas, so a rule and its message are written once.
import { z } from "zod";
import { must } from "./messages";

/**
 * An integer in [min, max], with one message for every failure.
 * @example intIn(1000, 60000) // "must be an integer from 1000 to 60000"
 */
export function intIn(min: number, max: number) {
  const message = `must be an integer from ${min} to ${max}`;
  return z
    .int({ error: must(message) })
    .min(min, { error: message })
    .max(max, { error: message });
}

/**
 * A non-blank string of at most `max` characters, with one message for every failure.
 * @example text(200) // "must be a non-blank string of at most 200 characters"
 */
export function text(max: number) {
  const message = `must be a non-blank string of at most ${max} characters`;
  return (
    z
      .string({ error: must(message) })
      .min(1, { error: message })
      .max(max, { error: message })
      // A pattern rather than a refinement, so that the OpenAPI document says it too (a refinement's
      // function cannot be written as JSON Schema). `\S` is exactly what String.prototype.trim keeps.
      .regex(/\S/, { error: message })
  );
}
