#!/usr/bin/env bash
# Starts or stops a real, private OpenStack Zed (Debian bookworm's packages) on loopback, all of its state under DIR.
#
#   tools/openstack-node.sh start DIR   brings it up; prints DIR/openstack.env (KEY=value lines) on stdout when ready
#   tools/openstack-node.sh stop DIR    ends exactly what start started (PID files) and removes DIR
#   tools/openstack-node.sh install     installs the missing Debian packages (root), or lists them and fails
#
# What runs, each a plain background process on 127.0.0.1 and a free port (no systemd): a private PostgreSQL 15
# cluster (as user postgres when root) and a private RabbitMQ node (tools/rabbitmq-node.sh, as user rabbitmq when
# root); Keystone (fernet, uwsgi), Placement (uwsgi), Glance (eventlet, file store), Neutron server (ML2, no mechanism
# drivers, no agents, extension driver data_plane_status), Nova api, conductor, scheduler and three nova-compute with
# compute_driver fake.FakeDriver, hosts compute-0, compute-1, compute-2, each offering exactly 2 VCPU (see
# tools/openstack/nova-compute.py), with huge RAM and disk. report_interval 5 s, service_down_time 20 s, hosts mapped
# to cell1 by the scheduler every 5 s. Policies: enforce_new_defaults=false, enforce_scope=false (a member gets 403 on
# /os-hypervisors).
#
# Accounts (domain Default, region RegionOne): admin/adminpass (admin on projects admin and demo), demo/demopass
# (member of demo), other/otherpass (member of other), doctor/doctorpass (admin on project service; the account of
# the Doctor service), nova/placement/glance/neutron with password servicepass (admin and service on project service).
# Flavors m1.tiny (id 1: 1 vCPU, 512 MB, 1 GB) and m1.small (id 2: 2 vCPU, 2048 MB, 20 GB); public image fake-image.
#
# Notifications: every Nova service sends versioned notifications (notification_format=versioned,
# notify_on_state_change=vm_and_task_state) with oslo.messaging's messagingv2 driver to the private broker
# (DOCTOR_TEST_OPENSTACK_NOTIFICATIONS_URL, vhost /): exchange `nova` (type topic, durable false, auto_delete false),
# routing keys `versioned_notifications.info` (instance.*, service.update, ...) and `versioned_notifications.error`.
# Bind a queue of your own to that exchange and key. oslo.messaging also declares and fills a queue named
# `versioned_notifications.info` (bound to the same key) that nobody consumes: do not share it between consumers.
# Each message body is JSON {"oslo.version": "2.0", "oslo.message": "<JSON string>"}; the inner object has
# event_type, publisher_id (e.g. nova-compute:compute-0), priority, timestamp, message_id and payload (a versioned
# object: nova_object.name, nova_object.version, nova_object.data).
#
# start when DIR already holds a running instance that is healthy (every recorded process alive, a token can be had,
# three computes up) is a no-op that prints the same lines again (a few seconds); when DIR holds a stopped or broken
# one, start stops what is left of it and starts clean. A start that fails prints the tail of the failing stage's
# log, ends everything it started and keeps only DIR/log. Progress goes to stderr, all output of the services to
# DIR/log. Needs root only to install packages (the script does, idempotently, with a debconf preseed and a temporary
# policy-rc.d); as root DIR must be reachable by the accounts postgres and rabbitmq (e.g. not under /root).
set -euo pipefail

# The packages' Python, never a pyenv/virtualenv one found first on PATH; no client settings of the caller.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8
unset PYTHONPATH PYTHONHOME PYTHONSTARTUP PYTHONUSERBASE PYTHONNOUSERSITE VIRTUAL_ENV PYENV_VERSION
while read -r var; do unset "$var"; done < <(compgen -e | grep '^OS_' || true)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HELPER="$HERE/openstack/os-helper.py"
COMPUTE_LAUNCHER="$HERE/openstack/nova-compute.py"
RABBIT_NODE="$HERE/rabbitmq-node.sh"
PY=/usr/bin/python3
PG_BIN=/usr/lib/postgresql/15/bin
READY_TIMEOUT=${OPENSTACK_NODE_READY_TIMEOUT:-180}
HOSTS=(compute-0 compute-1 compute-2)
REGION=RegionOne
ADMIN_PASSWORD=adminpass DEMO_PASSWORD=demopass OTHER_PASSWORD=otherpass DOCTOR_PASSWORD=doctorpass
SERVICE_PASSWORD=servicepass DB_USER=openstack DB_PASSWORD=openstack
MARKER=.openstack-node
PACKAGES=(postgresql-15 rabbitmq-server uwsgi-core uwsgi-plugin-python3 keystone placement-api glance-api
    neutron-server nova-api nova-conductor nova-scheduler nova-compute nova-compute-ironic python3-psycopg2
    python3-openstackclient python3-osc-placement python3-aodhclient)

T0_US=${EPOCHREALTIME/./}
now_us() { printf '%s\n' "${EPOCHREALTIME/./}"; }
secs() { printf '%d.%d' $(($1 / 1000000)) $((($1 % 1000000) / 100000)); }
say() { printf 'openstack-node: [%5ss] %s\n' "$(secs $(($(now_us) - T0_US)))" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

# ------------------------------------------------------------------------------------------------------------------
# Packages

missing_packages() {
    local installed
    installed="$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2>/dev/null | awk '$2 == "ii" {print $1}')"
    local p
    for p in "${PACKAGES[@]}"; do
        grep -qx "$p" <<<"$installed" || printf '%s\n' "$p"
    done
}

install_packages() {
    local missing log created=""
    missing="$(missing_packages | tr '\n' ' ')"
    [ -n "${missing// /}" ] || return 0
    is_root || die "missing Debian packages: $missing(run this script as root to install them, or apt-get install --no-install-recommends them)"
    say "installing $missing"
    log="$(mktemp "${TMPDIR:-/tmp}/openstack-node-install.XXXXXX")"
    # Only the programs: no PostgreSQL main cluster, no dbconfig/endpoint/keystone-registration questions acted on,
    # no daemons started by postinst scripts (policy-rc.d), no recommends (nova-compute-ironic avoids libvirt/qemu).
    mkdir -p /etc/postgresql-common
    grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf \
        || echo 'create_main_cluster = false' >>/etc/postgresql-common/createcluster.conf
    {
        local p
        for p in keystone glance-common glance-api nova-common neutron-common neutron-server placement-common placement-api; do
            echo "$p $p/dbconfig-install boolean false"
        done
        for p in keystone glance neutron nova novaapi placement; do echo "$p $p/configure_db boolean false"; done
        for p in glance neutron nova placement; do
            echo "$p $p/configure_api-endpoint boolean false"
            echo "$p $p/ksat-create-service-user boolean false"
        done
        for p in glance nova placement; do echo "$p $p/configure_ksat boolean false"; done
        echo "keystone keystone/register-endpoint boolean false"
        echo "nova nova/configure_neutron boolean false"
        echo "nova nova/configure_placement boolean false"
        echo "neutron neutron/configure_nova boolean false"
    } | debconf-set-selections
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        created=1
    fi
    local rc=0
    {
        apt-get update -q &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
                -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing
    } >"$log" 2>&1 || rc=$?
    [ -z "$created" ] || rm -f /usr/sbin/policy-rc.d
    if [ "$rc" -ne 0 ]; then
        tail -n 30 "$log" >&2
        die "apt-get install failed (log: $log)"
    fi
    rm -f "$log"
    missing="$(missing_packages | tr '\n' ' ')"
    [ -z "${missing// /}" ] || die "still missing after apt-get install: $missing"
    say "packages installed"
}

# ------------------------------------------------------------------------------------------------------------------
# Processes: each service runs in a session of its own; DIR/pids/NAME holds "PID STARTTIME" of its leader.

# The start time (clock ticks since boot) of a process: tells a recorded process from a later one with the same PID.
proc_start() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    # shellcheck disable=SC2086
    set -- $stat
    printf '%s\n' "${20}"
}

launch() { # NAME COMMAND...
    local name=$1 pid
    shift
    (cd "$DIR/run" && exec setsid "$@") >>"$LOG/$name.out" 2>&1 </dev/null &
    pid=$!
    printf '%s %s\n' "$pid" "$(proc_start "$pid" || echo 0)" >"$DIR/pids/$name"
}

# The recorded sessions that are still ours (leader alive with the recorded start time, or leader gone: a PID still
# used as a session id cannot be given to a new process).
our_sessions() {
    local f pid start
    for f in "$DIR"/pids/*; do
        [ -f "$f" ] || continue
        read -r pid start <"$f" || continue
        if [ -d "/proc/$pid" ] && [ "$(proc_start "$pid" || true)" != "$start" ]; then continue; fi
        printf '%s\n' "$pid"
    done
}

# Every process in the given sessions.
session_members() {
    [ $# -gt 0 ] || return 0
    ps -e -o pid=,sid= | awk -v list=" $* " '{ if (index(list, " " $2 " ")) print $1 }'
}

kill_tree() { # PID SIGNAL: the process and all its descendants
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null || true); do kill_tree "$child" "$2"; done
    kill -"$2" "$1" 2>/dev/null || true
}

stop_services() {
    local -a sessions members
    mapfile -t sessions < <(our_sessions)
    [ ${#sessions[@]} -gt 0 ] || return 0
    mapfile -t members < <(session_members "${sessions[@]}")
    [ ${#members[@]} -gt 0 ] && kill -TERM "${members[@]}" 2>/dev/null || true
    local i
    for i in $(seq 1 40); do
        mapfile -t members < <(session_members "${sessions[@]}")
        [ ${#members[@]} -gt 0 ] || return 0
        sleep 0.2
    done
    say "killing what is left: ${members[*]}"
    kill -KILL "${members[@]}" 2>/dev/null || true
    for i in $(seq 1 20); do
        mapfile -t members < <(session_members "${sessions[@]}")
        [ ${#members[@]} -gt 0 ] || return 0
        sleep 0.1
    done
}

stop_postgres() {
    local data="$DIR/pg/data" pid
    [ -f "$data/postmaster.pid" ] || return 0
    as_pg "$PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 10 stop >/dev/null 2>&1 && return 0
    pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && grep -qsF "$data" "/proc/$pid/cmdline"; then kill_tree "$pid" KILL; fi
}

stop_rabbit() {
    [ -d "$DIR/rabbitmq" ] || return 0
    "$RABBIT_NODE" stop "$DIR/rabbitmq" >/dev/null 2>&1 || true
}

# Ends everything recorded in DIR. KEEP_LOGS=1 keeps DIR/log (after a failed start), otherwise DIR goes.
stop_all() {
    local keep_logs=${1:-} rabbit_job
    stop_rabbit &
    rabbit_job=$!
    stop_services
    stop_postgres
    wait "$rabbit_job" || true
    if [ -n "$keep_logs" ]; then
        find "$DIR" -mindepth 1 -maxdepth 1 ! -name log ! -name "$MARKER" -exec rm -rf {} +
    else
        rm -rf "$DIR"
    fi
}

# ------------------------------------------------------------------------------------------------------------------
# Stages run as background tasks; DIR/log/NAME.log is each one's output.

declare -A TASK_PID=() TASK_T0=()
task() { # NAME FUNCTION ARGS...
    local name=$1
    shift
    TASK_T0[$name]=$(now_us)
    rm -f "$DIR/run/$name.done"
    # Not `"$@" && ...`: errexit must stay in force inside the stage.
    ("$@"; now_us >"$DIR/run/$name.done") >>"$LOG/$name.log" 2>&1 </dev/null &
    TASK_PID[$name]=$!
}

await() { # NAME...: waits for tasks, failing with the tail of the log of the first that failed
    local name rc end
    for name; do
        rc=0
        wait "${TASK_PID[$name]}" || rc=$?
        unset "TASK_PID[$name]"
        if [ "$rc" -ne 0 ] || [ ! -f "$DIR/run/$name.done" ]; then fail "$name" "$LOG/$name.log"; fi
        end="$(cat "$DIR/run/$name.done")"
        say "$name done ($(secs $((end - TASK_T0[$name])))s)"
    done
}

fail() { # WHAT [LOG...]
    local what=$1 log
    shift
    say "FAILED: $what"
    for log; do
        [ -s "$log" ] || continue
        say "last lines of $log:"
        tail -n 40 "$log" | sed 's/^/    /' >&2
    done
    exit 1
}

START_DONE=""
on_start_exit() {
    local rc=$? pid
    [ -z "$START_DONE" ] || return 0
    trap - EXIT
    set +e
    say "start failed: ending what it started (logs stay in $LOG)"
    for pid in "${TASK_PID[@]}"; do kill_tree "$pid" KILL; done
    stop_all keep-logs
    exit $((rc == 0 ? 1 : rc))
}

# ------------------------------------------------------------------------------------------------------------------
# Configuration

USED_PORTS=""
alloc_port() { # VARIABLE: sets it to a loopback port nothing listens on, distinct from the ones handed out before
    local port _
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        case " $USED_PORTS " in *" $port "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            USED_PORTS="$USED_PORTS $port"
            printf -v "$1" '%s' "$port"
            return 0
        fi
    done
    return 1
}

db_url() { printf 'postgresql+psycopg2://%s:%s@127.0.0.1:%s/%s\n' "$DB_USER" "$DB_PASSWORD" "$PG_PORT" "$1"; }

authtoken() { # SERVICE_USER: a [keystone_authtoken] section
    cat <<EOF
[keystone_authtoken]
www_authenticate_uri = $KS_URL
auth_url = $KS_URL
auth_type = password
user_domain_name = Default
project_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASSWORD
region_name = $REGION
service_token_roles_required = true
# Validate every token with Keystone (no 5-minute cache): a revoked token is refused at once, as tests expect.
token_cache_time = -1

[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
EOF
}

write_configs() {
    local etc="$DIR/etc" i
    mkdir -p "$etc"/{keystone,placement,glance,neutron,nova}

    cat >"$etc/keystone/keystone.conf" <<EOF
[DEFAULT]
log_file = $LOG/keystone.log
[database]
connection = $(db_url keystone)
[token]
provider = fernet
expiration = 604800
[fernet_tokens]
key_repository = $DIR/keystone/fernet-keys
[fernet_receipts]
key_repository = $DIR/keystone/fernet-keys
[credential]
key_repository = $DIR/keystone/credential-keys
[identity]
# bcrypt's minimum: every password check costs ~1 ms instead of ~250 ms.
password_hash_rounds = 4
# One uwsgi process (below) with an in-process cache: requests take ~20 ms instead of ~250 ms, and one process
# cannot serve stale cache entries that another one invalidated.
[cache]
enabled = true
backend = dogpile.cache.memory
[oslo_messaging_notifications]
driver = noop
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
EOF
    # uwsgi --http-socket drops reused keep-alive connections: tell every client to close (Connection: close).
    cat >"$etc/keystone/uwsgi.ini" <<EOF
[uwsgi]
plugins = python3
http-socket = 127.0.0.1:$KS_PORT
wsgi-file = /usr/bin/keystone-wsgi-public
env = OS_KEYSTONE_CONFIG_FILES=$etc/keystone/keystone.conf
master = true
processes = 1
threads = 8
enable-threads = true
lazy-apps = true
need-app = true
die-on-term = true
no-orphans = true
buffer-size = 65535
add-header = Connection: close
chdir = $DIR/run
EOF

    { cat <<EOF
[DEFAULT]
log_file = $LOG/placement.log
[api]
auth_strategy = keystone
[placement_database]
connection = $(db_url placement)
EOF
      authtoken placement; } >"$etc/placement/placement.conf"
    cat >"$etc/placement/uwsgi.ini" <<EOF
[uwsgi]
plugins = python3
http-socket = 127.0.0.1:$PLACEMENT_PORT
wsgi-file = /usr/bin/placement-api
env = OS_PLACEMENT_CONFIG_DIR=$etc/placement
master = true
processes = 1
threads = 8
enable-threads = true
lazy-apps = true
need-app = true
die-on-term = true
no-orphans = true
buffer-size = 65535
add-header = Connection: close
chdir = $DIR/run
EOF

    { cat <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $GLANCE_PORT
workers = 1
log_file = $LOG/glance-api.log
image_cache_dir = $DIR/glance/cache
node_staging_uri = file://$DIR/glance/staging
[database]
connection = $(db_url glance)
[glance_store]
stores = file
default_store = file
filesystem_store_datadir = $DIR/glance/images
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $DIR/glance/lock
[oslo_messaging_notifications]
driver = noop
EOF
      authtoken glance; } >"$etc/glance/glance-api.conf"

    { cat <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $NEUTRON_PORT
core_plugin = ml2
service_plugins =
auth_strategy = keystone
api_workers = 1
rpc_workers = 0
rpc_state_report_workers = 0
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
state_path = $DIR/neutron
api_paste_config = /etc/neutron/api-paste.ini
log_file = $LOG/neutron-server.log
graceful_shutdown_timeout = 5
[database]
connection = $(db_url neutron)
[oslo_concurrency]
lock_path = $DIR/neutron/lock
[oslo_messaging_notifications]
driver = noop
EOF
      authtoken neutron; } >"$etc/neutron/neutron.conf"
    cat >"$etc/neutron/ml2_conf.ini" <<EOF
[ml2]
type_drivers = flat,vlan
tenant_network_types = vlan
mechanism_drivers =
extension_drivers = data_plane_status
[ml2_type_flat]
flat_networks = *
[ml2_type_vlan]
network_vlan_ranges = physnet1:1000:1999
EOF

    # nova.conf: every Nova service and nova-manage; nova-db.conf: only those with database access (not the computes,
    # which go through the conductor and log "No DB access allowed" when given database settings); nova-rabbit.conf
    # (the broker, written once it runs): every Nova service.
    { cat <<EOF
[DEFAULT]
host = controller
my_ip = 127.0.0.1
state_path = $DIR/nova
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = $NOVA_PORT
osapi_compute_workers = 2
compute_driver = fake.FakeDriver
report_interval = 5
service_down_time = 20
sync_power_state_interval = 30
heal_instance_info_cache_interval = -1
graceful_shutdown_timeout = 5
# Periodic tasks (the scheduler's host discovery among them) start at once, not after a random delay of up to 60 s.
periodic_fuzzy_delay = 0
# 2 VCPU per fake host (tools/openstack/nova-compute.py), not overcommitted.
cpu_allocation_ratio = 1.0
initial_cpu_allocation_ratio = 1.0
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
[api]
auth_strategy = keystone
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 5
[filter_scheduler]
enabled_filters = ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter
[quota]
instances = 100
cores = 200
ram = 1024000
server_groups = 100
server_group_members = 100
[notifications]
notification_format = versioned
notify_on_state_change = vm_and_task_state
[oslo_messaging_notifications]
driver = messagingv2
[oslo_concurrency]
lock_path = $DIR/nova/lock
[placement]
auth_type = password
auth_url = $KS_URL
user_domain_name = Default
project_domain_name = Default
project_name = service
username = nova
password = $SERVICE_PASSWORD
region_name = $REGION
[neutron]
auth_type = password
auth_url = $KS_URL
user_domain_name = Default
project_domain_name = Default
project_name = service
username = neutron
password = $SERVICE_PASSWORD
region_name = $REGION
[glance]
region_name = $REGION
[vnc]
enabled = false
[spice]
enabled = false
EOF
      authtoken nova; } >"$etc/nova/nova.conf"
    printf '[api_database]\nconnection = %s\n[database]\nconnection = %s\n' \
        "$(db_url nova_api)" "$(db_url nova)" >"$etc/nova/nova-db.conf"
    printf '[database]\nconnection = %s\n' "$(db_url nova_cell0)" >"$etc/nova/nova-cell0.conf"
    for i in "${!HOSTS[@]}"; do
        mkdir -p "$DIR/nova/${HOSTS[i]}/instances" "$DIR/nova/${HOSTS[i]}/lock"
        cat >"$etc/nova/${HOSTS[i]}.conf" <<EOF
[DEFAULT]
host = ${HOSTS[i]}
state_path = $DIR/nova/${HOSTS[i]}
instances_path = $DIR/nova/${HOSTS[i]}/instances
[oslo_concurrency]
lock_path = $DIR/nova/${HOSTS[i]}/lock
EOF
    done
    mkdir -p "$DIR/nova/lock" "$DIR/glance"/{cache,staging,images,lock} "$DIR/neutron/lock"
}

# ------------------------------------------------------------------------------------------------------------------
# Stages

sql() { # DATABASE QUERY: one value per line
    "$PG_BIN/psql" -X -A -t -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -c "$2"
}

stage_postgres() {
    mkdir -p "$DIR/pg"
    : >"$LOG/postgresql.log"
    if is_root; then chown postgres: "$DIR/pg" "$LOG/postgresql.log"; fi
    as_pg "$PG_BIN/initdb" -D "$DIR/pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync --no-instructions
    # Throwaway data: no fsync; TCP on 127.0.0.1 only, no Unix socket.
    as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -l "$LOG/postgresql.log" -w -t 60 -o "-p $PG_PORT \
-c listen_addresses=127.0.0.1 -k '' -c max_connections=400 -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c shared_buffers=128MB" start
    local db
    {
        echo "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD';"
        for db in keystone placement glance neutron nova_api nova nova_cell0; do
            echo "CREATE DATABASE $db OWNER $DB_USER;"
        done
    } | "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres
}

# The broker's ports are chosen by tools/rabbitmq-node.sh, so its settings go into files of their own, written here
# once it runs; DIR/run/rabbitmq.uri appears last and tells the other stages that it is up.
stage_rabbitmq() {
    local uri transport
    uri="$("$RABBIT_NODE" start "$DIR/rabbitmq")"
    transport="rabbit://${uri#amqp://}"
    printf '[DEFAULT]\ntransport_url = %s\n[oslo_messaging_notifications]\ntransport_url = %s\n' \
        "$transport" "$transport" >"$DIR/etc/nova/nova-rabbit.conf"
    printf '[DEFAULT]\ntransport_url = %s\n' "$transport" >"$DIR/etc/neutron/neutron-rabbit.conf"
    echo "$uri" >"$DIR/run/rabbitmq.uri.new"
    mv "$DIR/run/rabbitmq.uri.new" "$DIR/run/rabbitmq.uri"
}

wait_rabbit() { # within a stage: until the broker is up
    local i
    for i in $(seq 1 600); do
        [ -s "$DIR/run/rabbitmq.uri" ] && return 0
        sleep 0.5
    done
    echo "RabbitMQ did not come up"
    return 1
}

fernet_key() { head -c 32 /dev/urandom | base64 | tr '+/' '-_'; }

stage_keystone() {
    # The key repositories keystone-manage fernet_setup/credential_setup would make: key 0 staged, 1 primary.
    local repo
    for repo in fernet-keys credential-keys; do
        (umask 077 && mkdir -p "$DIR/keystone/$repo" && fernet_key >"$DIR/keystone/$repo/0" && fernet_key >"$DIR/keystone/$repo/1")
    done
    local conf=(--config-file "$DIR/etc/keystone/keystone.conf")
    keystone-manage "${conf[@]}" db_sync
    keystone-manage "${conf[@]}" bootstrap --bootstrap-username admin --bootstrap-password "$ADMIN_PASSWORD" \
        --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
        --bootstrap-region-id "$REGION" --bootstrap-admin-url "$KS_URL" --bootstrap-public-url "$KS_URL" \
        --bootstrap-internal-url "$KS_URL"
    launch keystone uwsgi --ini "$DIR/etc/keystone/uwsgi.ini"
    "$PY" "$HELPER" wait "$KS_URL" 60
}

stage_identity() {
    "$PY" "$HELPER" identity >"$DIR/run/identity.env"
}

stage_placement() {
    placement-manage --config-file "$DIR/etc/placement/placement.conf" db sync
    launch placement uwsgi --ini "$DIR/etc/placement/uwsgi.ini"
    "$PY" "$HELPER" wait "$PLACEMENT_URL" 60
}

stage_glance() {
    glance-manage --config-file "$DIR/etc/glance/glance-api.conf" db_sync
    launch glance-api glance-api --config-file "$DIR/etc/glance/glance-api.conf"
}

stage_neutron() {
    local conf=(--config-file "$DIR/etc/neutron/neutron.conf" --config-file "$DIR/etc/neutron/ml2_conf.ini")
    neutron-db-manage "${conf[@]}" upgrade heads
    wait_rabbit
    launch neutron-server neutron-server "${conf[@]}" --config-file "$DIR/etc/neutron/neutron-rabbit.conf"
}

NOVA_CONF=()
stage_nova_db() {
    "$PY" "$HERE/openstack/nova-db.py" "$(db_url nova_cell0)" "$DIR/run/rabbitmq.uri" "${NOVA_CONF[@]}"
}

stage_nova_services() {
    local svc i
    wait_rabbit
    for svc in nova-conductor nova-scheduler nova-api; do
        launch "$svc" "$svc" "${NOVA_CONF[@]}" --config-file "$DIR/etc/nova/nova-rabbit.conf" --log-file "$LOG/$svc.log"
    done
    "$PY" "$HELPER" wait "$NOVA_URL/" 60
    # A compute that starts before the conductor listens waits 10 s for its first ping to time out.
    for i in $(seq 1 120); do
        [ "$(sql nova "SELECT count(*) FROM services WHERE \"binary\" = 'nova-conductor' AND deleted = 0")" -ge 1 ] && return 0
        sleep 0.5
    done
    echo "nova-conductor did not register"
    return 1
}

stage_computes() {
    local host
    for host in "${HOSTS[@]}"; do
        launch "nova-compute-$host" "$PY" "$COMPUTE_LAUNCHER" --config-file "$DIR/etc/nova/nova.conf" \
            --config-file "$DIR/etc/nova/nova-rabbit.conf" --config-file "$DIR/etc/nova/$host.conf" \
            --log-file "$LOG/nova-compute-$host.log"
    done
}

stage_resources() {
    "$PY" "$HELPER" wait "$GLANCE_URL/versions" 60
    "$PY" "$HELPER" wait "$NEUTRON_URL/" 60
    "$PY" "$HELPER" resources >"$DIR/run/resources.env"
    "$PY" "$HELPER" check-neutron
}

HOST_LIST=""
# How many fake hosts are fully usable: compute service heartbeating and not forced down, compute node recorded,
# host mapped to cell1, and a Placement provider offering exactly 2 VCPU. Read from the databases, not from logs.
hosts_ready() {
    local up mapped capacity
    up="$(sql nova "SELECT count(DISTINCT s.host) FROM services s JOIN compute_nodes c ON c.host = s.host AND c.deleted = 0
        WHERE s.deleted = 0 AND s."binary" = 'nova-compute' AND NOT s.forced_down AND s.host IN ($HOST_LIST)
        AND coalesce(s.updated_at, s.created_at) > (now() AT TIME ZONE 'utc') - interval '20 seconds'" 2>/dev/null)" || up=0
    mapped="$(sql nova_api "SELECT count(*) FROM host_mappings h JOIN cell_mappings c ON c.id = h.cell_id
        WHERE c.name = 'cell1' AND h.host IN ($HOST_LIST)" 2>/dev/null)" || mapped=0
    capacity="$(sql placement "SELECT count(*) FROM resource_providers rp JOIN inventories i
        ON i.resource_provider_id = rp.id AND i.resource_class_id = 0
        WHERE rp.name IN ($HOST_LIST) AND floor((i.total - i.reserved) * i.allocation_ratio) = 2" 2>/dev/null)" || capacity=0
    local n=${#HOSTS[@]}
    [ "${up:-0}" -eq "$n" ] && [ "${mapped:-0}" -eq "$n" ] && [ "${capacity:-0}" -eq "$n" ]
}

stage_wait_hosts() {
    local deadline=$((SECONDS + READY_TIMEOUT))
    until hosts_ready; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "hosts not ready within ${READY_TIMEOUT}s"
            return 1
        fi
        sleep 0.5
    done
}

load_state() {
    # shellcheck disable=SC1091
    . "$DIR/state.env"
    KS_URL="http://127.0.0.1:$KS_PORT/v3"
    PLACEMENT_URL="http://127.0.0.1:$PLACEMENT_PORT"
    GLANCE_URL="http://127.0.0.1:$GLANCE_PORT"
    NEUTRON_URL="http://127.0.0.1:$NEUTRON_PORT"
    NOVA_URL="http://127.0.0.1:$NOVA_PORT/v2.1"
    export KS_URL PLACEMENT_URL GLANCE_URL NEUTRON_URL NOVA_URL REGION ADMIN_PASSWORD DEMO_PASSWORD OTHER_PASSWORD \
        SERVICE_PASSWORD DOCTOR_PASSWORD
    NOVA_CONF=(--config-file "$DIR/etc/nova/nova.conf" --config-file "$DIR/etc/nova/nova-db.conf")
    HOST_LIST="$(printf "'%s'," "${HOSTS[@]}")"
    HOST_LIST="${HOST_LIST%,}"
}

# A start in DIR that is up and well: every recorded process alive, a token, the hosts ready.
running_and_healthy() {
    [ -f "$DIR/openstack.env" ] && [ -f "$DIR/state.env" ] || return 1
    load_state
    local f pid start
    for f in "$DIR"/pids/*; do
        read -r pid start <"$f" || return 1
        [ "$(proc_start "$pid" || true)" = "$start" ] || return 1
    done
    as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg/data" status >/dev/null 2>&1 || return 1
    pid="$(cat "$DIR/rabbitmq/node.pid" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null || return 1
    "$PY" "$HELPER" token >/dev/null 2>&1 || return 1
    hosts_ready
}

write_outputs() {
    local demo_id other_id image_id
    demo_id="$(sed -n 's/^DEMO_PROJECT_ID=//p' "$DIR/run/identity.env")"
    other_id="$(sed -n 's/^OTHER_PROJECT_ID=//p' "$DIR/run/identity.env")"
    image_id="$(sed -n 's/^IMAGE_ID=//p' "$DIR/run/resources.env")"
    [ -n "$demo_id" ] && [ -n "$other_id" ] && [ -n "$image_id" ] || die "project or image ids missing"
    cat >"$DIR/openstack.env.new" <<EOF
DOCTOR_TEST_OPENSTACK_AUTH_URL=$KS_URL
DOCTOR_TEST_OPENSTACK_REGION=$REGION
DOCTOR_TEST_OPENSTACK_ADMIN_USER=admin
DOCTOR_TEST_OPENSTACK_ADMIN_PASSWORD=$ADMIN_PASSWORD
DOCTOR_TEST_OPENSTACK_ADMIN_PROJECT=admin
DOCTOR_TEST_OPENSTACK_SERVICE_USER=doctor
DOCTOR_TEST_OPENSTACK_SERVICE_PASSWORD=$DOCTOR_PASSWORD
DOCTOR_TEST_OPENSTACK_SERVICE_PROJECT=service
DOCTOR_TEST_OPENSTACK_DEMO_USER=demo
DOCTOR_TEST_OPENSTACK_DEMO_PASSWORD=$DEMO_PASSWORD
DOCTOR_TEST_OPENSTACK_DEMO_PROJECT=demo
DOCTOR_TEST_OPENSTACK_DEMO_PROJECT_ID=$demo_id
DOCTOR_TEST_OPENSTACK_OTHER_USER=other
DOCTOR_TEST_OPENSTACK_OTHER_PASSWORD=$OTHER_PASSWORD
DOCTOR_TEST_OPENSTACK_OTHER_PROJECT=other
DOCTOR_TEST_OPENSTACK_OTHER_PROJECT_ID=$other_id
DOCTOR_TEST_OPENSTACK_NOTIFICATIONS_URL=$NOTIFICATIONS_URL
DOCTOR_TEST_OPENSTACK_HOSTS=$(IFS=,; echo "${HOSTS[*]}")
DOCTOR_TEST_OPENSTACK_FLAVOR=1
DOCTOR_TEST_OPENSTACK_IMAGE=$image_id
DOCTOR_TEST_OPENSTACK_DIR=$DIR
EOF
    local user password project
    for user in admin demo; do
        if [ "$user" = admin ]; then password=$ADMIN_PASSWORD project=admin; else password=$DEMO_PASSWORD project=demo; fi
        cat >"$DIR/$user-openrc" <<EOF
export OS_AUTH_URL=$KS_URL
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=$user
export OS_PASSWORD=$password
export OS_PROJECT_NAME=$project
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=$REGION
export OS_INTERFACE=public
EOF
    done
    mv "$DIR/openstack.env.new" "$DIR/openstack.env"
}

start() {
    install_packages
    [ -x "$PG_BIN/initdb" ] || die "no $PG_BIN/initdb (package postgresql-15)"
    if [ -f "$DIR/$MARKER" ]; then
        if running_and_healthy; then
            say "already running in $DIR: nothing to do"
            cat "$DIR/openstack.env"
            return 0
        fi
        say "$DIR holds a stopped or broken instance: ending what is left of it, then starting clean"
        stop_all
        mkdir -p "$DIR"
    elif [ -n "$(ls -A "$DIR")" ]; then
        die "$DIR is not empty and was not made by this script"
    fi
    if is_root; then
        chmod 755 "$DIR"
        local account
        for account in postgres rabbitmq; do
            runuser -u "$account" -- test -x "$DIR" \
                || die "the account $account cannot reach $DIR: use a directory outside /root (e.g. under /tmp)"
        done
    fi
    LOG="$DIR/log"
    mkdir -p "$LOG" "$DIR/pids" "$DIR/run"
    : >"$DIR/$MARKER"
    trap on_start_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    local port
    for port in PG_PORT KS_PORT PLACEMENT_PORT GLANCE_PORT NEUTRON_PORT NOVA_PORT; do
        alloc_port "$port" || die "no free loopback port"
        echo "$port=${!port}"
    done >"$DIR/state.env"
    load_state

    write_configs
    say "starting PostgreSQL and RabbitMQ"
    task rabbitmq stage_rabbitmq
    task postgres stage_postgres
    await postgres
    task keystone stage_keystone
    task nova-db stage_nova_db
    task placement stage_placement
    task neutron stage_neutron
    task glance stage_glance
    await keystone
    task identity stage_identity
    await rabbitmq
    NOTIFICATIONS_URL="$(cat "$DIR/run/rabbitmq.uri")"
    echo "NOTIFICATIONS_URL=$NOTIFICATIONS_URL" >>"$DIR/state.env"
    # nova-conductor and nova-scheduler authenticate (for Placement) as they start: after the identity stage.
    await identity nova-db
    task nova-services stage_nova_services
    await placement nova-services
    # The computes report to Placement at start-up: that needs their service user, Placement and the conductor.
    task computes stage_computes
    await computes
    await neutron glance
    task resources stage_resources
    say "waiting for ${HOSTS[*]}: up, mapped to cell1, 2 VCPU each in Placement"
    stage_wait_hosts >"$LOG/hosts.log" 2>&1 \
        || fail "${HOSTS[*]} up and mapped to cell1 with 2 VCPU each" "$LOG/hosts.log" \
            "$LOG/nova-compute-compute-0.log" "$LOG/nova-scheduler.log" "$LOG/nova-conductor.log"
    say "hosts ready"
    await resources
    write_outputs
    START_DONE=1
    trap - EXIT INT TERM
    say "OpenStack ready in $(secs $(($(now_us) - T0_US)))s: Keystone $KS_URL, Nova $NOVA_URL, env in $DIR/openstack.env"
    cat "$DIR/openstack.env"
}

stop() {
    [ -e "$DIR" ] || return 0
    if [ ! -f "$DIR/$MARKER" ]; then
        [ -z "$(ls -A "$DIR")" ] || die "$DIR was not made by this script: not touching it"
        rmdir "$DIR"
        return 0
    fi
    local t0
    t0=$(now_us)
    stop_all
    say "stopped in $(secs $(($(now_us) - t0)))s"
}

usage() { die "usage: $0 start DIR | stop DIR | install"; }
case "${1:-}" in
    install)
        [ $# -eq 1 ] || usage
        install_packages
        ;;
    start | stop)
        [ $# -eq 2 ] || usage
        [ "$1" = stop ] && [ ! -e "$2" ] && exit 0
        DIR="$(mkdir -p "$2" && cd "$2" && pwd)"
        LOG="$DIR/log"
        "$1"
        ;;
    *) usage ;;
esac
