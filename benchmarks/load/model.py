"""The capacity model: from the CPU each process spent per shop request at the local
cluster's measured capacity (benchmarks/load/capacity TARGET=cluster, LABEL-cpu.json), the
replicas per service that 10×, 100× and 1000× that peak need, PostgreSQL's share, and a
prediction of a smaller cluster's capacity to check the model against a measurement.

  model.py CPU_JSON PEAK_RPS [--cores-per-replica 1] [--utilisation 0.7]
           [--predict-replicas 1 --cores 2] [--markdown]

Replicas of a service = ceil(rate × its CPU ms per request / 1000 / (cores per replica ×
utilisation)), at least 2 (one may die or be restarted). PostgreSQL is one primary: the
cores it needs at a rate are the bound to watch. The prediction: on CORES cores shared by
everything (this machine), the cluster saturates when the CPU per request of all
processes adds up to the cores: capacity ≈ cores ÷ total CPU seconds per request; one
replica instead of two changes little (the same work, fewer processes), so the model
predicts nearly the same capacity — and the measurement checks it.
"""
import argparse
import json
import math

SERVICES = ["storefront", "identity", "catalog", "inventory", "cart", "orders", "payments"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cpu_json")
    parser.add_argument("peak", type=float)
    parser.add_argument("--cores-per-replica", type=float, default=1.0)
    parser.add_argument("--utilisation", type=float, default=0.7)
    parser.add_argument("--cores", type=float, default=2.0)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    with open(args.cpu_json, encoding="utf-8") as f:
        cpu = {row["service"]: row["cpuMsPerRequest"] for row in json.load(f)["services"]}
    per_replica = args.cores_per_replica * args.utilisation
    multiples = [10, 100, 1000]
    rows = []
    for service in SERVICES + ["postgres", "nginx"]:
        ms = cpu.get(service, 0.0)
        cells = []
        for k in multiples:
            cores = args.peak * k * ms / 1000
            if service in SERVICES:
                cells.append(f"{max(2, math.ceil(cores / per_replica))} ({cores:.1f} cores)")
            else:
                cells.append(f"{cores:.1f} cores")
        rows.append((service, ms, cells))
    total_ms = sum(cpu.values())
    header = ["process", "CPU ms per shop request"] + [f"{k}× = {args.peak * k:,.0f} req/s" for k in multiples]
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for service, ms, cells in rows:
            print(f"| {service} | {ms:.3f} | " + " | ".join(cells) + " |")
        print(f"| all | {total_ms:.3f} | " + " | ".join(f"{args.peak * k * total_ms / 1000:.1f} cores" for k in multiples) + " |")
    else:
        print("  ".join(header))
        for service, ms, cells in rows:
            print(f"{service:<11} {ms:8.3f}  " + "  ".join(f"{c:>22}" for c in cells))
    print(f"\nprediction on {args.cores:g} shared cores: capacity ≈ {args.cores:g} ÷ {total_ms / 1000:.6f} CPU s per request "
          f"= {args.cores / (total_ms / 1000):,.0f} req/s if every core were busy; the measured peak used "
          f"{args.peak * total_ms / 1000:.2f} of them")


if __name__ == "__main__":
    main()
