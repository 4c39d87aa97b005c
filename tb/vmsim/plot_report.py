#!/usr/bin/env python3
"""Draws the sweep report's SVG plots from results.csv (python3-matplotlib, Debian)."""
import csv
import sys
from collections import defaultdict

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# The exit causes come from the results themselves (the hypervisor's list, in its order).
CAUSES = []


def main(out_dir):
    rows = list(csv.DictReader(open(f"{out_dir}/results.csv")))
    if rows:
        CAUSES[:] = [k[: -len("_ns_per_op")] for k in rows[0] if k.endswith("_ns_per_op") and k != "exit_ns_per_op" and k[: -len("_ns_per_op")] + "_per_op" in rows[0]]
    groups = defaultdict(list)
    for r in rows:
        groups[(r["workload"], r["profile"])].append(r)
    for (workload, profile), runs in groups.items():
        labels = [f'{r["scheme"]}\n{r["notify"]}' if r["notify"] != "queue-notify" else r["scheme"] for r in runs]
        # Exit time per operation, stacked by cause: where the time of each scheme goes.
        fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(runs)), 4))
        bottom = [0.0] * len(runs)
        for cause in CAUSES:
            vals = [float(r[f"{cause}_ns_per_op"]) for r in runs]
            if any(vals):
                ax.bar(labels, vals, bottom=bottom, label=cause)
                bottom = [b + v for b, v in zip(bottom, vals)]
        ax.set_ylabel("hypervisor time per operation (ns)")
        ax.set_title(f"{workload} on {profile}: exit time by cause")
        ax.legend(fontsize=7)
        plt.xticks(fontsize=7)
        fig.tight_layout()
        fig.savefig(f"{out_dir}/{workload}-{profile}-breakdown.svg")
        plt.close(fig)
        fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(runs)), 4))
        ax.bar(labels, [float(r["value"]) for r in runs], color="tab:blue")
        ax.set_ylabel(runs[0]["metric"])
        ax.set_title(f"{workload} on {profile}")
        plt.xticks(fontsize=7)
        fig.tight_layout()
        fig.savefig(f"{out_dir}/{workload}-{profile}-metric.svg")
        plt.close(fig)


if __name__ == "__main__":
    main(sys.argv[1])
