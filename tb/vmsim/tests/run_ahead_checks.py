#!/usr/bin/env python3
"""run_ahead_checks.py CASE VMSIM SCRATCH: vm.cpu.run_ahead changes no result (tb/tests, label model).

A vCPU that runs past a quantum end when nothing else is due (models/cpu vcpu.h, run_ahead) only skips a
kernel time step: CASE's scenario run with it (the default) and without it must give the same results JSON,
figure for figure; only the scenario's record of the parameter itself differs. Deterministic.
"""
import json
import os
import subprocess
import sys

CASE, VMSIM, SCRATCH = sys.argv[1], sys.argv[2], sys.argv[3]

# Workloads whose vCPUs cross quantum ends in different ways: the legacy ISR's exits (a quantum end inside
# the handler), several vCPUs with IPIs and a shared guest lock, a polled block queue, several devices.
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
    "idle_64x32": ["--scenario", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios",
                                              "idle-64x32-micro.json"), "--requests", "200"],
}


def fail(msg):
    print(f"FAIL {CASE}: {msg}")
    sys.exit(1)


def run(name, extra):
    out = os.path.join(SCRATCH, name + ".json")
    r = subprocess.run([VMSIM, "--quiet", "--out", out] + CASES[CASE] + extra, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{name}: exit {r.returncode}: {r.stderr.strip()}")
    with open(out) as f:
        return json.load(f)


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
    ahead = run("run_ahead", [])
    synced = run("synced", ["--param", "vm.cpu.run_ahead=0"])
    if synced["scenario"].get("params") != {"vm.cpu.run_ahead": False}:
        fail(f"the parameter was not recorded: {synced['scenario'].get('params')}")
    synced["scenario"].pop("params")
    ahead["scenario"].pop("params", None)
    found = list(diffs(synced, ahead))
    for path, x, y in found[:20]:
        print(f"{path}: {x} (synchronised) -> {y} (run ahead)")
    if found:
        fail(f"{len(found)} figures differ")
    if not ahead["results"]:
        fail("no results")
    print(f"{CASE}: identical")


main()
