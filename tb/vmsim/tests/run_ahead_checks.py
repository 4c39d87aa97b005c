#!/usr/bin/env python3
"""run_ahead_checks.py CASE VMSIM SCRATCH: vm.cpu.run_ahead changes no result (tb/tests, label model).

A vCPU that runs past a quantum end when nothing else is due (models/cpu vcpu.h, run_ahead) only skips a
kernel time step: CASE's scenario run with it (the default) and without it must give the same results JSON,
figure for figure; only the scenario's records of the parameter and of the timeline's path differ. Each run also writes a
timeline, whose events are stamped with their caller's annotated time (the kernel's time plus the vCPU's
local offset): the two timelines must be the same file, byte for byte. Deterministic.
"""
import json
import os
import subprocess
import sys

CASE, VMSIM, SCRATCH = sys.argv[1], sys.argv[2], sys.argv[3]

# Workloads whose vCPUs cross quantum ends in different ways: the legacy ISR's exits (a quantum end inside
# the handler), several vCPUs with IPIs and a shared guest lock, a polled block queue, several devices (driven
# from one vCPU, and from two).
CASES = {
    "micro_legacy_wired": ["--scheme", "legacy-wired", "--requests", "400"],
    "micro_msi_v2_doorbell": ["--scheme", "msi-v2", "--notify", "doorbell", "--requests", "400"],
    "micro_small_quantum": ["--scheme", "legacy-wired", "--requests", "300", "--quantum-ns", "1000"],
    "rr_two_vcpus": ["--workload", "rr", "--scheme", "legacy-wired", "--vcpus", "2", "--duration-us", "3000"],
    "mq_rx_four_vcpus": ["--workload", "mq-rx", "--scheme", "msi-v2", "--vcpus", "4", "--queues", "2",
                         "--duration-us", "2000", "--rate-pps", "200000"],
    "blk_x86": ["--workload", "blk", "--profile", "x86-kvm", "--scheme", "multi-irq", "--queues", "2",
                "--queue-depth", "8", "--duration-us", "3000"],
    "mixed_shared_line": ["--scenario", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios",
                                                     "shared-line-mixed.json"), "--duration-us", "3000"],
    "mixed_two_vcpus": ["--scenario", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios",
                                                   "mixed-two-vcpus.json"), "--duration-us", "3000"],
    "idle_64x32": ["--scenario", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios",
                                              "idle-64x32-micro.json"), "--requests", "200"],
}


def fail(msg):
    print(f"FAIL {CASE}: {msg}")
    sys.exit(1)


def run(name, extra):
    out = os.path.join(SCRATCH, name + ".json")
    timeline = os.path.join(SCRATCH, name + ".timeline.json")
    r = subprocess.run([VMSIM, "--quiet", "--out", out, "--timeline", timeline] + CASES[CASE] + extra,
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{name}: exit {r.returncode}: {r.stderr.strip()}")
    with open(out) as f:
        results = json.load(f)
    with open(timeline, "rb") as f:
        return results, f.read()


def first_difference(a, b):
    """The line number and the two lines where two timeline files first differ."""
    la, lb = a.decode().splitlines(), b.decode().splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return i + 1, x, y
    return min(len(la), len(lb)) + 1, "(end)" if len(la) < len(lb) else "", "(end)" if len(lb) < len(la) else ""


def diffs(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from diffs(a.get(k), b.get(k), f"{path}.{k}") if k in a and k in b else [(f"{path}.{k}", a.get(k), b.get(k))]
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from diffs(x, y, f"{path}[{i}]")
    elif a != b:
        yield (path, a, b)


def main():
    if CASE not in CASES:
        fail(f"unknown case (known: {', '.join(CASES)})")
    os.makedirs(SCRATCH, exist_ok=True)
    ahead, ahead_timeline = run("run_ahead", [])
    synced, synced_timeline = run("synced", ["--param", "vm.cpu.run_ahead=0"])
    if synced["scenario"].get("params") != {"vm.cpu.run_ahead": False}:
        fail(f"the parameter was not recorded: {synced['scenario'].get('params')}")
    for r in (synced, ahead):  # the runs' own records: the parameter, and where each wrote its timeline
        r["scenario"].pop("params", None)
        r["scenario"].pop("timeline", None)
    found = list(diffs(synced, ahead))
    for path, x, y in found[:20]:
        print(f"{path}: {x} (synchronised) -> {y} (run ahead)")
    if found:
        fail(f"{len(found)} figures differ")
    if not ahead["results"]:
        fail("no results")
    if ahead_timeline != synced_timeline:
        line, x, y = first_difference(synced_timeline, ahead_timeline)
        fail(f"the timelines differ from line {line}:\n  synchronised: {x[:300]}\n  run ahead:    {y[:300]}")
    events = ahead_timeline.count(b'"ph":"')
    if events < 100:
        fail(f"the timeline has {events} events")
    print(f"{CASE}: identical results and timelines ({events} timeline records)")


main()
