# Shared by deploy/local/up, down and status: the run folder's layout.
#   $RUN/pids/<name>.pid   one per process (postgres, nginx, <service>-a, <service>-b)
#   $RUN/ports/<name>      that process's HTTP port (services), for status
#   $RUN/logs/<name>.log   its output
#   $RUN/url               the shop's URL
#   $RUN/containers/<name> the container of a service instance (up --containers)
RUN="${EMPORIUM_CLUSTER_DIR:-./.emporium-cluster}"
say() { echo "emporium-cluster: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }
alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
pid_of() { cat "$RUN/pids/$1.pid" 2>/dev/null || true; }
