#!/usr/bin/env bash
# Gatehouse benchmark: a release build on SQLite (or PostgreSQL: BENCH_DATABASE_URL), driven by
# wrk on the same machine.
#   bench/run.sh            (needs wrk: apt install wrk)
# Prints a table of the figures README quotes. DURATION (seconds per run, default 10),
# BCRYPT_COST (default 12, production's) and PORT (default 8089) can be overridden.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
PORT="${PORT:-8089}"
COST="${BCRYPT_COST:-12}"
CORES="$(nproc)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/gatehouse-target}"
command -v wrk >/dev/null || { echo "wrk is required (apt install wrk)" >&2; exit 1; }

cargo build --release --quiet
BIN="$CARGO_TARGET_DIR/release/gatehouse"
WORK="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# The per-IP login limit is lifted: every bench client is 127.0.0.1, and the flood below
# measures the hashing queue, not the throttle (which would refuse it all after 50 failures).
SECRET_KEY="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
DATABASE_URL="${BENCH_DATABASE_URL:-sqlite://$WORK/bench.db?mode=rwc}" \
DATABASE_SCHEMA="${BENCH_DATABASE_SCHEMA:-}" BCRYPT_COST="$COST" COOKIE_SECURE=false \
LOGIN_MAX_FAILURES_PER_IP=1000000 REGISTER_LIMIT_PER_IP=1000 \
ROCKET_PORT="$PORT" LOG_LEVEL=warn ROCKET_PROFILE=release ROCKET_ADDRESS=127.0.0.1 \
    "$BIN" >"$WORK/server.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -fs "$BASE/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$BASE/health" >/dev/null || { echo "the server did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }

rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER/status"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
rps() { awk '/Requests\/sec/ { printf "%.0f", $2 }' "$1"; }
rps1() { awk '/Requests\/sec/ { printf "%.1f", $2 }' "$1"; }
p99() { awk '$1 == "99%" { print $2 }' "$1"; }

export BENCH_EMAIL="bench@example.com" BENCH_PASSWORD="bench-pass-2891-xq"
curl -fs "$BASE/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}" >/dev/null
for i in $(seq 0 7); do
    curl -fs "$BASE/auth/register" -H 'Content-Type: application/json' \
        -d "{\"email\":\"bench$i@example.com\",\"password\":\"$BENCH_PASSWORD\"}" >/dev/null
done
login() { curl -fs "$BASE/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}"; }
# The large-data run: SEED_ROWS users and sessions besides the bench's own (bench/seed.sh).
if [ -n "${SEED_ROWS:-}" ]; then
    seed_started=$(date +%s)
    bash bench/seed.sh "${BENCH_DATABASE_URL:-sqlite://$WORK/bench.db}" "$SEED_ROWS" \
        "${BENCH_DATABASE_SCHEMA:-}"
    echo "seeded $SEED_ROWS users and sessions in $(( $(date +%s) - seed_started )) s" >&2
fi
export BENCH_ACCESS="$(login | json access_token)"
IDLE_RSS="$(rss_mb)"

# One bcrypt verification, timed through sequential logins (includes the HTTP round trip).
start=$(date +%s.%N)
for _ in $(seq 10); do login >/dev/null; done
VERIFY_MS="$(echo "($(date +%s.%N) - $start) * 100" | bc -l)"
LIMIT="$(echo "$CORES * 1000 / $VERIFY_MS" | bc -l)"

# The static file and /users/me take turns in five short rounds, and each reports its median
# run: the two are compared, and on a shared machine throughput drifts by tens of percent from
# one ten-second run to the next.
HALF="$(( (DURATION + 1) / 2 ))"
for round in 1 2 3 4 5; do
    wrk -t2 -c32 -d"${HALF}s" --latency "$BASE/static/style.css" >"$WORK/static.$round"
    wrk -t2 -c32 -d"${HALF}s" --latency -s bench/me.lua "$BASE/users/me" >"$WORK/me.$round"
done
median_run() { for f in "$WORK/$1".?; do echo "$(rps "$f") $f"; done | sort -n | sed -n 3p | cut -d' ' -f2; }
STATIC_RUN="$(median_run static)"
ME_RUN="$(median_run me)"
PEAK_RSS="$(rss_mb)"

wrk -t2 -c8 -d"${DURATION}s" --latency -s bench/login.lua "$BASE/auth/login" >"$WORK/login.txt"
# wrk stops with requests still in flight, and the server finishes them: the next run waits
# for them, or its first seconds meet a full hashing queue (503) that is the last run's.
drain() { sleep 3; }
# The same, all eight connections logging in as one account.
drain
wrk -t2 -c8 -d"${DURATION}s" --latency -s bench/login_one.lua "$BASE/auth/login" >"$WORK/login_one.txt"

# Refused attempts: one account locked for this network (LOGIN_MAX_FAILURES wrong passwords),
# then 32 connections keep guessing it while correct logins of other accounts and /users/me
# are measured beside them.
curl -fs "$BASE/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"locked@example.com\",\"password\":\"$BENCH_PASSWORD\"}" >/dev/null
for _ in $(seq 5); do
    curl -s -o /dev/null "$BASE/auth/login" -H 'Content-Type: application/json' \
        -d '{"email":"locked@example.com","password":"wrong-password-000"}'
done
# The control: the same 32 connections on /health, which touches no throttle. What the
# refusals cost beyond it is the throttle's; the rest is the CPU a request and the load
# generator take on the same cores.
beside() { # $1: flood script (or - for /health), $2: file suffix
    drain
    if [ "$1" = - ]; then
        wrk -t1 -c32 -d"$((DURATION + 2))s" "$BASE/health" >"$WORK/flood.$2" &
    else
        wrk -t1 -c32 -d"$((DURATION + 2))s" -s "$1" "$BASE/auth/login" >"$WORK/flood.$2" &
    fi
    local flood=$!
    sleep 1
    wrk -t1 -c8 -d"${DURATION}s" --latency -s bench/login.lua "$BASE/auth/login" >"$WORK/login_$2.txt" &
    local logins=$!
    wrk -t1 -c4 -d"${DURATION}s" --latency -s bench/me.lua "$BASE/users/me" >"$WORK/me_$2.txt"
    wait "$logins" "$flood"
}
beside bench/refused.lua refused
beside - health

# Refresh writes (a rotation per request): 16 sessions, each rotated as fast as it answers.
drain
for _ in $(seq 16); do login | json refresh_token; done >"$WORK/refresh_tokens"
BENCH_REFRESH_FILE="$WORK/refresh_tokens" \
    wrk -t16 -c16 -d"${DURATION}s" --latency -s bench/refresh.lua "$BASE/auth/refresh" >"$WORK/refresh.txt"

# /users/me latency while logins saturate the CPU.
drain
wrk -t1 -c8 -d"$((DURATION + 2))s" -s bench/login.lua "$BASE/auth/login" >"$WORK/storm.txt" &
STORM=$!
sleep 1
wrk -t1 -c4 -d"${DURATION}s" --latency -s bench/me.lua "$BASE/users/me" >"$WORK/me_storm.txt"
LOAD_RSS="$(rss_mb)"
wait "$STORM"
[ "$(echo "$LOAD_RSS > $PEAK_RSS" | bc)" = 1 ] && PEAK_RSS="$LOAD_RSS"

# Login flood: 200 connections, half of them wrong passwords for random other addresses, while
# /users/me is measured beside it.
wrk -t1 -c4 -d"${DURATION}s" --latency -s bench/me.lua "$BASE/users/me" >"$WORK/me_flood.txt" &
ME_FLOOD=$!
FLOOD="$(BENCH_PORT="$PORT" DURATION="$DURATION" python3 bench/flood.py)"
wait "$ME_FLOOD"
flood() { echo "$FLOOD" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

STATIC_RPS="$(rps "$STATIC_RUN")"; ME_RPS="$(rps "$ME_RUN")"
LOGIN_RPS="$(rps1 "$WORK/login.txt")"
DB_KIND=SQLite; [[ "${BENCH_DATABASE_URL:-}" == postgres* ]] && DB_KIND=PostgreSQL
printf '\nGatehouse bench: %s cores, bcrypt cost %s, %ss per run, %s, wrk on the same machine\n\n' \
    "$CORES" "$COST" "$DURATION" "$DB_KIND"
printf '| %-44s | %-22s |\n' "measure" "result"
printf '|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "$(printf -- '-%.0s' {1..24})"
row() { printf '| %-44s | %-22s |\n' "$1" "$2"; }
row "static file (/static/style.css) req/s" "$STATIC_RPS"
row "/users/me req/s" "$ME_RPS ($(echo "scale=0; 100 * $ME_RPS / $STATIC_RPS" | bc)% of static)"
row "/users/me p99" "$(p99 "$ME_RUN")"
row "one bcrypt verify (sequential login)" "$(printf '%.0f ms' "$VERIFY_MS")"
row "bcrypt limit (cores / verify)" "$(printf '%.1f' "$LIMIT") logins/s"
row "login req/s" "$LOGIN_RPS ($(echo "scale=0; 100 * $LOGIN_RPS / $LIMIT" | bc)% of limit)"
LOGIN_ONE_RPS="$(rps1 "$WORK/login_one.txt")"
row "login req/s, one account, 8 connections" "$LOGIN_ONE_RPS ($(echo "scale=0; 100 * $LOGIN_ONE_RPS / $LIMIT" | bc)% of limit)"
for kind in refused health; do
    if [ $kind = refused ]; then
        row "refused flood: 429s/s (32 connections)" "$(rps "$WORK/flood.$kind")"
    else
        row "control flood: /health req/s (32 conn.)" "$(rps "$WORK/flood.$kind")"
    fi
    BESIDE="$(rps1 "$WORK/login_$kind.txt")"
    row "  logins/s beside it (other accounts)" "$BESIDE ($(echo "scale=0; 100 * $BESIDE / $LIMIT" | bc)% of limit)"
    row "  /users/me p99 beside it" "$(p99 "$WORK/me_$kind.txt")"
done
row "refresh req/s (16 rotating sessions)" "$(rps "$WORK/refresh.txt")"
row "refresh p99" "$(p99 "$WORK/refresh.txt")"
row "/users/me p99 during login storm" "$(p99 "$WORK/me_storm.txt")"
row "/users/me req/s during login storm" "$(rps "$WORK/me_storm.txt")"
ACCEPTED="$(flood "d['accepted_per_s']")"
row "flood: accepted logins/s (200 connections)" "$ACCEPTED ($(echo "scale=0; 100 * $ACCEPTED / $LIMIT" | bc)% of limit)"
row "flood: p99 of accepted logins" "$(flood "d['accepted_p99_s']") s"
row "flood: successful logins/s (right password)" "$(flood "d['succeeded_per_s']")"
row "flood: share 503 / 429" "$(flood "d['share'].get('503', 0)") / $(flood "d['share'].get('429', 0)")"
row "flood: /users/me p99 during the flood" "$(p99 "$WORK/me_flood.txt")"
row "resident memory idle" "$IDLE_RSS MB"
row "resident memory peak under load" "$PEAK_RSS MB"
non2xx="$(cat "$WORK"/*.txt "$WORK"/static.? "$WORK"/me.? | awk '/Non-2xx/ { s += $NF } END { print s + 0 }')"
row "non-2xx responses (all but the floods)" "$non2xx"
