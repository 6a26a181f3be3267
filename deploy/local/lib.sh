# Shared by deploy/local/up, down and status: the run folder's layout.
#   $RUN/pids/<name>.pid   one per process (postgres, nginx, <service>-a, <service>-b)
#   $RUN/ports/<name>      that process's HTTP port, for status
#   $RUN/health/<name>     the path status asks there, when not /health/ready
#   $RUN/logs/<name>.log   its output
#   $RUN/url               the shop's URL
#   $RUN/pg-port           PostgreSQL's port (a database per service, user postgres)
#   $RUN/containers/<name> the container of a service instance (up --containers)
RUN="${EMPORIUM_CLUSTER_DIR:-./.emporium-cluster}"
say() { echo "emporium-cluster: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }
# Only a real process id: `kill 0` would signal our own process group.
alive() { [[ "${1:-}" =~ ^[1-9][0-9]*$ ]] && [[ "$1" -gt 1 ]] && kill -0 "$1" 2>/dev/null; }
pid_of() { cat "$RUN/pids/$1.pid" 2>/dev/null || true; }
