-- HTTP/1.1 pipelining for wrk: every write carries DEPTH copies of the GET request.
--
--   wrk -t1 -c256 -d10s -s bench/pipeline.lua http://127.0.0.1:8080/ -- 16
--
-- wrk parses the string request() returns, sees DEPTH requests in it, and writes the next
-- batch only once all DEPTH responses have arrived; it counts every response as a request
-- (Requests/sec is responses per second) and times each from its batch's write.
-- This is the technique of TechEmpower's plaintext test (its pipeline.lua, depth 16).

local batch

function init(args)
   local depth = tonumber(args[1]) or 16
   local requests = {}
   for i = 1, depth do
      -- no arguments: wrk.method, wrk.path (the URL's) and wrk.headers (Host) as given
      requests[i] = wrk.format()
   end
   batch = table.concat(requests)
end

function request()
   return batch
end
