// A wall-clock deadline on a call between the objects of a room: a peer that never answers (a call
// caught in an eviction, an overloaded object) must not hold up what waits on it for ever.

/** `p`, or a rejection with `what` if it has not settled within `ms` of wall time. */
export async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
