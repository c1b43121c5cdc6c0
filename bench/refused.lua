-- POST /auth/login with a wrong password for an account that is already locked for this
-- network: every answer is a refusal (429). Run beside correct logins of other accounts and
-- /users/me, which must not slow down.
local body = '{"email":"locked@example.com","password":"wrong-password-000"}'

request = function()
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
