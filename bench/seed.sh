#!/usr/bin/env bash
# Bulk-seeds N users and N sessions straight into the database (not through the API: bcrypt
# would take hours), for the large-data run of bench/run.sh. Needs sqlite3 or psql.
#   bench/seed.sh <DATABASE_URL> <N> [schema]
set -euo pipefail
URL="$1"; N="$2"; SCHEMA="${3:-}"
now="$(date +%s)"
read -r -d '' USERS <<SQL || true
INSERT INTO users (email, email_key, password_hash, created_at)
SELECT 'seed' || i || '@example.com', 'seed' || i || '@example.com',
       'gh2:\$2b\$12\$seededseededseededseedeuseededseededseededseededseede',
       (SELECT created_at FROM users ORDER BY id LIMIT 1)
FROM SERIES;
INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, persistent, last_used_at)
SELECT 'seed' || u.id, u.id, 'seed' || u.id, $now, $now + 604800, TRUE, $now
FROM users u WHERE u.email_key LIKE 'seed%';
SQL
case "$URL" in
    sqlite:*)
        file="${URL#sqlite://}"; file="${file#sqlite:}"; file="${file%%\?*}"
        series="(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $N) SELECT i FROM s)"
        sqlite3 "$file" "PRAGMA busy_timeout = 60000; BEGIN; ${USERS//FROM SERIES/FROM $series}; COMMIT;"
        ;;
    postgres*)
        path=""; [ -n "$SCHEMA" ] && path="SET search_path TO $SCHEMA;"
        psql -q "$URL" -c "$path BEGIN; ${USERS//FROM SERIES/FROM generate_series(1, $N) AS g(i)}; COMMIT; ANALYZE;"
        ;;
    *) echo "unknown database URL" >&2; exit 1 ;;
esac
