-- POST /auth/login, cycling over the bench accounts (bench0..bench7@example.com) so that no
-- account has more checks in flight than the throttle lets through at once.
local n = 0
local password = os.getenv("BENCH_PASSWORD")

request = function()
  n = n + 1
  local body = '{"email":"bench' .. (n % 8) .. '@example.com","password":"' .. password .. '"}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
