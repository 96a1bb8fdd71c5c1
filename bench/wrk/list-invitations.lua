-- wrk script for the "list first page" workload of bench/run.sh.
--
-- The request never changes, so it is set once on wrk.* and wrk reuses it: no per-request Lua work.
-- Environment:
--   BENCH_PATH   e.g. /v1/organizations/org_.../invitations?limit=10
--   BENCH_KEY    Backend API secret key (sent as a Bearer token)
--   BENCH_DEBUG  if set, print the first few non-2xx responses to stderr (adds per-response Lua cost)
-- done() prints one line starting with BENCH_RESULT that bench/lib/report.mjs parses.

wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH") or wrk.path
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "")

function init(args)
  if os.getenv("BENCH_DEBUG") then
    local shown = 0
    response = function(status, _, body)
      if (status < 200 or status > 299) and shown < 5 then
        shown = shown + 1
        io.stderr:write(string.format("[list] HTTP %d %s\n", status, body:sub(1, 300)))
      end
    end
  end
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  -- wrk's errors.status counts responses with status >= 400 (the API never redirects).
  io.write(string.format(
    "BENCH_RESULT workload=list requests=%d duration_s=%.3f rps=%.1f bytes_per_req=%.0f " ..
    "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f " ..
    "non2xx=%d connect_err=%d read_err=%d write_err=%d timeout_err=%d\n",
    summary.requests, secs, summary.requests / secs,
    summary.requests > 0 and summary.bytes / summary.requests or 0,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
end
