#!/usr/bin/env bash
# Builds Doctor and runs every test against private servers that this script starts on free
# loopback ports and removes again on exit. As root it installs missing servers with apt-get and
# runs them as an unprivileged account (PostgreSQL refuses root).
#
# Ends with one line the CI reads:  Doctor tests: N passed, N failed, N skipped
# Exits non-zero when the build fails, any test fails, or any test is skipped.
set -euo pipefail

cd "$(dirname "$0")"
REPO="$(pwd)"
RUN_DIR="$REPO/.test-run"
RESULTS="$RUN_DIR/results"

# Every server the tests need. A server NAME provides install_NAME (idempotent), start_NAME
# (exports the environment the tests read) and stop_NAME (safe to call when it never started).
SERVERS=(postgres rabbitmq openstack)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No MSBuild or compiler servers outliving the run (they would hold the CI's output pipe open).
export MSBUILDDISABLENODEREUSE=1

log() { printf 'test.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------------------------------------
# Shared helpers

APT_UPDATED=""
apt_install() {
    is_root || die "missing $*: install it, or run ./test.sh as root so it can install it"
    if [ -z "$APT_UPDATED" ]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The account servers run as: ourselves, or an unprivileged one when we are root.
SERVICE_USER=""
choose_service_user() {
    if is_root; then
        if id -u postgres >/dev/null 2>&1; then SERVICE_USER=postgres; else SERVICE_USER=nobody; fi
    fi
}
as_service_user() {
    if [ -n "$SERVICE_USER" ]; then runuser -u "$SERVICE_USER" -- "$@"; else "$@"; fi
}

# Sets SERVER_DIR to a directory for a server's data under .test-run/, handed to the service
# account; a private temporary directory instead when that account cannot reach the repository
# (e.g. a checkout under /root).
EXTRA_DIRS=()
SERVER_DIR=""
make_server_dir() {
    SERVER_DIR="$RUN_DIR/$1"
    mkdir -p "$SERVER_DIR"
    if [ -n "$SERVICE_USER" ]; then
        chown -R "$SERVICE_USER:" "$SERVER_DIR"
        if ! runuser -u "$SERVICE_USER" -- test -w "$SERVER_DIR"; then
            SERVER_DIR="$(mktemp -d "${TMPDIR:-/tmp}/doctor-test-$1.XXXXXX")"
            chown -R "$SERVICE_USER:" "$SERVER_DIR"
            EXTRA_DIRS+=("$SERVER_DIR")
        fi
    fi
}

# A loopback port nothing listens on (the server may still lose a race for it; callers retry).
free_port() {
    local port _
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    return 1
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL: exports DOCTOR_TEST_POSTGRES (superuser, trust, maintenance database `postgres`).

PG_DIR=""
PG_STARTED=""

pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] || return 1
    printf '%s\n' "$dir"
}

install_postgres() {
    pg_bin >/dev/null && return 0
    log "installing PostgreSQL"
    # Only the programs are wanted: keep the Debian package from creating and starting its own cluster.
    mkdir -p /etc/postgresql-common
    if ! grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf; then
        echo 'create_main_cluster = false' >>/etc/postgresql-common/createcluster.conf
    fi
    apt_install postgresql-15 || apt_install postgresql
    pg_bin >/dev/null || die "PostgreSQL installed, but no /usr/lib/postgresql/*/bin/initdb"
}

start_postgres() {
    local bin attempt port
    bin="$(pg_bin)" || die "no PostgreSQL under /usr/lib/postgresql/*/bin: run ./test.sh as root to install it"
    make_server_dir postgres
    PG_DIR="$SERVER_DIR"
    as_service_user "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    for attempt in 1 2 3; do
        port="$(free_port)" || die "no free loopback port"
        # TCP on 127.0.0.1 only, no Unix socket; room for the parallel test classes; fsync stays on.
        if as_service_user "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgresql.log" -w -t 60 \
            -o "-p $port -c listen_addresses=127.0.0.1 -k '' -c max_connections=300 -c fsync=on" \
            start >/dev/null; then
            PG_STARTED=1
            export DOCTOR_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
            log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $PG_DIR"
            return 0
        fi
        log "PostgreSQL did not start on port $port (attempt $attempt)"
    done
    tail -n 20 "$PG_DIR/postgresql.log" >&2 || true
    die "PostgreSQL did not start"
}

stop_postgres() {
    local bin
    [ -n "$PG_STARTED" ] || return 0
    bin="$(pg_bin)" || return 0
    as_service_user "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
        || as_service_user "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
        || log "PostgreSQL in $PG_DIR did not stop"
    PG_STARTED=""
}

# A run that was killed leaves its server running: stop it before reusing .test-run/.
stop_leftover_postgres() {
    local bin data="$RUN_DIR/postgres/data"
    [ -f "$data/postmaster.pid" ] || return 0
    bin="$(pg_bin)" || return 0
    log "stopping a PostgreSQL left behind by an earlier run"
    if is_root; then
        runuser -u "$(stat -c %U "$data")" -- "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    else
        "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
}

# ---------------------------------------------------------------------------------------------
# RabbitMQ: exports DOCTOR_TEST_RABBITMQ (amqp://guest:guest@127.0.0.1:PORT/). A private node (own name, ports,
# epmd, config, data, logs and cookie under .test-run/rabbitmq) run by tools/rabbitmq-node.sh, as the account
# `rabbitmq` when we are root.

RABBIT_DIR=""

install_rabbitmq() {
    [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && return 0
    log "installing RabbitMQ"
    apt_install rabbitmq-server
    [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || die "rabbitmq-server installed, but no /usr/lib/rabbitmq/bin/rabbitmq-server"
}

start_rabbitmq() {
    local attempt uri
    [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || die "RabbitMQ is not installed: run ./test.sh as root to install it"
    RABBIT_DIR="$RUN_DIR/rabbitmq"
    mkdir -p "$RABBIT_DIR"
    if is_root; then
        chown rabbitmq: "$RABBIT_DIR"
        if ! runuser -u rabbitmq -- test -w "$RABBIT_DIR"; then
            RABBIT_DIR="$(mktemp -d "${TMPDIR:-/tmp}/doctor-test-rabbitmq.XXXXXX")"
            EXTRA_DIRS+=("$RABBIT_DIR")
        fi
    fi
    for attempt in 1 2 3; do
        if uri="$("$REPO/tools/rabbitmq-node.sh" start "$RABBIT_DIR")"; then
            export DOCTOR_TEST_RABBITMQ="$uri"
            log "RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?') at $uri, data in $RABBIT_DIR"
            return 0
        fi
        log "RabbitMQ did not start (attempt $attempt)"
    done
    die "RabbitMQ did not start"
}

stop_rabbitmq() {
    [ -n "$RABBIT_DIR" ] || return 0
    "$REPO/tools/rabbitmq-node.sh" stop "$RABBIT_DIR" || log "RabbitMQ in $RABBIT_DIR did not stop"
    RABBIT_DIR=""
}

# A run that was killed leaves its node running: stop it before reusing .test-run/.
stop_leftover_rabbitmq() {
    [ -f "$RUN_DIR/rabbitmq/node.env" ] || return 0
    log "stopping a RabbitMQ left behind by an earlier run"
    "$REPO/tools/rabbitmq-node.sh" stop "$RUN_DIR/rabbitmq" || true
}

# ---------------------------------------------------------------------------------------------
# OpenStack: a real Zed from Debian's packages (Keystone, Placement, Glance, Neutron, Nova with three fake computes)
# run by tools/openstack-node.sh, with its own PostgreSQL and RabbitMQ. It starts in the background while the solution
# builds (about a minute either way); wait_openstack joins it and exports DOCTOR_TEST_OPENSTACK_* from its env file.
# The real aodh CLI (python3-aodhclient) that the Aodh API tests drive is installed with it.

OS_DIR=""
OS_PID=""
OS_STARTED_AT=0

install_openstack() {
    if ! "$REPO/tools/openstack-node.sh" install >/dev/null 2>&1; then
        is_root || die "OpenStack packages are missing: run ./test.sh as root so that tools/openstack-node.sh install can add them"
        log "installing OpenStack (Debian packages, about two minutes)"
        "$REPO/tools/openstack-node.sh" install >&2 || die "installing the OpenStack packages failed"
    fi
    [ -x /usr/bin/aodh ] || apt_install python3-aodhclient
}

start_openstack() {
    OS_DIR="$RUN_DIR/openstack"
    if is_root && ! { runuser -u postgres -- test -x "$RUN_DIR" && runuser -u rabbitmq -- test -x "$RUN_DIR"; } 2>/dev/null; then
        OS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/doctor-test-openstack.XXXXXX")"
        EXTRA_DIRS+=("$OS_DIR")
    fi
    OS_STARTED_AT=$SECONDS
    "$REPO/tools/openstack-node.sh" start "$OS_DIR" >"$RUN_DIR/openstack.start.out" 2>"$RUN_DIR/openstack.start.err" &
    OS_PID=$!
}

wait_openstack() {
    [ -n "$OS_PID" ] || return 0
    if ! wait "$OS_PID"; then
        OS_PID=""
        tail -n 30 "$RUN_DIR/openstack.start.err" >&2 || true
        die "OpenStack did not start"
    fi
    OS_PID=""
    set -a
    # shellcheck disable=SC1091
    . "$OS_DIR/openstack.env"
    set +a
    log "OpenStack up in $((SECONDS - OS_STARTED_AT)) s: Keystone $DOCTOR_TEST_OPENSTACK_AUTH_URL, computes $DOCTOR_TEST_OPENSTACK_HOSTS"
}

stop_openstack() {
    [ -n "$OS_DIR" ] || return 0
    if [ -n "$OS_PID" ]; then
        # A start still running (e.g. the build failed): TERM makes it end what it started, then it exits.
        kill -TERM "$OS_PID" 2>/dev/null || true
        wait "$OS_PID" 2>/dev/null || true
        OS_PID=""
    fi
    "$REPO/tools/openstack-node.sh" stop "$OS_DIR" >/dev/null 2>&1 || log "OpenStack in $OS_DIR did not stop"
    OS_DIR=""
}

# A run that was killed leaves its OpenStack running: stop it before reusing .test-run/.
stop_leftover_openstack() {
    [ -d "$RUN_DIR/openstack" ] || return 0
    log "stopping an OpenStack left behind by an earlier run"
    "$REPO/tools/openstack-node.sh" stop "$RUN_DIR/openstack" >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------------------------------------

cleanup() {
    local rc=$? i
    set +e
    for ((i = ${#SERVERS[@]} - 1; i >= 0; i--)); do
        "stop_${SERVERS[i]}"
    done
    rm -rf "$RUN_DIR" "${EXTRA_DIRS[@]}"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Sums one attribute of the <Counters> element over every TRX file.
trx_count() {
    local attribute=$1 total=0 n file
    for file in "$RESULTS"/*.trx; do
        n="$(grep -o '<Counters [^>]*' "$file" | grep -o " $attribute=\"[0-9]*\"" | grep -o '[0-9][0-9]*' | head -n 1 || true)"
        total=$((total + ${n:-0}))
    done
    printf '%s\n' "$total"
}

command -v dotnet >/dev/null || die "dotnet not found: install the .NET SDK named in global.json"

stop_leftover_postgres
stop_leftover_rabbitmq
stop_leftover_openstack
rm -rf "$RUN_DIR"
mkdir -p "$RESULTS"

for server in "${SERVERS[@]}"; do "install_$server"; done
choose_service_user
for server in "${SERVERS[@]}"; do "start_$server"; done

log "building"
dotnet build Doctor.sln -c Release --disable-build-servers -v minimal -nologo \
    || { log "build failed"; echo "Doctor tests: build failed"; exit 1; }

wait_openstack
log "testing"
set +e
dotnet test Doctor.sln -c Release --no-build -nologo \
    --results-directory "$RESULTS" --logger "trx" --logger "console;verbosity=minimal"
test_rc=$?
set -e

if ! compgen -G "$RESULTS/*.trx" >/dev/null; then
    echo "Doctor tests: no results (the test run crashed; see above)"
    exit 1
fi
passed="$(trx_count passed)"
failed=$(( $(trx_count failed) + $(trx_count error) + $(trx_count timeout) + $(trx_count aborted) ))
# A skipped test is counted in total but not in executed (its outcome is NotExecuted).
skipped=$(( $(trx_count total) - $(trx_count executed) ))

if [ "$skipped" -gt 0 ]; then
    log "skipped tests (none may skip):"
    grep -ho 'testName="[^"]*"[^>]*outcome="NotExecuted"' "$RESULTS"/*.trx | sed 's/^testName="\([^"]*\)".*/  \1/' >&2 || true
fi

echo "Doctor tests: $passed passed, $failed failed, $skipped skipped"
if [ "$test_rc" -ne 0 ] || [ "$failed" -gt 0 ] || [ "$skipped" -gt 0 ] || [ "$passed" -eq 0 ]; then
    exit 1
fi
