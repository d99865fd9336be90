-- wrk script for Part 4: load on the users API of either service.
--
--   wrk ... -s load.lua URL -- ROWS MODE TAG
--
-- ROWS: the seeded users have ids 1..ROWS. MODE "read": every request is GET /users/{id}
-- for an id drawn uniformly from them. MODE "mixed": 80 % such reads, 10 % creates of new
-- users (unique addresses from TAG and a counter), 10 % updates of a seeded user's name.
-- When the run ends, one JSON line with wrk's counts and latency percentiles goes to stdout.

local rows, mode, tag = 1000, "read", "run"
local created = 0
local json = { ["Content-Type"] = "application/json" }

function init(args)
  rows = tonumber(args[1]) or rows
  mode = args[2] or mode
  tag = args[3] or tag
  math.randomseed(20250101)
end

function request()
  local roll = math.random(100)
  if mode == "read" or roll <= 80 then
    return wrk.format("GET", "/users/" .. math.random(rows))
  elseif roll <= 90 then
    created = created + 1
    local body = string.format('{"email": "%s-%d@load.example.com", "name": "Load %d"}',
      tag, created, created)
    return wrk.format("POST", "/users", json, body)
  else
    local id = math.random(rows)
    local body = string.format('{"email": "user%d@example.com", "name": "Updated %d"}', id, roll)
    return wrk.format("PUT", "/users/" .. id, json, body)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d, ' ..
    '"errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"latency_mean_us": %.1f, "latency_p50_us": %d, "latency_p90_us": %d, ' ..
    '"latency_p99_us": %d, "latency_p999_us": %d, "latency_max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max))
end
