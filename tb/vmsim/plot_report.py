#!/usr/bin/env python3
"""Draws the sweep report's SVG plots from results.json (python3-matplotlib, Debian).

Per workload: the figure of merit and the hypervisor time per operation by exit cause, one panel (facet) per
combination of the varied keys other than the x axis (the scheme when it varies), values written on the bars,
the 95% interval as an error bar when points were replicated. Points of a panel with identical results share
one bar ("a = b"). The SVGs are deterministic (fixed hash salt, no date): a report merged from shards is the
same file as one run in one go.
"""
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "vmsim"
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

# Axis titles in words, with units.
WORDS = {
    "scheme": "interrupt scheme",
    "notify": "notification",
    "notify_path": "kick path",
    "profile": "cost profile",
    "workload": "workload",
    "queues": "queues (pairs)",
    "vcpus": "vCPUs",
    "rate_pps": "offered rate per queue (packets/s)",
    "queue_depth": "queue depth (requests)",
    "requests": "round trips",
    "duration_us": "simulated time (us)",
    "quantum_ns": "vCPU quantum (ns)",
    "transport_version": "transport version",
    "seed": "seed",
}


def text(v):
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return v if isinstance(v, str) else json.dumps(v)


def short(v):
    """A bar's value label: three significant digits with k/M."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.3g}M"
    if a >= 1e3:
        return f"{v / 1e3:.3g}k"
    if a >= 100:
        return f"{v:.0f}"
    return f"{v:.3g}"


def facet_title(keys, vary):
    """One line per key: a panel's title never runs into its neighbour's."""
    return "\n".join(f"{k}={text(vary[k])}" for k in keys)


def merged_bars(points, x_key, causes):
    """The panel's bars: points whose figures are all equal are one bar labelled 'a = b'."""
    bars = []
    for p in points:
        figs = p["summary"]["figures"]
        key = json.dumps({k: v for k, v in figs.items()}, sort_keys=True)
        label = text(p["vary"][x_key]) if x_key else p["name"]
        for b in bars:
            if b["key"] == key:
                b["labels"].append(label)
                break
        else:
            bars.append({"key": key, "labels": [label], "figs": figs})
    return bars


def draw(out_dir, workload, points, varied, kind, causes):
    label = points[0]["summary"]["metric_label"]
    keys = [k for k in varied if k != "workload" and len({json.dumps(p["vary"][k]) for p in points}) > 1]
    x_key = "scheme" if "scheme" in keys else (keys[0] if keys else None)
    facet_keys = [k for k in keys if k != x_key]
    facets = {}
    for p in points:
        facets.setdefault(facet_title(facet_keys, p["vary"]), []).append(p)
    n = len(facets)
    ncols = min(4, n)
    nrows = math.ceil(n / ncols)
    panels = [merged_bars(ps, x_key, causes) for ps in facets.values()]
    most = max(len(b) for b in panels)
    rotate = most > 3
    longest = max(len(line) for b in panels for bar in b for line in bar["labels"])
    # Room for each bar's label: upright labels need their length, slanted ones less.
    width = max(3.2, most * max(0.55, (0.035 if rotate else 0.075) * longest) + 1.4)
    height = 3.4 + 0.15 * len(facet_keys)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows + 0.6), sharey=True, squeeze=False)
    joined = False
    for ax, (title, ps) in zip([a for row in axes for a in row], facets.items()):
        bars = merged_bars(ps, x_key, causes)
        joined = joined or any(len(b["labels"]) > 1 for b in bars)
        names = ["\n= ".join(b["labels"]) for b in bars]  # identical points: one label per line
        xs = range(len(bars))
        if kind == "metric":
            vals = [b["figs"]["value"]["mean"] for b in bars]
            err = None
            if all("ci95_high" in b["figs"]["value"] for b in bars):
                err = [[v - b["figs"]["value"]["ci95_low"] for v, b in zip(vals, bars)],
                       [b["figs"]["value"]["ci95_high"] - v for v, b in zip(vals, bars)]]
            cont = ax.bar(xs, vals, color="tab:blue", yerr=err, capsize=3 if err else 0)
            ax.bar_label(cont, labels=[short(v) for v in vals], fontsize=7, padding=2)
        else:
            bottom = [0.0] * len(bars)
            for c in causes:
                vals = [b["figs"].get(f"{c}_ns_per_op", {"mean": 0})["mean"] for b in bars]
                if any(vals):
                    ax.bar(xs, vals, bottom=bottom, label=c)
                    bottom = [a + v for a, v in zip(bottom, vals)]
            for x, total in zip(xs, bottom):
                ax.annotate(short(total), (x, total), ha="center", va="bottom", fontsize=7, xytext=(0, 2),
                            textcoords="offset points")
        ax.set_xticks(list(xs))
        ax.set_xticklabels(names, rotation=30 if rotate else 0, ha="right" if rotate else "center", fontsize=7)
        ax.set_xlabel(WORDS.get(x_key, x_key) if x_key else "design point", fontsize=8)
        if title:
            ax.set_title(title, fontsize=8)
        ax.margins(y=0.15)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: short(v) if v else "0"))
    for ax in [a for row in axes for a in row][n:]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel(label if kind == "metric" else "hypervisor time per operation (ns)", fontsize=8)
    if kind == "exits":
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, fontsize=7, loc="center right", title="exit cause", title_fontsize=7)
    what = label if kind == "metric" else "hypervisor time per operation by exit cause"
    fig.suptitle(f"{workload}: {what}", fontsize=10)
    note = "Bars labelled 'a = b': points with identical results, drawn once." if joined else ""
    if any("ci95_high" in p["summary"]["figures"]["value"] for p in points) and kind == "metric":
        note += (" " if note else "") + "Error bars: 95% confidence interval of the mean over the runs."
    if note:
        fig.text(0.01, 0.005, note, fontsize=7, ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 0.88 if kind == "exits" else 1, 0.95))
    fig.savefig(f"{out_dir}/{workload}-{kind}.svg", metadata={"Date": None})
    plt.close(fig)


def main(out_dir):
    with open(f"{out_dir}/results.json") as f:
        sweep = json.load(f)
    varied = [v["key"] for v in sweep["varied"]]
    ok = [p for p in sweep["points"] if p["status"] == "ok"]
    # The exit causes, in the hypervisor's order, as the summaries name them.
    causes = []
    if ok:
        causes = [k[: -len("_ns_per_op")] for k in ok[0]["summary"]["figures"]
                  if k.endswith("_ns_per_op") and k != "exit_ns_per_op"]
    workloads = []
    for p in ok:
        if p["summary"]["workload"] not in workloads:
            workloads.append(p["summary"]["workload"])
    for w in workloads:
        points = [p for p in ok if p["summary"]["workload"] == w]
        draw(out_dir, w, points, varied, "metric", causes)
        draw(out_dir, w, points, varied, "exits", causes)


if __name__ == "__main__":
    main(sys.argv[1])
