# Shared by the benchmark scripts: tools, the release build, process control, wrk runs and
# parsing. Source it after setting NAME (used in messages); it creates $TMP and the traps.
# shellcheck shell=bash

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10s}"; CONNECTIONS="${CONNECTIONS:-64}"; WARMUP=2s

# PIN=1: servers on one core, the load generator on the other — a per-core comparison
# (Emporium and the one-worker NGINX each get the same single core). By default nothing is
# pinned: the servers share the machine with wrk, as they would with other work.
PIN_SERVER=(); PIN_LOAD=(); WRK_THREADS=2
if [[ "${PIN:-0}" == 1 ]] && command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
  PIN_SERVER=(taskset -c "${SERVER_CPU:-1}"); PIN_LOAD=(taskset -c "${LOAD_CPU:-0}"); WRK_THREADS=1
fi

say() { echo "$NAME-bench: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# Everything this script writes (logs, nginx config/state, wrk output, data dir) lives here.
TMP="$(mktemp -d -t emporium-bench.XXXXXX)"; APP_PID=""; NGINX_PID=""; WRK_PID=""
# TERM, then KILL after 5 s. The nginx master's children are collected first: a KILLed master
# would otherwise leave its worker running as an orphan.
stop() {
  local pid=$1 kids
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kids="$(pgrep -P "$pid" || true)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" $kids 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
cleanup() { local rc=$?; stop "$WRK_PID"; stop "$NGINX_PID"; stop "${HELLO_PID:-}"; stop "$APP_PID"; rm -rf "$TMP"; exit "$rc"; }
trap cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM

# Tools. apt-get update only when the install fails (stale or empty package lists).
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"   # /usr/sbin may be missing from PATH
if ! command -v wrk >/dev/null || [[ ! -x "$NGINX" ]]; then
  (( EUID == 0 )) || die "wrk/nginx missing; run as root or: apt-get install -y wrk nginx"
  say "installing wrk and nginx"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq wrk nginx || { apt-get update -qq && apt-get install -y -qq wrk nginx; }; } \
    >"$TMP/apt.log" 2>&1 || { cat "$TMP/apt.log" >&2; die "apt-get install wrk nginx failed"; }
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
fi
for tool in python3 curl pgrep; do command -v "$tool" >/dev/null || die "$tool not found on PATH"; done

# Release build (benchmarking a debug build would be meaningless).
if [[ "${EMPORIUM_SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$REPO" && swift build -c release --product emporium) || die "swift build -c release failed"
fi
BIN="${EMPORIUM_BIN:-}"
[[ -n "$BIN" ]] || BIN="$(cd "$REPO" && swift build -c release --show-bin-path)/emporium"
[[ -x "$BIN" ]] || die "server binary not executable: $BIN"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
cd "$TMP"   # from here on, any relative path or stray file lands in the temp dir

# Both ports in one go, sockets held open together so the kernel cannot hand out the same one.
read -r APP_PORT NGINX_PORT < <(python3 -c 'import socket; s = [socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]; print(*(x.getsockname()[1] for x in s))')
APP="http://127.0.0.1:$APP_PORT"; STATIC="http://127.0.0.1:$NGINX_PORT"

# wait_ready URL PID LOG SECONDS: poll until URL answers 200; fail if PID exits or time runs out.
wait_ready() {
  local deadline=$((SECONDS + $4))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true)" == 200 ]]; do
    kill -0 "$2" 2>/dev/null || { sed 's/^/  | /' "$3" >&2; die "server exited before $1 answered 200"; }
    (( SECONDS < deadline )) || { sed 's/^/  | /' "$3" >&2; die "$1 not 200 after $4 s"; }
    sleep 0.25
  done
}

# wrk, one endpoint at a time; the warm-up opens connections and fills pools, caches and
# lazily initialised paths so the measured run sees steady state.
# wrk runs in the background and is `wait`ed for: bash defers traps while a foreground command
# runs, so a TERM/INT to this script would otherwise only be handled once the whole run ended.
wrk_run() {  # wrk_run OUT ARGS...
  local out=$1; shift
  "${PIN_LOAD[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" "$@" >"$out" 2>&1 & WRK_PID=$!
  wait "$WRK_PID" || { cat "$out" >&2; die "wrk failed: wrk -t$WRK_THREADS -c$CONNECTIONS $*"; }
  WRK_PID=""
}
# With CPU_PIDS="PID..." set, the servers' CPU per request in the measured run goes to
# $TMP/cpu-NAME (microseconds).
bench() {  # bench NAME URL [WRK ARGS...]
  local name=$1 url=$2 ticks=0 requests; shift 2
  say "$name: warm-up $WARMUP, then $DURATION x $CONNECTIONS connections"
  wrk_run "$TMP/warmup.txt" -d"$WARMUP" "$@" "$url"
  # shellcheck disable=SC2086 # a list of pids
  [[ -z "${CPU_PIDS:-}" ]] || ticks="$(cpu_ticks $CPU_PIDS)"
  wrk_run "$TMP/wrk-$name.txt" -d"$DURATION" --latency "$@" "$url"
  if [[ -n "${CPU_PIDS:-}" ]]; then
    read -r _ _ _ requests _ < <(parse "$name")
    # shellcheck disable=SC2086
    cpu_per_request $(( $(cpu_ticks $CPU_PIDS) - ticks )) "$requests" >"$TMP/cpu-$name"
  fi
}
# parse NAME: prints "req/s p50ms p99ms requests errors". Errors = non-2xx/3xx + socket errors.
parse() {
  awk '
    function ms(v,  n, u) { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
      return u == "us" ? n / 1000 : u == "ms" ? n : u == "s" ? n * 1000 : u == "m" ? n * 60000 : n * 3600000 }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    / requests in / { total = $1 }
    /Socket errors:/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    END { if (rps == "" || p99 == "") exit 1; printf "%.0f %.2f %.2f %d %d\n", rps, p50, p99, total, err }
  ' "$TMP/wrk-$1.txt" || { cat "$TMP/wrk-$1.txt" >&2; die "could not parse wrk output for $1"; }
}

# start_emporium [ENV=VALUE...]: the embedded server on a fresh data dir, waited until ready.
start_emporium() {
  mkdir -p "$TMP/data"
  env "$@" "${PIN_SERVER[@]}" "$BIN" --host 127.0.0.1 --port "$APP_PORT" --data-dir "$TMP/data" --log-level warning >"$TMP/app.log" 2>&1 &
  APP_PID=$!; wait_ready "$APP/health/ready" "$APP_PID" "$TMP/app.log" 120
}

# cpu_ticks PID...: utime+stime of the processes, in clock ticks (fields 14 and 15 of
# /proc/PID/stat, counted after the command name, which may hold spaces).
CLK_TCK="$(getconf CLK_TCK)"
cpu_ticks() {
  local total=0 pid stat fields
  for pid in "$@"; do
    stat="$(<"/proc/$pid/stat")"; read -ra fields <<<"${stat##*) }"
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}
nginx_pids() { echo "$NGINX_PID" "$(pgrep -P "$NGINX_PID" | tr '\n' ' ' || true)"; }
# cpu_per_request TICKS REQUESTS: microseconds of CPU per request.
cpu_per_request() { awk -v t="$1" -v hz="$CLK_TCK" -v n="$2" 'BEGIN { printf "%.0f", (n > 0 ? t / hz / n * 1e6 : 0) }'; }

# median V...: the middle value (the lower middle for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
