#!/bin/sh
# `npm run bench [-- --full]`: every socket is a file descriptor in the client and in workerd,
# so raise the soft limit to the hard one for this run (children inherit it). The generated
# protocol code is refreshed first: the bench bundles it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
node scripts/gen-proto.mjs >/dev/null || exit 1
exec npx tsx bench/run.ts "$@"
