-- wrk script for bench/make-capture.sh: a small REST-like HTTP/1.1 mix.
--
-- Per 100 requests, approximately:
--   40 GET    /api/users/<1..60>         ~300 B JSON; ids > 50 -> 404
--   15 GET    /api/orders/<1..24>        ~1-3 KB JSON; ids > 20 -> 404
--    5 GET    /api/orders                ~4 KB JSON list
--   10 GET    /api/products?page=<1..5>  ~5 KB JSON
--   10 POST   /api/orders                JSON body -> 201
--    5 POST   /api/events                JSON body -> 202
--    5 PUT    /api/users/<id>            JSON body -> 200
--    3 DELETE /api/orders/<id>           -> 204
--    4 GET    /api/health                -> 200 (tiny)
--    3 GET    /api/v0/<something>        -> 404
-- About 1/3 of the requests send "Accept-Encoding: gzip" (nginx then gzips
-- JSON bodies >= 512 B, chunked). Deterministic per thread (seeded).
--
-- Environment:
--   WRK_CLOSE=1   adds "Connection: close" (one request per connection)
--   WRK_TARGET=N  each thread stops after N / WRK_THREADS responses (0: run for -d only),
--                 so a capture's size does not depend on the machine's speed
--   WRK_THREADS   the -t value given to wrk

local close    = os.getenv("WRK_CLOSE") == "1"
local target   = tonumber(os.getenv("WRK_TARGET") or "0") or 0
local nthreads = tonumber(os.getenv("WRK_THREADS") or "1") or 1
local limit    = target > 0 and math.ceil(target / nthreads) or 0
local responses = 0

local next_tid = 0
function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
end

function init(args)
   math.randomseed(4242 + 7919 * (tid or 0))
end

local agents = { "okhttp/4.12.0", "python-requests/2.31.0", "curl/8.5.0", "Go-http-client/1.1", "axios/1.6.8" }
local kinds = { "login", "view", "click", "logout" }

local function hex(n)
   local t = {}
   for i = 1, n do t[i] = string.format("%x", math.random(0, 15)) end
   return table.concat(t)
end

local function order_body()
   local items = {}
   for i = 1, math.random(1, 3) do
      items[i] = string.format('{"sku":"SKU-%05d","qty":%d,"price":%d.%02d}',
         math.random(1, 99999), math.random(1, 5), math.random(1, 400), math.random(0, 99))
   end
   return string.format('{"customer_id":%d,"currency":"EUR","items":[%s]}',
      math.random(1, 50), table.concat(items, ","))
end

function request()
   local h = {
      ["User-Agent"]   = agents[math.random(#agents)],
      ["Accept"]       = "application/json",
      ["X-Request-Id"] = hex(16),
   }
   if close then h["Connection"] = "close" end
   if math.random(3) == 1 then h["Accept-Encoding"] = "gzip" end
   if math.random(4) == 1 then h["Authorization"] = "Bearer " .. hex(32) end

   local method, path, body = "GET", nil, nil
   local r = math.random(100)
   if r <= 40 then
      path = "/api/users/" .. math.random(1, 60)
   elseif r <= 55 then
      path = "/api/orders/" .. math.random(1, 24)
   elseif r <= 60 then
      path = "/api/orders"
   elseif r <= 70 then
      path = "/api/products?page=" .. math.random(1, 5) .. "&limit=25"
   elseif r <= 80 then
      method, path, body = "POST", "/api/orders", order_body()
   elseif r <= 85 then
      method, path = "POST", "/api/events"
      body = string.format('{"type":"%s","ts":%d,"session":"%s"}',
         kinds[math.random(#kinds)], 1700000000 + math.random(0, 9999999), hex(16))
   elseif r <= 90 then
      local id = math.random(1, 50)
      method, path = "PUT", "/api/users/" .. id
      body = string.format('{"id":%d,"name":"user-%d","active":%s}', id, id,
         math.random(2) == 1 and "true" or "false")
   elseif r <= 93 then
      method, path = "DELETE", "/api/orders/" .. math.random(1, 20)
   elseif r <= 97 then
      path = "/api/health"
   else
      path = "/api/v0/" .. hex(6)
   end
   if body then h["Content-Type"] = "application/json" end
   return wrk.format(method, path, h, body)
end

function response(status, headers, body)
   responses = responses + 1
   if limit > 0 and responses >= limit then
      wrk.thread:stop()
   end
end
