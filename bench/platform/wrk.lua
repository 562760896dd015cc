-- wrk script of the platform and load benchmarks: sends the API token from BULWARK_TOKEN (never on
-- the command line) when set, and prints one machine-readable line at the end:
-- "wrk requests=N rps=R p50_ms=A p95_ms=B p99_ms=C errors=E non2xx=F".
local token = os.getenv("BULWARK_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "wrk requests=%d rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
