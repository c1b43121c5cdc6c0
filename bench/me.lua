-- GET /users/me with a bearer token taken from the environment.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_ACCESS")
