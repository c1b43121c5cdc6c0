-- POST /auth/login for one account from every connection: an API client with 8 workers that
-- all log in as the same user. The throttle must let honest parallel checks wait their turn,
-- not refuse them.
local email = os.getenv("BENCH_EMAIL")
local password = os.getenv("BENCH_PASSWORD")

request = function()
  local body = '{"email":"' .. email .. '","password":"' .. password .. '"}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
