// JSON calls to the Worker's HTTP API, with failures as values in the API's one error shape.

export type ApiResult<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; code: string; message: string; field: string | undefined };

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; field?: unknown };
}

/**
 * Calls `path` with the bearer token; status 0 and code "NETWORK" when the server cannot be reached.
 *
 * @example const r = await api<{ activities: Activity[] }>("GET", "/api/admin/activities", token);
 */
export async function api<T>(
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    return { ok: false, status: 0, code: "NETWORK", message: String(err), field: undefined };
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (res.ok) return { ok: true, status: res.status, body: json as T };
  const e = (json as ErrorBody | undefined)?.error ?? {};
  return {
    ok: false,
    status: res.status,
    code: String(e.code ?? res.status),
    message: typeof e.message === "string" ? e.message : res.statusText,
    field: typeof e.field === "string" ? e.field : undefined,
  };
}
