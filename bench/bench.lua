-- bench.lua - wrk script for `make bench`. Each request takes the next of
-- the request sets in BENCH_HEADERS (one per line: "Name: value|Name:
-- value"; the pseudo-header "@body: ..." is that request's body), so the
-- load spreads over many sessions, tokens or products. The two threads
-- start half-way apart in the list. Every status outside 2xx (and outside
-- BENCH_OK, e.g. "303" for a form POST answered with a redirect) is
-- counted. done() prints one JSON line for bench.py.
local sets = {}
local n = 0
local method, body = "GET", nil
local ok_status = 0
bad = 0
tindex = 0

local function split(line)
  local h, b = {}, nil
  for pair in string.gmatch(line, "[^|]+") do
    local name, value = string.match(pair, "^%s*([^:]+):%s*(.*)$")
    if name == "@body" then b = value
    elseif name then h[name] = value end
  end
  return { headers = h, body = b }
end

init = function(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  body = os.getenv("BENCH_BODY")
  if body == "" then body = nil end
  ok_status = tonumber(os.getenv("BENCH_OK") or "") or 0
  local file = os.getenv("BENCH_HEADERS")
  if file and file ~= "" then
    for line in io.lines(file) do table.insert(sets, split(line)) end
  end
  n = tindex * math.floor(#sets / 2)
end

request = function()
  n = n + 1
  local s = sets[(n % math.max(#sets, 1)) + 1]
  if not s then return wrk.format(method, nil, {}, body) end
  return wrk.format(method, nil, s.headers, s.body or body)
end

response = function(status, headers, body)
  if (status < 200 or status > 299) and status ~= ok_status then
    bad = bad + 1
  end
end

local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("tindex", #threads - 1)
end

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
