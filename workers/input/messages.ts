/**
 * A zod `error` option: "is required" when the field is absent, `message` for any other failure,
 * so that each field has one stable message whatever check failed.
 * @example z.int({ error: must("must be a positive integer number of cents") })
 */
export function must(message: string): (issue: { input?: unknown }) => string {
  return (issue) => (issue.input === undefined ? "is required" : message);
}
