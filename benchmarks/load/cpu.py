"""CPU seconds of every process of a local cluster (deploy/local/up), for CPU per request.

Service instances report their own (`process_cpu_seconds_total` on /metrics, as Prometheus
scrapes it); NGINX (master and workers) and PostgreSQL (the postmaster and every backend)
are read from /proc, since they export no such counter here.

  cpu.py snapshot RUN_DIR > before.json
  cpu.py report RUN_DIR before.json REQUESTS SECONDS [--json OUT]
      per service: CPU seconds over the run, cores used on average, ms of CPU per request
      (REQUESTS: the load's 2xx answers), and the instances' sum.
"""
import json
import os
import re
import sys
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # utime, stime (fields 14, 15) and the reaped children's (16, 17): a backend that
        # exited still counts in its parent's.
        return sum(int(x) for x in fields[11:15]) / TICKS
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0


def children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(entry))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            pass
    return kids


def metric_cpu(address: str) -> float | None:
    try:
        with urllib.request.urlopen(f"http://{address}/metrics", timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return None
    match = re.search(r"^process_cpu_seconds_total(?:\{[^}]*\})? ([0-9.e+-]+)$", text, re.M)
    return float(match.group(1)) if match else None


def snapshot(run: str) -> dict:
    result = {}
    for name in sorted(os.listdir(f"{run}/pids")):
        name = name.removesuffix(".pid")
        with open(f"{run}/pids/{name}.pid", encoding="ascii") as f:
            pid = int(f.read().strip() or 0)
        if name in ("nginx", "postgres"):
            result[name] = proc_cpu(pid) + sum(proc_cpu(kid) for kid in children(pid))
        elif os.path.exists(f"{run}/cmd/{name}") or os.path.exists(f"{run}/containers/{name}"):
            with open(f"{run}/ports/{name}", encoding="ascii") as f:
                port = f.read().strip()
            host = "127.0.0.1"  # or the address up --netns gave it
            if os.path.exists(f"{run}/hosts/{name}"):
                with open(f"{run}/hosts/{name}", encoding="ascii") as f:
                    host = f.read().strip()
            cpu = metric_cpu(f"{host}:{port}")
            # An instance restarted during the run starts from zero: its counter is kept
            # with the pid, so the report can tell a restart from a quiet instance.
            result[name] = {"cpu": cpu, "pid": pid}
    return result


def report(run: str, before_path: str, requests: int, seconds: float, out: str | None) -> None:
    with open(before_path, encoding="utf-8") as f:
        before = json.load(f)
    after = snapshot(run)
    services: dict[str, float] = {}
    for name, now in after.items():
        then = before.get(name)
        if isinstance(now, dict):
            service = name.rsplit("-", 1)[0]
            start = then["cpu"] if then and then["pid"] == now["pid"] and then["cpu"] is not None else 0.0
            used = (now["cpu"] or 0.0) - start
        else:
            service, used = name, now - (then or 0.0)
        services[service] = services.get(service, 0.0) + max(used, 0.0)
    rows = [
        {"service": s, "cpuSeconds": round(c, 2), "cores": round(c / seconds, 3),
         "cpuMsPerRequest": round(c * 1000 / max(requests, 1), 4)}
        for s, c in sorted(services.items(), key=lambda kv: -kv[1])
    ]
    total = sum(services.values())
    print(f"CPU over {seconds:.0f} s and {requests} served requests (process_cpu_seconds_total; NGINX, PostgreSQL from /proc):")
    print(f"{'process':<12} {'CPU s':>8} {'cores':>7} {'ms/request':>11}")
    for row in rows:
        print(f"{row['service']:<12} {row['cpuSeconds']:>8.2f} {row['cores']:>7.3f} {row['cpuMsPerRequest']:>11.4f}")
    print(f"{'all':<12} {total:>8.2f} {total / seconds:>7.3f} {total * 1000 / max(requests, 1):>11.4f}")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump({"seconds": seconds, "requests": requests, "services": rows,
                       "totalCpuSeconds": round(total, 2)}, f, indent=2)


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "snapshot":
        json.dump(snapshot(sys.argv[2]), sys.stdout)
    elif len(sys.argv) >= 6 and sys.argv[1] == "report":
        out = sys.argv[sys.argv.index("--json") + 1] if "--json" in sys.argv else None
        report(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), out)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
