# Multi-stage build: compile with the full Rust toolchain, run on a small Debian image as a
# non-root user. Build: docker build -t gatehouse .
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
# .cargo/config.toml compiles SQLite with the query-planner stability guarantee.
COPY .cargo ./.cargo
COPY migration ./migration
COPY src ./src
COPY templates ./templates
COPY static ./static
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin gatehouse \
    && mkdir -p /app/data && chown gatehouse /app/data
WORKDIR /app
COPY --from=build /src/target/release/gatehouse /usr/local/bin/gatehouse
# Templates, CSS and migrations are inside the binary: nothing else to copy.
USER gatehouse
# Release rules apply: SECRET_KEY must be set (openssl rand -hex 32).
ENV ROCKET_ADDRESS=0.0.0.0 \
    ROCKET_PORT=8000 \
    DATABASE_URL=sqlite:///app/data/gatehouse.db?mode=rwc
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fs http://127.0.0.1:8000/health || exit 1
CMD ["gatehouse"]
