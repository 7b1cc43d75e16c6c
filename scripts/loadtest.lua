-- wrk script for `make loadtest` (scripts/loadtest.sh): cycles through the public URLs listed in the file named by
-- LOADTEST_URLS, counts every status, and writes a summary the shell script checks (LOADTEST_SUMMARY).
--
-- The intended 404 is recognised exactly: each request carries an X-Request-ID naming what it asked for, and the
-- site echoes that id in its response.

local NOT_FOUND = os.getenv("LOADTEST_NOT_FOUND") or "/conditions/this-page-does-not-exist/"
local paths = {}
for line in io.lines(os.getenv("LOADTEST_URLS")) do
  if line ~= "" then paths[#paths + 1] = line end
end

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = thread_id * 7919 -- each thread starts at a different place in the list
  ok, intended_404, unexpected, last_unexpected = 0, 0, 0, 0
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  local tag = (path == NOT_FOUND) and "intended-404" or "page"
  return wrk.format("GET", path, { ["X-Request-ID"] = string.format("lt-%s-%09d", tag, counter) })
end

function response(status, headers, body)
  local id = headers["X-Request-ID"] or headers["x-request-id"] or ""
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif status == 404 and id:find("intended%-404") then
    intended_404 = intended_404 + 1
  else
    unexpected = unexpected + 1
    last_unexpected = status
  end
end

function done(summary, latency, requests)
  local totals = { ok = 0, intended_404 = 0, unexpected = 0, last_unexpected = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      local value = thread:get(name) or 0
      if name == "last_unexpected" then
        if value ~= 0 then totals[name] = value end
      else
        totals[name] = totals[name] + value
      end
    end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  local function ms(p) return latency:percentile(p) / 1000 end

  io.write("\n== Load test summary\n")
  io.write(string.format("URLs cycled:      %d\n", #paths))
  io.write(string.format("requests:         %d in %.1f s = %.1f requests/s\n", summary.requests, seconds,
    summary.requests / seconds))
  io.write(string.format("latency:          p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    ms(50), ms(90), ms(99), latency.max / 1000))
  io.write(string.format("2xx:              %d\n", totals.ok))
  io.write(string.format("intended 404s:    %d\n", totals.intended_404))
  io.write(string.format("unexpected non-2xx: %d%s\n", totals.unexpected,
    totals.unexpected > 0 and string.format(" (e.g. %d)", totals.last_unexpected) or ""))
  io.write(string.format("socket errors:    %d (connect %d, read %d, write %d, timeout %d)\n",
    socket_errors, e.connect, e.read, e.write, e.timeout))

  local out = io.open(os.getenv("LOADTEST_SUMMARY"), "w")
  out:write(string.format("requests=%d\nrps=%.1f\np50_ms=%.2f\np99_ms=%.2f\nunexpected=%d\nsocket_errors=%d\n",
    summary.requests, summary.requests / seconds, ms(50), ms(99), totals.unexpected, socket_errors))
  out:close()
end
