"""Plots a load run's timeline (emporium-bench load --timeline) to a PNG: latency (p50, p99,
max of 2xx answers, from each request's intended send time) above, throughput (offered,
served, errors per second, and sign-ins of arriving shoppers) below; the warm-up shaded,
each phase of a multi-phase run (a spike) marked and named.

Usage: plot.py TIMELINE.json OUT.png [TITLE]
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")  # no display: a file only
import matplotlib.pyplot as plt  # noqa: E402


def main() -> None:
    timeline_path, out_path = sys.argv[1], sys.argv[2]
    title = sys.argv[3] if len(sys.argv) > 3 else "Emporium load"
    with open(timeline_path, encoding="utf-8") as f:
        timeline = json.load(f)
    points = timeline["points"]
    phases = timeline.get("phases", [])
    t = [p["second"] for p in points]

    fig, (lat, thr) = plt.subplots(2, 1, sharex=True, figsize=(10, 6.5), height_ratios=[3, 2])
    measured = [p for p in phases if p["name"] != "warm-up"]
    if len(measured) > 1:
        shape = ", ".join(f"{p['name']} {p['rate']:g}/s × {p['seconds']} s" for p in measured)
        fig.suptitle(f"{title}: {shape}")
    else:
        fig.suptitle(f"{title}: {timeline['rate']:g} req/s offered, {timeline['seconds']} s after a {timeline['warmupSeconds']} s warm-up")
    for name, key, style in (("max", "maxMs", ":"), ("p99", "p99Ms", "-"), ("p50", "p50Ms", "-")):
        # A second with no 2xx answer has no latency (the key is absent): a gap, not a zero.
        lat.plot(t, [p.get(key, float("nan")) for p in points], style, label=name, linewidth=1.4)
    lat.set_yscale("log")
    lat.set_ylabel("latency, ms (log)")
    lat.legend(loc="upper right")
    lat.grid(True, which="both", alpha=0.3)

    thr.plot(t, [p["offered"] for p in points], "--", color="grey", label="offered")
    thr.plot(t, [p["ok"] for p in points], color="tab:green", label="served (2xx)")
    thr.bar(t, [p["errors"] for p in points], color="tab:red", label="errors", width=0.9)
    if any(p.get("signIns", 0) or p.get("signInErrors", 0) for p in points):
        thr.bar(t, [p.get("signIns", 0) for p in points], color="tab:purple", alpha=0.6, label="arriving shoppers signed in", width=0.9)
    thr.set_ylabel("requests / s")
    thr.set_xlabel("seconds since the load started")
    thr.set_ylim(bottom=0)
    thr.legend(loc="lower right", fontsize="small")
    thr.grid(True, alpha=0.3)

    end = timeline["warmupSeconds"] + timeline["seconds"]
    for axis in (lat, thr):
        if timeline["warmupSeconds"] > 0:
            axis.axvspan(0, timeline["warmupSeconds"], color="grey", alpha=0.12)
        if len(measured) > 1:
            for phase in measured[1:]:
                axis.axvline(phase["start"], color="tab:blue", linestyle="--", linewidth=0.8)
        # Past this line nothing new is sent: the last answers come in (within the timeout).
        axis.axvline(end, color="grey", linestyle=":", linewidth=1)
    if len(measured) > 1:
        for phase in measured:
            lat.annotate(phase["name"], (phase["start"] + phase["seconds"] / 2, 1.0), xycoords=("data", "axes fraction"),
                         ha="center", va="bottom", fontsize="small", color="tab:blue")
    fig.tight_layout()
    fig.savefig(out_path, dpi=110)


if __name__ == "__main__":
    main()
