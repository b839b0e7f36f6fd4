-- wrk script for the mock's authrep runs (scripts/bench-mock).
--
--   wrk ... -s authrep.lua URL -- APPS PREFIX [LIMIT]
--
-- Request i names application PREFIX..((i-1) % APPS + 1), round-robin, with
-- usage[hits]=1 and the provider key and path of URL's query. The requests
-- are formatted once in init(), so request() costs one table lookup. The
-- script counts the requests it hands to wrk ("sent"): wrk's own count leaves
-- out those still in flight when it stops, which the mock has counted. With
-- LIMIT > 0 a thread stops after LIMIT requests, plus at most one for each
-- other connection that was already due (wrk alone cannot stop on a count;
-- the bench runs one thread).

local requests = {}
local apps = 1
local limit = 0
local next_index = 0
sent = 0  -- A global, so that done() can read it through thread:get().

function init(args)
  apps = tonumber(args[1]) or 1
  local prefix = args[2] or "a"
  limit = tonumber(args[3]) or 0
  local base = wrk.path .. (wrk.path:find("?", 1, true) and "&" or "?")
  for i = 1, apps do
    requests[i] = wrk.format("GET", base .. "app_id=" .. prefix .. i)
  end
end

function request()
  next_index = next_index % apps + 1
  sent = sent + 1
  if limit > 0 and sent == limit then
    -- Ends this thread's loop now, and wakes wrk's main thread, which
    -- otherwise sleeps for the whole -d before printing its summary: its
    -- SIGINT handler is how wrk stops early. The signal is sent again every
    -- half second while wrk lives, since one that lands before the main
    -- thread sleeps (or installs the handler) is lost. Not os.execute:
    -- system() ignores SIGINT in the caller while the command runs.
    wrk.thread:stop()
    io.popen("(for i in 1 2 3 4 5 6 7 8 9 10; do kill -INT $PPID || exit 0;"
             .. " sleep 0.5; done) >/dev/null 2>&1 &"):close()
  end
  return requests[next_index]
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  -- After init(), wrk calls the first thread's request() once more to check
  -- the request it returns (script_verify_request); that one is never sent.
  if #threads == 1 then thread:set("sent", -1) end
end

function done(summary, latency, reqs)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write(string.format("sent %d\n", total))
end
