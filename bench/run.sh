#!/usr/bin/env bash
# Invitekit load benchmark: bash bench/run.sh   (from the repository root; see bench/README.md)
#
# One run measures, on this machine, in this order:
#   1. the PostgreSQL-alone reference: pgbench, one single-row invitation INSERT per transaction
#   2. the server on PostgreSQL (fresh database): create invitation, then list the first page of 10
#   3. the server on embedded PGlite (fresh data dir): the same two workloads
# and writes bench/results/latest.json plus the raw files in bench/results/<run id>/.
# The reference runs in the same invocation because only ratios measured together are comparable.
#
# Settings (environment): BENCH_DURATION (s per workload, default 15), BENCH_WARMUP (s, default 3),
# BENCH_PORT (default: a free port picked at random), BENCH_ONLY=postgres|pglite (skip the other backend),
# BENCH_DEBUG=1 (wrk prints the first non-2xx bodies), BENCH_STRICT=1 (exit 1 when a target is missed),
# BENCH_QUIET_WAIT (s to wait for an idle machine before each stage, default 60), BENCH_CPU_PROF=1 (write
# V8 CPU profiles of the server to the run dir; summarise with lib/cpuprof-top.mjs; skews the numbers).
# BENCH_DB, BENCH_REF_DB (the two databases it drops and recreates; default invitekit_bench, bench_pglimit).
#
# Everything runs inside main(), which bash parses in full before running: editing or reformatting this
# file while a run is in progress cannot change what the run executes.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
SERVER_DIR=$ROOT/apps/server

# Load only ever goes to this machine: the host is fixed, not configurable.
HOST=127.0.0.1
export PGHOST=$HOST PGPORT=5432 PGUSER=${PGUSER:-root}
export PGOPTIONS="-c client_min_messages=warning" # quiet the DROP ... IF EXISTS notices
BENCH_DB=${BENCH_DB:-invitekit_bench} # the server's database, dropped and recreated every run
REF_DB=${BENCH_REF_DB:-bench_pglimit} # the pgbench reference's database, likewise
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-3}
THREADS=2
CONNECTIONS=32
LIST_ROWS=10000
ONLY=${BENCH_ONLY:-}
QUIET_WAIT=${BENCH_QUIET_WAIT:-60}

RUN_ID="$(date +%Y%m%d-%H%M%S)-$$"
RUN_DIR=$BENCH_DIR/results/$RUN_ID
KEY="sk_test_bench_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

SERVER_PID=
POLL_PID=
PGLITE_DIR=

log() { printf '\n==> %s\n' "$*" >&2; }
die() {
  echo "bench: $*" >&2
  exit 1
}

cleanup() {
  if [[ -n $POLL_PID ]]; then kill "$POLL_PID" 2>/dev/null || true; fi
  if [[ -n $SERVER_PID ]]; then stop_server; fi
  if [[ -n $PGLITE_DIR ]]; then rm -rf "$PGLITE_DIR"; fi
}

# ---- machine ------------------------------------------------------------------------------------------

# The machine has 2 cores shared by wrk, the server and PostgreSQL: anything else running (a test suite,
# a build) skews the numbers. Wait up to QUIET_WAIT s for it to go idle; go on regardless, but record it
# (report.mjs flags each workload where other processes used CPU).
wait_for_quiet() {
  local busy waited=0
  while :; do
    busy=$(node "$BENCH_DIR/lib/cpu.mjs" busy 2)
    if awk -v b="$busy" 'BEGIN { exit !(b < 0.3) }'; then return; fi
    if ((waited >= QUIET_WAIT)); then
      echo "warning: machine still busy ($busy cores) after ${QUIET_WAIT}s; measuring anyway" >&2
      echo "$1 $busy" >>"$RUN_DIR/not-quiet.txt"
      return
    fi
    echo "machine busy ($busy cores in use by other processes); waiting" >&2
    sleep 5
    waited=$((waited + 7))
  done
}

recreate_db() {
  psql -d postgres -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
}

# ---- server process and its memory --------------------------------------------------------------------

# start_server <backend> <env args...>: node is exec'd directly (no npm/pnpm/sh wrapper), so $SERVER_PID
# is the node process whose memory we read.
start_server() {
  local backend=$1 health=
  shift
  local prof=()
  # Opt-in CPU profile of the server (slows it down: numbers from such a run are for diagnosis only).
  if [[ ${BENCH_CPU_PROF:-} == 1 ]]; then prof=(--cpu-prof --cpu-prof-dir="$RUN_DIR/cpuprof-$backend"); fi
  # The abuse limits are off (0): the workloads create thousands of invitations a second in one organization
  # from one inviter, far past the defaults (bench/README.md, "Limits").
  # Started through the start scripts' launcher (scripts/node-profile.sh), which picks the node flags by
  # database and execs node, so the bench measures the server as it runs in production, and its pid.
  (cd "$SERVER_DIR" && exec env "$@" PORT="$PORT" HOST="$HOST" INVITEKIT_SECRET_KEY="$KEY" LOG_LEVEL=warn \
    INVITEKIT_LIMIT_PENDING_PER_ORGANIZATION=0 INVITEKIT_LIMIT_INVITATIONS_PER_INVITER_PER_HOUR=0 \
    INVITEKIT_LIMIT_TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE=0 \
    sh scripts/node-profile.sh "${prof[@]}" dist/main.js) >"$RUN_DIR/$backend-server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 300); do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$RUN_DIR/$backend-server.log" >&2; die "server exited"; }
    health=$(curl -sf "$BENCH_URL/healthz") && break
    sleep 0.2
  done
  [[ -n $health ]] || die "server not ready after 60 s"
  # Guard against measuring someone else's process on the port: ours must be up, on the right database.
  [[ $health == *"\"$backend\""* ]] || die "healthz says $health, expected database $backend"
  kill -0 "$SERVER_PID" 2>/dev/null || die "server exited; is port $PORT taken?"
  [[ $(cat "/proc/$SERVER_PID/comm") == node ]] || die "pid $SERVER_PID is not node"
  sleep 1 # let startup garbage settle before the idle reading
  echo "idle_kb $(vm_kb "$SERVER_PID" VmRSS)" >"$RUN_DIR/$backend-server.rss"
}

stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# Value in kB of a /proc/<pid>/status field (VmRSS = now, VmHWM = peak since start or last reset).
vm_kb() {
  awk -v k="$2:" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null ||
    echo 0
}

# Peak RSS of one workload: reset VmHWM (writing 5 to clear_refs) so it covers only the workload, and
# also poll VmRSS every 100 ms as a cross-check, and as the fallback where the reset is not permitted.
# Also takes a CPU snapshot (lib/cpu.mjs) to attribute CPU time to server / PostgreSQL / wrk / others.
measure_start() { # <out prefix>
  if echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null; then HWM_RESET=1; else HWM_RESET=0; fi
  RSS_START=$(vm_kb "$SERVER_PID" VmRSS)
  echo "$RSS_START" >"$1.rss-poll"
  (
    max=0
    while kill -0 "$SERVER_PID" 2>/dev/null; do
      kb=$(vm_kb "$SERVER_PID" VmRSS)
      if ((kb > max)); then max=$kb && echo "$max" >"$1.rss-poll"; fi
      sleep 0.1
    done
  ) &
  POLL_PID=$!
  node "$BENCH_DIR/lib/cpu.mjs" snapshot "$SERVER_PID" "$1.cpu-start.json"
}

measure_stop() { # <out prefix> <wrk cpu seconds> <postgres pids>
  node "$BENCH_DIR/lib/cpu.mjs" snapshot "$SERVER_PID" "$1.cpu-end.json"
  kill "$POLL_PID" 2>/dev/null || true
  wait "$POLL_PID" 2>/dev/null || true
  POLL_PID=
  {
    echo "start_kb $RSS_START"
    echo "polled_max_kb $(cat "$1.rss-poll")"
    if ((HWM_RESET)); then echo "hwm_kb $(vm_kb "$SERVER_PID" VmHWM)"; fi
    node "$BENCH_DIR/lib/cpu.mjs" report "$1.cpu-start.json" "$1.cpu-end.json" "$2" "$3"
  } >"$1.rss"
  rm -f "$1.rss-poll"
}

# PostgreSQL processes that work for the server: its database's backends plus the cluster's background
# processes (WAL writer, checkpointer, ...). Other databases' backends are someone else's load.
bench_pg_pids() {
  [[ $1 == postgres ]] || return 0
  psql -d postgres -qAtX -c "SELECT string_agg(pid::text, ',') FROM pg_stat_activity
    WHERE datname = '$BENCH_DB' OR backend_type NOT IN ('client backend', 'autovacuum worker')"
}

# ---- workloads ------------------------------------------------------------------------------------------

# run_wrk <backend> <workload> <lua script> <path>: a short unrecorded warm-up (JIT, pool connections),
# then the measured run with peak RSS, CPU and (on PostgreSQL) database activity recorded alongside.
run_wrk() {
  local backend=$1 workload=$2 script=$BENCH_DIR/wrk/$3 out=$RUN_DIR/$1-$2 activity_pid= wrk_cpu pg_pids
  export BENCH_PATH=$4
  if ((WARMUP > 0)); then
    # Its own run id: the create script's addresses are run id + thread + counter, and the measured run
    # must not repeat an address the warm-up already invited (that would be a duplicate, not an insert).
    BENCH_RUN_ID=$RUN_ID-warmup wrk -t"$THREADS" -c8 -d"${WARMUP}s" --timeout 10s -s "$script" "$BENCH_URL" \
      >"$out.warmup" 2>&1
  fi
  if [[ $backend == postgres ]]; then
    rm -f "$out.pg.json.ready"
    node "$BENCH_DIR/lib/pg-activity.mjs" "$DATABASE_URL" "$DURATION" "$out.pg.json" &
    activity_pid=$!
    # Wait for its "before" snapshot so the counters cover exactly the measured run.
    for _ in $(seq 100); do
      if [[ -e $out.pg.json.ready ]]; then break; fi
      sleep 0.05
    done
  fi
  measure_start "$out"
  log "$backend $workload: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
  # `time` (bash keyword) gives wrk's own CPU seconds, user + system.
  wrk_cpu=$({
    TIMEFORMAT='%U %S'
    time wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s "$script" "$BENCH_URL" \
      >"$out.wrk" 2>"$out.wrk.stderr"
  } 2>&1 | awk '{ print $1 + $2 }')
  pg_pids=$(bench_pg_pids "$backend")
  measure_stop "$out" "$wrk_cpu" "$pg_pids"
  grep '^BENCH_RESULT' "$out.wrk" >&2 || die "wrk failed: $(cat "$out.wrk.stderr")"
  if [[ -n $activity_pid ]]; then wait "$activity_pid" || echo "warning: pg-activity failed" >&2; fi
  rm -f "$out.pg.json.ready"
}

seed() { node "$BENCH_DIR/lib/seed.mjs" "$@"; }
json_field() { node -e 'process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))' "$1" "$2"; }

# bench_backend <backend> <env args for the server...>
bench_backend() {
  local backend=$1 admin user org_create org_list created
  shift
  wait_for_quiet "$backend"
  log "$backend: starting server on port $PORT"
  start_server "$backend" "$@"

  admin=$(seed admin)
  user=$(json_field "$admin" user)
  org_create=$(json_field "$admin" org)
  export BENCH_INVITER=$user

  # (1) create: a new address per request, into an org that starts empty.
  run_wrk "$backend" create create-invitation.lua "/v1/organizations/$org_create/invitations"
  # Cross-check: rows the server holds vs. 2xx responses wrk counted (warm-up + measured run).
  seed check-create "$org_create" "$RUN_DIR/$backend-create" "$(((WARMUP > 0 ? 8 : 0) + CONNECTIONS))" \
    >"$RUN_DIR/$backend-create.check.json"

  # (2) list: first page of 10 in an org holding exactly LIST_ROWS invitations, seeded via the bulk API.
  org_list=$(json_field "$(seed org "$user")" org)
  log "$backend: seeding $LIST_ROWS invitations through the bulk API"
  created=$(seed invitations "$org_list" "$user" "$LIST_ROWS")
  echo "$created" | tee "$RUN_DIR/$backend-seed.json" >&2
  seed check-list "$org_list" "$LIST_ROWS" >"$RUN_DIR/$backend-list.check.json"
  if [[ $backend == postgres ]]; then
    # Autovacuum would get to the freshly inserted rows within about a minute (naptime 60 s), turning the
    # count(*) behind total_count from a heap scan into an index-only scan. Do it now, so the result does
    # not depend on whether autovacuum happened to run during the 15 s.
    psql -d "$BENCH_DB" -qX -c 'VACUUM (ANALYZE)'
  fi
  run_wrk "$backend" list list-invitations.lua "/v1/organizations/$org_list/invitations?limit=10"

  stop_server
}

main() {
  mkdir -p "$RUN_DIR"
  trap cleanup EXIT
  # The server code measured, taken now (others may commit while the run goes on): the last commit that
  # touched packages/ or apps/, and how many files there differ from it.
  local code_commit code_dirty
  code_commit=$(git -C "$ROOT" log -1 --format=%h -- packages apps 2>/dev/null || echo unknown)
  code_dirty=$(git -C "$ROOT" status --porcelain -- packages apps 2>/dev/null | grep -c . || true)

  # ---- prerequisites ----
  if ! command -v wrk >/dev/null; then
    log "installing wrk (apt-get)"
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  fi
  for tool in wrk pgbench psql node curl; do
    command -v "$tool" >/dev/null || die "missing $tool"
  done
  psql -d postgres -qAtXc 'SELECT 1' >/dev/null || die "PostgreSQL not reachable at $HOST:$PGPORT as $PGUSER"
  # The server runs from its build, as in production: plain node, no TypeScript loader in the process.
  log "building the packages and the server"
  (cd "$ROOT" && npx -y pnpm@10 run build >/dev/null) || die "build failed"
  # A random port by default, so a run never collides with a server someone else left on a fixed one.
  PORT=${BENCH_PORT:-$((20000 + RANDOM % 20000))}
  export BENCH_URL="http://$HOST:$PORT" BENCH_KEY=$KEY BENCH_RUN_ID=$RUN_ID
  if curl -s -o /dev/null "$BENCH_URL/"; then die "port $PORT is already in use; set BENCH_PORT"; fi

  # ---- 1. PostgreSQL-alone reference ----
  wait_for_quiet reference
  log "reference: pgbench single-row INSERT, -c$CONNECTIONS -j$THREADS -T$DURATION"
  recreate_db "$REF_DB"
  psql -d "$REF_DB" -qX -v ON_ERROR_STOP=1 -f "$BENCH_DIR/sql/pg-reference-schema.sql"
  # -l writes one line per transaction (pgbench_log.*) into RUN_DIR; report.mjs derives p50/p99 from it.
  (cd "$RUN_DIR" && pgbench -n -M extended -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" -D org=1 -l \
    -f "$BENCH_DIR/sql/pg-reference-insert.sql" "$REF_DB") >"$RUN_DIR/pgbench.out" 2>&1
  grep -E '^(tps|latency average|number of (transactions|failed))' "$RUN_DIR/pgbench.out" >&2

  # ---- 2. server on PostgreSQL ----
  if [[ $ONLY != pglite ]]; then
    recreate_db "$BENCH_DB"
    export DATABASE_URL="postgres://$PGUSER@$HOST:$PGPORT/$BENCH_DB"
    bench_backend postgres DATABASE_URL="$DATABASE_URL"
  fi

  # ---- 3. server on embedded PGlite ----
  if [[ $ONLY != postgres ]]; then
    PGLITE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/invitekit-bench-pglite.XXXXXX")
    # `env -u` keeps DATABASE_URL from reaching the server: without it the server uses PGlite.
    bench_backend pglite -u DATABASE_URL INVITEKIT_DATA_DIR="$PGLITE_DIR/data"
  fi

  # ---- report ----
  local b status=0
  cat >"$RUN_DIR/env.json" <<EOF
{
  "run_id": "$RUN_ID",
  "git_commit": "$code_commit",
  "git_dirty_paths": ${code_dirty:-0},
  "cpu_profile": "${BENCH_CPU_PROF:-0}",
  "postgres_version": "$(psql -d postgres -qAtXc 'SHOW server_version')",
  "wrk_version": "$(wrk -v 2>&1 | head -1 | awk '{print $2}')",
  "load": "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s after a ${WARMUP}s warm-up (-c8); pgbench -c$CONNECTIONS -j$THREADS -T$DURATION",
  "postgres_log_lines": $(log_lines postgres),
  "pglite_log_lines": $(log_lines pglite)
}
EOF
  node "$BENCH_DIR/lib/report.mjs" "$RUN_DIR" "$RUN_DIR/summary.json" || status=$?
  cp "$RUN_DIR/summary.json" "$BENCH_DIR/results/latest.json"
  for b in postgres pglite; do
    if [[ -s $RUN_DIR/$b-server.log ]]; then
      echo "server log ($b, level warn and above; first 5 lines of $RUN_DIR/$b-server.log):"
      head -5 "$RUN_DIR/$b-server.log" | cut -c1-400
    fi
  done
  echo "raw files: $RUN_DIR"
  if [[ ${BENCH_STRICT:-} == 1 ]]; then
    node -e 'process.exit(require(process.argv[1]).all_targets_pass ? 0 : 1)' "$BENCH_DIR/results/latest.json" ||
      status=1
  fi
  return "$status"
}

log_lines() {
  if [[ -f $RUN_DIR/$1-server.log ]]; then grep -c . "$RUN_DIR/$1-server.log" || true; else echo null; fi
}

{ main "$@"; exit; } # one line, read in full before main runs
