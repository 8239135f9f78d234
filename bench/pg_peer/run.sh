#!/usr/bin/env bash
# PostgreSQL 15 peer benchmark for the Meridian ledger (see README.md).
#
# Starts a throwaway PostgreSQL server (initdb into a mktemp dir, listening on
# 127.0.0.1 and a private unix socket dir only), loads schema.sql, seeds the
# accounts, runs the transfer workload with pgbench, stops and deletes the
# server, then runs `meridian bench ledger` (if the binary exists) and prints
# both side by side.
#
#   bash bench/pg_peer/run.sh [--seconds 20] [--json] [--meridian PATH] ...
#
# Works as root (the server then runs as the `postgres` OS user, since initdb
# refuses root) and as an ordinary user (the server runs as that user).
# Needs: bash, awk, sed, sort, PostgreSQL 15 server binaries, psql, pgbench.

set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd -- "$SCRIPT_DIR/../.." && pwd)

# ---------------------------------------------------------------- defaults --
DURATION=20                 # seconds per pgbench run
ACCOUNTS=10000              # accounts 1..N (plus one funding account N+1)
BATCH=100                   # transfers per create_transfers() call
SINGLE_CLIENTS="8 32"       # client counts for the one-transfer-per-commit runs
BATCH_CLIENTS="8"           # client counts for the batched runs
THREADS=2                   # pgbench worker threads (capped at the client count)
MERIDIAN="$ROOT_DIR/build/release/src/cli/meridian"
MERIDIAN_CASE="uniform_10k"
JSON=0
KEEP=0
PORT=""
PGBIN="${PGBIN:-}"
CHECKSUMS=0

usage() {
    cat <<EOF
Usage: bash $(basename "$0") [options]

  --seconds N           duration of each pgbench run (default $DURATION)
  --accounts N          number of accounts (default $ACCOUNTS)
  --batch B             transfers per batched call (default $BATCH)
  --single-clients "L"  client counts, one transfer per commit (default "$SINGLE_CLIENTS")
  --batch-clients "L"   client counts, batched (default "$BATCH_CLIENTS"; "" to skip)
  --threads N           pgbench threads (default $THREADS)
  --meridian PATH       Meridian CLI (default build/release/src/cli/meridian
                        under the project root)
  --meridian-case NAME  case for 'meridian bench ledger' (default $MERIDIAN_CASE)
  --json                print one JSON object per case on stdout (the table
                        and progress go to stderr)
  --port N              TCP port on 127.0.0.1 (default: a free one)
  --pgbin DIR           PostgreSQL server binaries (default
                        /usr/lib/postgresql/15/bin, else pg_config --bindir)
  --checksums           initdb --data-checksums (off by default, as in initdb)
  --keep                keep the temp dir (server stopped; logs kept)
  -h, --help            this help
EOF
}

die() { printf 'pg_peer: error: %s\n' "$*" >&2; exit 1; }
log() { printf '[pg_peer] %s\n' "$*" >&2; }

is_uint() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }   # positive, no leading zero
need_value() { [[ $# -ge 2 ]] || die "$1 needs a value"; }

while [[ $# -gt 0 ]]; do
    case $1 in
        --seconds)        need_value "$@"; DURATION=$2; shift 2 ;;
        --seconds=*)      DURATION=${1#*=}; shift ;;
        --accounts)       need_value "$@"; ACCOUNTS=$2; shift 2 ;;
        --accounts=*)     ACCOUNTS=${1#*=}; shift ;;
        --batch)          need_value "$@"; BATCH=$2; shift 2 ;;
        --batch=*)        BATCH=${1#*=}; shift ;;
        --single-clients) need_value "$@"; SINGLE_CLIENTS=$2; shift 2 ;;
        --single-clients=*) SINGLE_CLIENTS=${1#*=}; shift ;;
        --batch-clients)  need_value "$@"; BATCH_CLIENTS=$2; shift 2 ;;
        --batch-clients=*) BATCH_CLIENTS=${1#*=}; shift ;;
        --threads)        need_value "$@"; THREADS=$2; shift 2 ;;
        --threads=*)      THREADS=${1#*=}; shift ;;
        --meridian)       need_value "$@"; MERIDIAN=$2; shift 2 ;;
        --meridian=*)     MERIDIAN=${1#*=}; shift ;;
        --meridian-case)  need_value "$@"; MERIDIAN_CASE=$2; shift 2 ;;
        --meridian-case=*) MERIDIAN_CASE=${1#*=}; shift ;;
        --json)           JSON=1; shift ;;
        --port)           need_value "$@"; PORT=$2; shift 2 ;;
        --port=*)         PORT=${1#*=}; shift ;;
        --pgbin)          need_value "$@"; PGBIN=$2; shift 2 ;;
        --pgbin=*)        PGBIN=${1#*=}; shift ;;
        --checksums)      CHECKSUMS=1; shift ;;
        --keep)           KEEP=1; shift ;;
        -h|--help)        usage; exit 0 ;;
        *)                usage >&2; die "unknown option: $1" ;;
    esac
done

for v in DURATION ACCOUNTS BATCH THREADS; do
    if ! is_uint "${!v}" || [[ ${!v} -eq 0 ]]; then
        die "${v,,} must be a positive integer (got '${!v}')"
    fi
done
[[ $ACCOUNTS -ge 2 ]] || die "need at least 2 accounts"
for c in $SINGLE_CLIENTS $BATCH_CLIENTS; do
    if ! is_uint "$c" || [[ $c -eq 0 ]]; then
        die "client counts must be positive integers (got '$c')"
    fi
done
if [[ -n $PORT ]] && { ! is_uint "$PORT" || [[ $PORT -lt 1024 || $PORT -gt 65535 ]]; }; then
    die "--port must be 1024..65535"
fi
# A relative --meridian path is taken relative to the project root.
[[ $MERIDIAN == /* ]] || MERIDIAN="$ROOT_DIR/$MERIDIAN"

# In --json mode stdout carries only JSON lines; the table goes to stderr.
if [[ $JSON == 1 ]]; then exec 3>&2; else exec 3>&1; fi

# --------------------------------------------------------------- binaries --
if [[ -z $PGBIN ]]; then
    if [[ -x /usr/lib/postgresql/15/bin/postgres ]]; then
        PGBIN=/usr/lib/postgresql/15/bin
    elif command -v pg_config >/dev/null 2>&1; then
        PGBIN=$(pg_config --bindir)
    fi
fi
for b in initdb pg_ctl postgres; do
    [[ -x $PGBIN/$b ]] || die "PostgreSQL server binary '$b' not found in '${PGBIN:-?}' (Debian 12: apt-get install postgresql-15; or pass --pgbin DIR)"
done
# Prefer the client tools of the same installation (version match).
PSQL=$PGBIN/psql;       [[ -x $PSQL ]]    || PSQL=$(command -v psql)    || die "psql not found"
PGBENCH=$PGBIN/pgbench; [[ -x $PGBENCH ]] || PGBENCH=$(command -v pgbench) || die "pgbench not found"
PG_VERSION=$("$PGBIN/postgres" --version | awk '{print $3}')
[[ ${PG_VERSION%%.*} == 15 ]] || log "warning: PostgreSQL $PG_VERSION, not 15"

# ------------------------------------------------------- who runs the server --
# initdb/postgres refuse to run as root: as root, run them as `postgres`.
if [[ $EUID -eq 0 ]]; then
    PG_OS_USER=postgres
    id -u "$PG_OS_USER" >/dev/null 2>&1 || die "running as root, but there is no '$PG_OS_USER' OS user to run the server"
else
    PG_OS_USER=$(id -un)
fi
as_pg() {   # run a command as the server's OS user, from a directory it can read
    if [[ $EUID -ne 0 ]]; then
        (cd "$PGROOT" && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$PGROOT" && runuser -u "$PG_OS_USER" -- "$@")
    else
        local cmd
        printf -v cmd '%q ' "$@"
        (cd "$PGROOT" && su -s /bin/sh "$PG_OS_USER" -c "$cmd")
    fi
}

# ------------------------------------------------------ temp dir + cleanup --
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pg_peer.XXXXXX")
chmod 711 "$WORK"                    # the server's user must traverse it
PGROOT=$WORK/pg                      # owned by the server's OS user
OUT=$WORK/out                        # pgbench output and logs (ours)
mkdir -p "$PGROOT/sock" "$OUT"
[[ $EUID -ne 0 ]] || chown -R "$PG_OS_USER:" "$PGROOT"
PGDATA_DIR=$PGROOT/data
SERVER_LOG=$PGROOT/server.log
SERVER_UP=0

stop_server() {
    [[ $SERVER_UP == 1 ]] || return 0
    if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null 2>&1; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -t 30 stop >/dev/null 2>&1 || {
            # Last resort: our own postmaster, by the pid it recorded.
            local pid
            pid=$(head -n 1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)
            [[ -z $pid ]] || kill -QUIT "$pid" 2>/dev/null || true
        }
    fi
    SERVER_UP=0
}
cleanup() {
    local rc=$?
    trap - EXIT
    stop_server
    if [[ $KEEP == 1 ]]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------- the server --
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [[ -z $PORT ]]; then
    PORT=$((20000 + $$ % 20000))
    tries=0
    while port_in_use "$PORT"; do
        tries=$((tries + 1))
        [[ $tries -lt 50 ]] || die "no free TCP port found; pass --port"
        PORT=$((20000 + (PORT - 20000 + 97) % 20000))
    done
fi

log "PostgreSQL $PG_VERSION in $WORK (server runs as OS user '$PG_OS_USER', port $PORT)"
initdb_args=(-D "$PGDATA_DIR" -U pgpeer --auth=trust -E UTF8 --locale=C --no-sync)
[[ $CHECKSUMS == 0 ]] || initdb_args+=(--data-checksums)
as_pg "$PGBIN/initdb" "${initdb_args[@]}" >"$OUT/initdb.log" 2>&1 \
    || { cat "$OUT/initdb.log" >&2; die "initdb failed"; }

# Server settings. Durability is the same promise Meridian makes: a transfer
# is acknowledged only after its commit record is on stable storage.
cat >>"$PGDATA_DIR/postgresql.conf" <<EOF

# ---- pg_peer benchmark settings ----
listen_addresses = '127.0.0.1'            # loopback only
port = $PORT
unix_socket_directories = '$PGROOT/sock'  # private socket dir (pgbench uses it)
max_connections = 200

# durability: every commit waits for fdatasync of its WAL (group commit may
# share one fsync among concurrent commits, as any WAL-based engine does)
fsync = on
synchronous_commit = on
wal_sync_method = fdatasync
full_page_writes = on
commit_delay = 0

# no replication or archiving: the least WAL that is still crash-safe
wal_level = minimal
max_wal_senders = 0
archive_mode = off

# memory and checkpoints: the data set fits in RAM; run.sh issues a
# CHECKPOINT before each run and none is triggered during a run
shared_buffers = 1GB
wal_buffers = 64MB
max_wal_size = 16GB
min_wal_size = 1GB
checkpoint_timeout = 30min
checkpoint_completion_target = 0.9

jit = off
autovacuum = on
log_checkpoints = on
EOF

as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$SERVER_LOG" -w -t 60 start >/dev/null 2>&1 \
    || { tail -n 30 "$SERVER_LOG" >&2 || true; die "PostgreSQL did not start"; }
SERVER_UP=1

# Talk to our server only, whatever PG* variables the caller has set.
unset PGSERVICE PGSERVICEFILE PGOPTIONS PGHOSTADDR PGPASSFILE PGSSLMODE PGTARGETSESSIONATTRS
export PGHOST=$PGROOT/sock PGPORT=$PORT PGUSER=pgpeer PGDATABASE=postgres PGAPPNAME=pg_peer

psql_q() { "$PSQL" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_q -c 'CREATE DATABASE pgpeer' >/dev/null
export PGDATABASE=pgpeer
psql_q -f "$SCRIPT_DIR/schema.sql" >/dev/null
# Check the functions before timing them (result codes; batched == one by one).
psql_q -f "$SCRIPT_DIR/selftest.sql" >"$OUT/selftest.log" 2>&1 \
    || { cat "$OUT/selftest.log" >&2; die "selftest.sql failed"; }
log "$(grep -o 'selftest: ok.*' "$OUT/selftest.log" || echo 'selftest: ok')"

show() { "$PSQL" -X -A -t -v ON_ERROR_STOP=1 -c "SHOW $1"; }
for s in fsync synchronous_commit full_page_writes; do
    [[ $(show "$s") == on ]] || die "$s is not on; refusing to run a non-durable benchmark"
done
DURABILITY="fsync=$(show fsync),synchronous_commit=$(show synchronous_commit),wal_sync_method=$(show wal_sync_method),full_page_writes=$(show full_page_writes),wal_level=$(show wal_level)"
log "durability: every commit is fsynced before it is acknowledged ($DURABILITY)"
log "settings: shared_buffers=$(show shared_buffers) max_wal_size=$(show max_wal_size) checkpoint_timeout=$(show checkpoint_timeout) data_checksums=$(show data_checksums)"

# ------------------------------------------------------------------ runs --
# Per run: reseed (fresh balances, empty transfers table, VACUUM, CHECKPOINT),
# pgbench with a per-transaction log, then a consistency check.
declare -a R_NAME R_VARIANT R_CLIENTS R_BATCH R_TPS R_XPS R_AVG R_P50 R_P99

percentiles() {   # $1 = log prefix; prints "p50_ms p99_ms count" (nearest rank)
    local f
    for f in "$1".*; do
        [[ -e $f ]] || continue
        # client_id transaction_no latency_us script_no epoch epoch_us
        awk '$3 ~ /^[0-9]+$/ { print $3 }' "$f"
    done | sort -n | awk '
        { v[NR] = $1 }
        END {
            if (NR == 0) { print "null null 0"; exit }
            i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++
            i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++
            printf "%.3f %.3f %d\n", v[i50] / 1000.0, v[i99] / 1000.0, NR
        }'
}

run_case() {   # $1 = single|batch, $2 = clients
    local variant=$1 clients=$2 batch script name threads
    if [[ $variant == single ]]; then
        batch=1; script=transfer_single.sql; name="pg_single_c${clients}"
    else
        batch=$BATCH; script=transfer_batch.sql; name="pg_batch${BATCH}_c${clients}"
    fi
    threads=$(( THREADS < clients ? THREADS : clients ))

    psql_q -v accounts="$ACCOUNTS" -f "$SCRIPT_DIR/seed.sql" >"$OUT/$name.seed.log" 2>&1 \
        || { cat "$OUT/$name.seed.log" >&2; die "seeding failed"; }

    log "$name: $clients clients, batch $batch, ${DURATION}s ..."
    if ! "$PGBENCH" -n -M prepared -f "$SCRIPT_DIR/$script" \
            -D accounts="$ACCOUNTS" -D batch="$BATCH" \
            -c "$clients" -j "$threads" -T "$DURATION" \
            --log --log-prefix="$OUT/$name.lat" >"$OUT/$name.txt" 2>&1; then
        tail -n 20 "$OUT/$name.txt" >&2
        die "pgbench failed for $name"
    fi

    local processed failed tps avg p50 p99 nlat xps expected got
    processed=$(awk -F': *' '/^number of transactions actually processed/ { split($2, a, "/"); print a[1] }' "$OUT/$name.txt")
    failed=$(awk -F': *' '/^number of failed transactions/ { split($2, a, " "); print a[1] }' "$OUT/$name.txt")
    tps=$(awk '/^tps = / { print $3 }' "$OUT/$name.txt" | tail -n 1)
    avg=$(awk '/^latency average = / { print $4 }' "$OUT/$name.txt")
    [[ -n $processed && -n $tps && -n $avg ]] || { cat "$OUT/$name.txt" >&2; die "cannot parse pgbench output for $name"; }
    [[ ${failed:-0} == 0 ]] || log "warning: $name: $failed failed pgbench transactions"
    read -r p50 p99 nlat < <(percentiles "$OUT/$name.lat")
    [[ $nlat == "$processed" ]] || log "note: $name: $nlat latencies logged, $processed transactions counted"
    xps=$(awk -v t="$tps" -v b="$batch" 'BEGIN { printf "%.1f", t * b }')

    # Every transfer must have succeeded (all accounts are funded), and the
    # ledger must balance.
    expected=$(( processed * batch ))
    got=$("$PSQL" -X -A -t -v ON_ERROR_STOP=1 -c "SELECT count(*) - $ACCOUNTS FROM transfers")
    [[ $got == "$expected" ]] || log "warning: $name: $got transfers stored, expected $expected (processed x batch)"
    [[ $("$PSQL" -X -A -t -c 'SELECT sum(debits_posted) = sum(credits_posted) FROM accounts') == t ]] \
        || log "warning: $name: ledger does not balance"

    R_NAME+=("$name"); R_VARIANT+=("$variant"); R_CLIENTS+=("$clients"); R_BATCH+=("$batch")
    R_TPS+=("$tps"); R_XPS+=("$xps"); R_AVG+=("$avg"); R_P50+=("$p50"); R_P99+=("$p99")
    log "$name: $xps transfers/s (tps $tps, avg ${avg} ms, p50 ${p50} ms, p99 ${p99} ms, $processed transactions, $got transfers stored)"
}

for c in $SINGLE_CLIENTS; do run_case single "$c"; done
for c in $BATCH_CLIENTS;  do run_case batch "$c"; done
[[ ${#R_NAME[@]} -gt 0 ]] || die "no runs (both client lists empty)"

stop_server
log "PostgreSQL stopped"

# -------------------------------------------------------------- Meridian --
# The Meridian run starts only after PostgreSQL is gone, so neither competes
# with the other for the 2 cores / the disk.
json_field() {   # $1 = JSON line, $2 = key -> number or string value
    sed -n "s/.*[{,][[:space:]]*\"$2\"[[:space:]]*:[[:space:]]*\"\{0,1\}\([^\",}]*\)\"\{0,1\}[[:space:]]*[,}].*/\1/p" <<<"$1" | head -n 1
}
M_LINE="" M_NOTE=""
if [[ -x $MERIDIAN ]]; then
    log "running: $MERIDIAN bench ledger --case $MERIDIAN_CASE --json"
    if "$MERIDIAN" bench ledger --case "$MERIDIAN_CASE" --json >"$OUT/meridian.jsonl" 2>"$OUT/meridian.err"; then
        M_LINE=$(grep -E "\"case\"[[:space:]]*:[[:space:]]*\"$MERIDIAN_CASE\"" "$OUT/meridian.jsonl" | head -n 1 || true)
        [[ -n $M_LINE ]] || M_NOTE="meridian printed no JSON line for case $MERIDIAN_CASE"
    else
        M_NOTE="meridian bench failed (exit $?): $(tail -n 3 "$OUT/meridian.err" | tr '\n' ' ')"
    fi
else
    M_NOTE="Meridian binary not found at $MERIDIAN (build it, or pass --meridian PATH); PostgreSQL figures only"
fi
M_XPS="" M_P50="" M_P99="" M_CLIENTS="" M_BATCH=""
if [[ -n $M_LINE ]]; then
    M_XPS=$(json_field "$M_LINE" transfers_per_s)
    M_P50=$(json_field "$M_LINE" p50_ms)
    M_P99=$(json_field "$M_LINE" p99_ms)
    M_CLIENTS=$(json_field "$M_LINE" clients)
    M_BATCH=$(json_field "$M_LINE" batch)
    m_accounts=$(json_field "$M_LINE" accounts)
    [[ -z $m_accounts || $m_accounts == "$ACCOUNTS" ]] \
        || log "warning: Meridian case has $m_accounts accounts, PostgreSQL ran with $ACCOUNTS"
    [[ -n $M_XPS ]] || M_NOTE="no transfers_per_s in meridian output: $M_LINE"
fi

ratio() {   # meridian / pg transfers per second
    if [[ -n $M_XPS ]]; then
        awk -v m="$M_XPS" -v p="$1" 'BEGIN { if (p > 0) printf "%.2f", m / p; else print "null" }'
    else
        echo ""
    fi
}

# ------------------------------------------------------------------ report --
{
    echo
    echo "Ledger workload: $ACCOUNTS accounts (ledger 840, balance check on), uniform random"
    echo "distinct debit/credit, amount 1..100. PostgreSQL $PG_VERSION, ${DURATION}s per run,"
    echo "durability: every commit fsynced ($DURABILITY)."
    echo "PostgreSQL latency is per pgbench transaction (one call: 1 transfer, or a batch of $BATCH)."
    echo
    printf '%-11s %-14s %7s %6s %14s %9s %9s %12s\n' \
        system variant clients batch transfers/s p50_ms p99_ms meridian/pg
    for i in "${!R_NAME[@]}"; do
        r=$(ratio "${R_XPS[$i]}")
        printf '%-11s %-14s %7s %6s %14s %9s %9s %12s\n' \
            postgresql "${R_VARIANT[$i]}" "${R_CLIENTS[$i]}" "${R_BATCH[$i]}" \
            "${R_XPS[$i]}" "${R_P50[$i]}" "${R_P99[$i]}" "${r:+${r}x}"
    done
    if [[ -n $M_XPS ]]; then
        printf '%-11s %-14s %7s %6s %14s %9s %9s %12s\n' \
            meridian "$MERIDIAN_CASE" "${M_CLIENTS:--}" "${M_BATCH:--}" \
            "$M_XPS" "${M_P50:--}" "${M_P99:--}" ""
    fi
    [[ -z $M_NOTE ]] || { echo; echo "note: $M_NOTE"; }
} >&3

if [[ $JSON == 1 ]]; then
    for i in "${!R_NAME[@]}"; do
        r=$(ratio "${R_XPS[$i]}")
        printf '{"system":"postgresql","case":"%s","variant":"%s","transfers_per_s":%s,"tps":%s,"avg_ms":%s,"p50_ms":%s,"p99_ms":%s,"clients":%s,"batch":%s,"accounts":%s,"seconds":%s,"durability":"%s","pg_version":"%s"%s}\n' \
            "${R_NAME[$i]}" "${R_VARIANT[$i]}" "${R_XPS[$i]}" "${R_TPS[$i]}" "${R_AVG[$i]}" \
            "${R_P50[$i]}" "${R_P99[$i]}" "${R_CLIENTS[$i]}" "${R_BATCH[$i]}" "$ACCOUNTS" \
            "$DURATION" "$DURABILITY" "$PG_VERSION" "${r:+,\"meridian_over_pg\":$r}"
    done
    if [[ -n $M_LINE ]]; then   # Meridian's own line, tagged with the system if it is not
        if [[ $M_LINE == *'"system"'* ]]; then
            printf '%s\n' "$M_LINE"
        else
            printf '%s\n' "$M_LINE" | sed 's/^[[:space:]]*{/{"system":"meridian",/'
        fi
    fi
fi
