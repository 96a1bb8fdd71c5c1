#!/bin/sh
# Runs node with the memory profile of the database the server will use; the arguments are node's (flags,
# then the script). `exec` keeps one process: the pid started is the server's. See README.md, "Node flags".
if [ -n "${DATABASE_URL:-}" ]; then
  # PostgreSQL: sized for throughput. 8 MB semi-spaces (not 16); the old generation grows to 1.5× its live
  # size before a full collection (not up to 4×).
  exec node --max-semi-space-size=8 --heap-growing-percent=50 "$@"
fi
# Embedded PGlite: sized for memory. V8 compiles PGlite's WebAssembly in zones of tens of MB that glibc
# keeps once freed: one malloc arena, and blocks of 16 kB or more mapped on their own, give them back
# (other C libraries ignore these variables). One compilation thread; 2 MB semi-spaces; the old
# generation grows to 1.3× its live size. Together: ~290 → ~195 MB peak under load, for ~20% more CPU.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-16384}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-131072}"
exec node --max-semi-space-size=2 --heap-growing-percent=30 --wasm-num-compilation-tasks=1 "$@"
