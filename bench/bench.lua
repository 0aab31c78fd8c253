-- bench.lua - wrk script for `make bench`. Each request takes the next of
-- the header sets in BENCH_HEADERS (one per line: "Name: value|Name:
-- value"), so the load spreads over many sessions or tokens. Every status
-- outside 2xx is counted, and done() prints one JSON line for bench.py.
local sets = {}
local n = 0
local method, body = "GET", nil
bad = 0

local function split(line)
  local h = {}
  for pair in string.gmatch(line, "[^|]+") do
    local name, value = string.match(pair, "^%s*([^:]+):%s*(.*)$")
    if name then h[name] = value end
  end
  return h
end

init = function(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  body = os.getenv("BENCH_BODY")
  if body == "" then body = nil end
  local file = os.getenv("BENCH_HEADERS")
  if file and file ~= "" then
    for line in io.lines(file) do table.insert(sets, split(line)) end
  end
end

request = function()
  n = n + 1
  local h = sets[(n % math.max(#sets, 1)) + 1] or {}
  return wrk.format(method, nil, h, body)
end

response = function(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end

local threads = {}
setup = function(thread) table.insert(threads, thread) end

done = function(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), b,
    e.connect + e.read + e.write + e.timeout))
end
