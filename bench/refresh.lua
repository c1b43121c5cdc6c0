-- Each wrk thread owns one session (run with as many threads as connections) and follows its
-- rotation chain: every response carries the refresh token for the next request.
local tokens = {}
for line in io.lines(os.getenv("BENCH_REFRESH_FILE")) do
  tokens[#tokens + 1] = line
end
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("token", tokens[counter])
end

function init(args)
  current = token
end

function request()
  return wrk.format("POST", "/auth/refresh", { ["Content-Type"] = "application/json" },
    '{"refresh_token":"' .. current .. '"}')
end

function response(status, headers, body)
  if status == 200 then
    current = string.match(body, '"refresh_token":"([^"]+)"')
  else
    errors_seen = (errors_seen or 0) + 1
  end
end
