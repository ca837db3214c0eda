#!/bin/sh
# `npm run bench [-- --full]`: every socket is a file descriptor in the client and in workerd,
# so raise the soft limit to the hard one for this run (children inherit it).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec npx tsx bench/run.ts "$@"
