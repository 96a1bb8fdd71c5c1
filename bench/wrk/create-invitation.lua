-- wrk script for the "create invitation" workload of bench/run.sh.
--
-- Every request carries a new e-mail address (run id + wrk thread number + per-thread counter), so the
-- server never sees a duplicate pending invitation and every request does a real insert.
-- Environment (read by each wrk thread):
--   BENCH_PATH     e.g. /v1/organizations/org_.../invitations
--   BENCH_KEY      Backend API secret key (sent as a Bearer token)
--   BENCH_INVITER  user id of an org admin (inviter_user_id)
--   BENCH_RUN_ID   makes addresses unique across runs against the same database
--   BENCH_NOTIFY   "false" sends notify: false (no email), to measure the invitation write without delivery
--   BENCH_DEBUG    if set, print the first few non-2xx responses to stderr (adds per-response Lua cost)
-- done() prints one line starting with BENCH_RESULT that bench/lib/report.mjs parses.

local threads = {}
local next_thread = 1

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

-- Per-thread state. Globals so that done() can read them back with thread:get().
sent = 0
bad = 0
local path, headers, run_id, inviter, extra

function init(args)
  path = os.getenv("BENCH_PATH") or wrk.path
  run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())
  inviter = os.getenv("BENCH_INVITER")
  extra = os.getenv("BENCH_NOTIFY") == "false" and ',"notify":false' or ""
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or ""),
  }
  if os.getenv("BENCH_DEBUG") then
    -- Only defined on request: a response() callback makes wrk hand every body to Lua.
    local shown = 0
    response = function(status, _, body)
      if status < 200 or status > 299 then
        bad = bad + 1
        if shown < 5 then
          shown = shown + 1
          io.stderr:write(string.format("[create t%d] HTTP %d %s\n", tid, status, body:sub(1, 300)))
        end
      end
    end
  end
end

function request()
  sent = sent + 1
  local body = string.format(
    '{"email_address":"c-%s-t%d-%d@bench.example.com","role":"org:member","inviter_user_id":"%s"%s}',
    run_id, tid, sent, inviter, extra)
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  local generated = 0
  for _, t in ipairs(threads) do generated = generated + t:get("sent") end
  local secs = summary.duration / 1e6
  local e = summary.errors
  -- wrk's errors.status counts responses with status >= 400 (the API never redirects).
  io.write(string.format(
    "BENCH_RESULT workload=create requests=%d generated=%d duration_s=%.3f rps=%.1f " ..
    "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f " ..
    "non2xx=%d connect_err=%d read_err=%d write_err=%d timeout_err=%d\n",
    summary.requests, generated, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
end
