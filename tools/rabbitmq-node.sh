#!/usr/bin/env bash
# Starts or stops a private RabbitMQ node on free loopback ports, all of its state under one directory.
#
#   tools/rabbitmq-node.sh start DIR   starts it and prints its AMQP URI (guest works on loopback) once it is up
#   tools/rabbitmq-node.sh stop DIR    stops it (rabbitmqctl stop, then kills what is left) and removes DIR
#
# Needs the Debian/Ubuntu package rabbitmq-server (apt-get install rabbitmq-server; its own service need not run).
# As root the node runs as the account `rabbitmq` (the package's scripts expect it); otherwise as the caller.
# Nothing is shared with a system broker: own node name, AMQP/distribution/epmd ports, config, data, logs, cookie.
set -euo pipefail

RABBIT_BIN=/usr/lib/rabbitmq/bin
START_TIMEOUT=${RABBITMQ_START_TIMEOUT:-120}

die() { printf 'rabbitmq-node: %s\n' "$*" >&2; exit 1; }

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

as_node_user() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u rabbitmq -- "$@"; else "$@"; fi
}

# The environment of every command for this node, server and CLI alike.
node_env() {
    ENVS=(env HOME="$DIR/home" RABBITMQ_NODENAME="$NODENAME" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
        RABBITMQ_NODE_PORT="$AMQP_PORT" RABBITMQ_DIST_PORT="$DIST_PORT" ERL_EPMD_PORT="$EPMD_PORT"
        RABBITMQ_MNESIA_BASE="$DIR/mnesia" RABBITMQ_LOG_BASE="$DIR/log" RABBITMQ_CONFIG_FILE="$DIR/rabbitmq.conf"
        RABBITMQ_ADVANCED_CONFIG_FILE="$DIR/advanced.config" RABBITMQ_CONF_ENV_FILE="$DIR/rabbitmq-env.conf"
        RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins" RABBITMQ_PID_FILE="$DIR/node.pid")
}

ctl() { as_node_user "${ENVS[@]}" "$RABBIT_BIN/rabbitmqctl" -n "$NODENAME" "$@"; }

start() {
    [ -x "$RABBIT_BIN/rabbitmq-server" ] || die "rabbitmq-server is not installed (apt-get install rabbitmq-server)"
    [ ! -e "$DIR/node.env" ] || die "$DIR holds a node already: stop it first"
    mkdir -p "$DIR/home" "$DIR/mnesia" "$DIR/log"
    NODENAME="doctor-test-$$@localhost"
    AMQP_PORT="$(free_port)" && DIST_PORT="$(free_port)" && EPMD_PORT="$(free_port)" || die "no free loopback port"
    printf 'NODENAME=%s\nAMQP_PORT=%s\nDIST_PORT=%s\nEPMD_PORT=%s\n' "$NODENAME" "$AMQP_PORT" "$DIST_PORT" "$EPMD_PORT" >"$DIR/node.env"
    # A nearly full CI disk must not block publishers (default limit 50 MB is kept explicit); no plugins.
    printf '%s\n' 'loopback_users.guest = true' 'disk_free_limit.absolute = 50MB' >"$DIR/rabbitmq.conf"
    echo '[].' >"$DIR/enabled_plugins"
    echo '[].' >"$DIR/advanced.config"
    : >"$DIR/rabbitmq-env.conf"
    if [ "$(id -u)" -eq 0 ]; then chown -R rabbitmq: "$DIR"; fi
    node_env
    # `-detached` is unreliable: run the node in the background, in a session of its own, and watch its console
    # output. Every descriptor is redirected so nothing waits on ours (e.g. a caller's $(...)).
    local -a launch=("${ENVS[@]}" "$RABBIT_BIN/rabbitmq-server")
    if [ "$(id -u)" -eq 0 ]; then launch=(runuser -u rabbitmq -- "${launch[@]}"); fi
    (cd "$DIR/home" && exec setsid "${launch[@]}") >"$DIR/server.out" 2>&1 </dev/null &
    local waited=0
    until grep -qs 'Starting broker.*completed' "$DIR/server.out"; do
        if [ "$waited" -ge "$START_TIMEOUT" ] || grep -qs 'BOOT FAILED\|ERROR: could not\|Error when reading' "$DIR/server.out"; then
            tail -n 30 "$DIR/server.out" >&2 || true
            stop >/dev/null 2>&1 || true
            die "RabbitMQ did not start within ${START_TIMEOUT}s"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    printf 'amqp://guest:guest@127.0.0.1:%s/\n' "$AMQP_PORT"
}

stop() {
    [ -f "$DIR/node.env" ] || { rm -rf "$DIR"; return 0; }
    # shellcheck disable=SC1091
    . "$DIR/node.env"
    node_env
    ctl stop >/dev/null 2>&1 || true
    local pid
    pid="$(cat "$DIR/node.pid" 2>/dev/null || true)"
    if [ -n "$pid" ]; then
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    # The node started its own epmd on a private port: end it too.
    as_node_user env ERL_EPMD_PORT="$EPMD_PORT" epmd -kill >/dev/null 2>&1 || true
    rm -rf "$DIR"
}

[ $# -eq 2 ] || die "usage: $0 start|stop DIR"
DIR="$(mkdir -p "$2" && cd "$2" && pwd)"
case "$1" in
    start) start ;;
    stop) stop ;;
    *) die "usage: $0 start|stop DIR" ;;
esac
