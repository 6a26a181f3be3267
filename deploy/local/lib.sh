# Shared by deploy/local/up, down and status: the run folder's layout.
#   $RUN/pids/<name>.pid   one per process (postgres, nginx, <service>-a, <service>-b)
#   $RUN/ports/<name>      that process's HTTP port, for status
#   $RUN/hosts/<name>      the address it listens on, when not 127.0.0.1 (up --netns)
#   $RUN/netns/<name>      the network namespace it runs in (up --netns)
#   $RUN/network           up --netns: the /24's third octet (10.213.N.0/24, bridge empbrN)
#   $RUN/health/<name>     the path status asks there, when not /health/ready
#   $RUN/logs/<name>.log   its output
#   $RUN/url               the shop's URL
#   $RUN/pg-port           PostgreSQL's port (a database per service, user postgres)
#   $RUN/containers/<name> the container of a service instance (up --containers)
#   $RUN/cmd/<name>        the script that starts a service instance (not containers)
#   $RUN/env               the EMPORIUM_* settings every instance starts with (0600)
RUN="${EMPORIUM_CLUSTER_DIR:-./.emporium-cluster}"
say() { echo "emporium-cluster: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }
# Only a real process id: `kill 0` would signal our own process group.
alive() { [[ "${1:-}" =~ ^[1-9][0-9]*$ ]] && [[ "$1" -gt 1 ]] && kill -0 "$1" 2>/dev/null; }
pid_of() { cat "$RUN/pids/$1.pid" 2>/dev/null || true; }
host_of() { cat "$RUN/hosts/$1" 2>/dev/null || echo 127.0.0.1; }
ready() {  # ready NAME: waits for /health/ready (migrations and seeding done)
  local address; address="$(host_of "$1"):$(cat "$RUN/ports/$1")"
  for _ in $(seq 600); do
    curl -fsS -o /dev/null "http://$address/health/ready" 2>/dev/null && return 0
    alive "$(pid_of "$1")" || die "$1 exited: $(tail -5 "$RUN/logs/$1.log")"
    sleep 0.1
  done
  die "$1 not ready after 60 s: $(tail -5 "$RUN/logs/$1.log")"
}
