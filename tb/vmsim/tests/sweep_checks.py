#!/usr/bin/env python3
"""sweep_checks.py CASE VMSIM SCRATCH: the sweep engine's and report's tests (tb/tests, label model).

Each case runs vmsim sweeps of a few short design points in SCRATCH and asserts what the sweep promises
(docs/scenarios.md, "A sweep"). Deterministic: nothing depends on timing or load.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys

CASE, VMSIM, SCRATCH = sys.argv[1], sys.argv[2], sys.argv[3]


def fail(msg):
    print(f"FAIL {CASE}: {msg}")
    sys.exit(1)


def vmsim(*args, rc=0, regex=None):
    p = subprocess.run([VMSIM, *args], capture_output=True, text=True)
    if rc is not None and p.returncode != rc:
        fail(f"vmsim {' '.join(args)}: exit {p.returncode}, {rc} expected\n{p.stdout}\n{p.stderr}")
    if regex is not None:
        import re
        if not re.search(regex, p.stdout + p.stderr):
            fail(f"vmsim {' '.join(args)}: output lacks /{regex}/\n{p.stdout}\n{p.stderr}")
    return p


def sweep_file(name, doc):
    path = os.path.join(SCRATCH, name)
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def load(path):
    with open(path) as f:
        return json.load(f)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def rows(out):
    with open(os.path.join(out, "results.csv"), newline="") as f:
        return list(csv.DictReader(f))


def same_report(a, b):
    svgs = sorted(f for f in os.listdir(a) if f.endswith(".svg"))
    for f in ["results.json", "results.csv", "report.md"] + svgs:
        if read(os.path.join(a, f)) != read(os.path.join(b, f)):
            fail(f"{f} differs between {a} and {b}")


def runs(manifest):
    return [r for p in manifest["points"] for r in p["runs"]]


MICRO4 = {"base": {"requests": 30}, "grid": {"scheme": ["legacy-wired", "msi-v2"], "notify": ["queue-notify", "doorbell"]}}
MICRO7 = {"base": {"requests": 30}, "grid": {"requests": [20, 21, 22, 23, 24, 25, 26]}}

shutil.rmtree(SCRATCH, ignore_errors=True)
os.makedirs(SCRATCH)

if CASE == "shards_cover_every_point_once_and_merge_to_the_direct_report":
    grid = sweep_file("s.json", MICRO7)
    n = 3
    dirs = [os.path.join(SCRATCH, f"shard{i}") for i in range(n)]
    for i, d in enumerate(dirs):
        p = vmsim("--sweep", grid, "--out-dir", d, "--shard", f"{i}/{n}")
        if os.path.exists(os.path.join(d, "report.md")):
            fail("a shard wrote a report")
    m = load(os.path.join(dirs[0], "manifest.json"))
    for k, r in enumerate(runs(m)):
        holders = [i for i, d in enumerate(dirs) if os.path.exists(os.path.join(d, r["result"]))]
        if holders != [k % n]:
            fail(f"run {k} ({r['result']}) is in shards {holders}, expected exactly [{k % n}]")
    vmsim("report", *dirs)
    direct = os.path.join(SCRATCH, "direct")
    vmsim("--sweep", grid, "--out-dir", direct, "--jobs", "2")
    same_report(dirs[0], direct)
    # A shard missing from the merge: the report names its points and exits 1.
    vmsim("report", dirs[0], dirs[1], rc=1, regex=r"point 'requests=22' missing")

elif CASE == "resume_skips_done_points_and_reruns_a_failed_one":
    grid = sweep_file("s.json", MICRO4)
    out = os.path.join(SCRATCH, "out")
    vmsim("--sweep", grid, "--out-dir", out)
    m = load(os.path.join(out, "manifest.json"))
    done, failed = runs(m)[0], runs(m)[1]
    # A marker in a done result survives a resumed sweep: it was not rerun.
    res = load(os.path.join(out, done["result"]))
    res["tool_version"] = "marker-of-the-first-run"
    with open(os.path.join(out, done["result"]), "w") as f:
        json.dump(res, f)
    # The second run failed last time: no result, its error recorded.
    os.remove(os.path.join(out, failed["result"]))
    stem = failed["result"][: -len(".result.json")]
    with open(os.path.join(out, stem + ".error.json"), "w") as f:
        json.dump({"hash": failed["hash"], "error": "exit code 1: an earlier failure"}, f)
    vmsim("report", out, rc=1, regex=r"FAILED or missing")
    if "an earlier failure" not in read(os.path.join(out, "report.md")).decode():
        fail("report.md does not give the failed point's error")
    p = vmsim("--sweep", grid, "--out-dir", out)
    if "3 already done, 1 to run" not in p.stderr:
        fail(f"the resumed sweep did not skip 3 and run 1: {p.stderr}")
    if load(os.path.join(out, done["result"]))["tool_version"] != "marker-of-the-first-run":
        fail("a done point was rerun")
    if not os.path.exists(os.path.join(out, failed["result"])) or os.path.exists(os.path.join(out, stem + ".error.json")):
        fail("the failed point was not rerun")
    # A stale result of another point at this point's path is never read: the point is run.
    other = runs(m)[2]
    shutil.copy(os.path.join(out, other["result"]), os.path.join(out, runs(m)[3]["result"]))
    p = vmsim("--sweep", grid, "--out-dir", out)
    if "3 already done, 1 to run" not in p.stderr:
        fail(f"a stale result was taken for the point's own: {p.stderr}")

elif CASE == "a_failing_point_is_reported_with_its_error":
    # The mq-rx point would run for hours: killed by the (generous) timeout; the micro point is done in well under it.
    grid = sweep_file("s.json", {"base": {"requests": 20, "rate_pps": 1e9, "duration_us": 1e7},
                                 "grid": {"workload": ["micro", "mq-rx"]}})
    out = os.path.join(SCRATCH, "out")
    vmsim("--sweep", grid, "--out-dir", out, "--point-timeout-s", "10", rc=1,
          regex=r"point 'workload=mq-rx' \(seed 1\) FAILED: killed after 10 s")
    r = load(os.path.join(out, "results.json"))
    st = [p["status"] for p in r["points"]]
    if st != ["ok", "failed"] or "killed after 10 s" not in r["points"][1]["error"]:
        fail(f"statuses {st}, error {r['points'][1].get('error')}")
    if "| workload=mq-rx | failed | killed after 10 s (--point-timeout-s) |" not in read(os.path.join(out, "report.md")).decode():
        fail("report.md does not list the failed point with its error")

elif CASE == "dry_run_point_files_run_anywhere_and_report_as_a_direct_run":
    grid = sweep_file("s.json", MICRO4)
    dry = os.path.join(SCRATCH, "dry")
    vmsim("--sweep", grid, "--out-dir", dry, "--dry-run")
    if os.listdir(os.path.join(dry, "points")) and any(f.endswith(".result.json") for f in os.listdir(os.path.join(dry, "points"))):
        fail("the dry run ran something")
    # Copied elsewhere, run by hand as the manifest says, merged.
    moved = os.path.join(SCRATCH, "moved")
    shutil.copytree(dry, moved)
    m = load(os.path.join(moved, "manifest.json"))
    for r in runs(m):
        subprocess.run([VMSIM, "--scenario", r["file"], "--profiles", "profiles.json", "--out", r["result"], "--quiet"],
                       cwd=moved, check=True)
    vmsim("report", moved)
    direct = os.path.join(SCRATCH, "direct")
    vmsim("--sweep", grid, "--out-dir", direct)
    same_report(moved, direct)

elif CASE == "merge_of_different_sweeps_is_refused":
    a, b = os.path.join(SCRATCH, "a"), os.path.join(SCRATCH, "b")
    vmsim("--sweep", sweep_file("a.json", MICRO4), "--out-dir", a, "--dry-run")
    other = json.loads(json.dumps(MICRO4))
    other["base"]["requests"] = 31
    vmsim("--sweep", sweep_file("b.json", other), "--out-dir", b, "--dry-run")
    vmsim("report", a, b, rc=2, regex=r"report: '.*b' holds a different sweep \([0-9a-f]{12}\) than '.*a' \([0-9a-f]{12}\): refused")

elif CASE == "edited_point_file_or_manifest_is_refused":
    d = os.path.join(SCRATCH, "d")
    vmsim("--sweep", sweep_file("a.json", MICRO4), "--out-dir", d, "--dry-run")
    m = load(os.path.join(d, "manifest.json"))
    f = os.path.join(d, runs(m)[1]["file"])
    point = load(f)
    point["requests"] = 999
    with open(f, "w") as o:
        json.dump(point, o)
    vmsim("report", d, rc=2, regex=r"point file '.*' of 'scheme=legacy-wired notify=doorbell' was edited: its content no longer matches its hash")
    m["replications"] = 2
    with open(os.path.join(d, "manifest.json"), "w") as o:
        json.dump(m, o)
    vmsim("report", d, rc=2, regex=r"manifest.json' was edited: its content no longer matches the sweep hash")
    vmsim("report", os.path.join(SCRATCH, "nowhere"), rc=2, regex=r"report: '.*nowhere' is not a directory")
    vmsim("report", SCRATCH, rc=2, regex=r"holds no manifest.json \(not a sweep's output directory\)")

elif CASE == "exclusions_skip_points_and_name_bad_combinations":
    grid = {"base": {"workload": "mq-rx", "duration_us": 300, "rate_pps": 50000},
            "grid": {"vcpus": [1, 2], "queues": [1, 2]}}
    vmsim("--sweep", sweep_file("bad.json", grid), "--out-dir", os.path.join(SCRATCH, "bad"), "--dry-run", rc=2,
          regex=r"sweep point 'vcpus=1 queues=2': scenario\.queues.*an \"exclude\" entry in the sweep file skips a combination")
    grid["exclude"] = [{"vcpus": 1, "queues": 2}]
    out = os.path.join(SCRATCH, "ok")
    vmsim("--sweep", sweep_file("ok.json", grid), "--out-dir", out, "--dry-run")
    names = [p["name"] for p in load(os.path.join(out, "manifest.json"))["points"]]
    if names != ["vcpus=1 queues=1", "vcpus=2 queues=1", "vcpus=2 queues=2"]:
        fail(f"points {names}")
    grid["exclude"] = [{"colour": "red"}]
    vmsim("--sweep", sweep_file("unknown.json", grid), "--out-dir", out, "--dry-run", rc=2,
          regex=r"sweep.exclude\[0\]: 'colour' is not a grid key \(grid keys: vcpus, queues\)")
    grid["exclude"] = [{"vcpus": 3}]
    vmsim("--sweep", sweep_file("value.json", grid), "--out-dir", out, "--dry-run", rc=2,
          regex=r"sweep.exclude\[0\].vcpus: 3 is not a value of the grid's vcpus axis")

elif CASE == "user_sweep_has_a_column_per_key_unique_names_and_the_right_baseline":
    grid = {"base": {"workload": "mq-rx", "vcpus": 4, "profile": "arm64-kvm", "duration_us": 400},
            "grid": {"queues": [1, 2, 4], "scheme": ["legacy-wired", "msi-v2", "multi-irq"],
                     "notify": ["queue-notify", "doorbell"], "rate_pps": [100000, 400000]}}
    out = os.path.join(SCRATCH, "out")
    vmsim("--sweep", sweep_file("user.json", grid), "--out-dir", out, "--jobs", "2")
    rs = rows(out)
    if len(rs) != 36 or len({r["name"] for r in rs}) != 36:
        fail(f"{len(rs)} rows, {len({r['name'] for r in rs})} names")
    for k in ("queues", "scheme", "notify", "rate_pps"):
        if k not in rs[0]:
            fail(f"no column {k}: {list(rs[0])}")
    by = {(r["queues"], r["scheme"], r["notify"], r["rate_pps"]): r for r in rs}
    row = by[("2", "msi-v2", "doorbell", "400000")]
    base = by[("2", "legacy-wired", "doorbell", "400000")]
    if row["baseline"] != base["name"]:
        fail(f"baseline of {row['name']} is {row['baseline']}, expected {base['name']}")
    expected = 100 * (float(row["value"]) / float(base["value"]) - 1)
    if abs(float(row["saving_pct"]) - expected) > 1e-9 * max(1, abs(expected)):
        fail(f"saving {row['saving_pct']}, expected {expected}")
    if by[("4", "legacy-wired", "queue-notify", "100000")]["saving_pct"] != "0":
        fail("the baseline's own saving is not 0")
    md = read(os.path.join(out, "report.md")).decode()
    if "| queues | scheme | notify | rate_pps |" not in md or "| 2 | msi-v2 | doorbell | 400000 |" not in md:
        fail("report.md lacks the varied keys' columns")
    # One wired line puts every queue's work on one vCPU: the report says which share that vCPU carried.
    if "busiest vCPU |" not in md:
        fail("report.md lacks the busiest vCPU's utilisation")
    for r in rs:
        if not 0 < float(r["busiest_vcpu_utilisation"]) <= 1:
            fail(f"{r['name']}: busiest vCPU utilisation {r['busiest_vcpu_utilisation']}")

elif CASE == "csv_with_a_comma_and_a_quote_in_a_name_parses_back":
    name = 'my "fast", sweep'
    out = os.path.join(SCRATCH, "out")
    vmsim("--sweep", sweep_file("c.json", {"base": {"name": name, "requests": 20}, "grid": {"scheme": ["legacy-wired", "msi-v2"]}}),
          "--out-dir", out)
    rs = rows(out)
    if [r["name"] for r in rs] != [f"{name} scheme=legacy-wired", f"{name} scheme=msi-v2"]:
        fail(f"names {[r['name'] for r in rs]}")
    header = read(os.path.join(out, "results.csv")).decode().split("\r\n")[0].split(",")
    if any(len(r) != len(header) for r in csv.reader(io.StringIO(read(os.path.join(out, "results.csv")).decode()))):
        fail("a row has another number of fields than the header")

elif CASE == "replications_give_a_confidence_interval":
    out = os.path.join(SCRATCH, "out")
    vmsim("--sweep", sweep_file("r.json", {"base": {"workload": "rr", "duration_us": 3000, "seed": 7}, "grid": {"scheme": ["msi-v2"]}}),
          "--out-dir", out, "--replications", "3")
    p = load(os.path.join(out, "results.json"))["points"][0]
    seeds = [r["scenario"]["seed"] for r in p["runs"]]
    if len(set(seeds)) != 3 or seeds[0] != 7:
        fail(f"seeds {seeds}")
    for fig in ("value", "throughput", "p50_ns", "p99_ns"):
        s = p["summary"]["figures"][fig]
        if not s["ci95_low"] <= s["mean"] <= s["ci95_high"]:
            fail(f"{fig}: {s}")
    s = p["summary"]["figures"]["value"]
    if not s["ci95_high"] - s["ci95_low"] > 0:
        fail(f"a zero-width interval over three seeds: {s}")
    r = rows(out)[0]
    if not (float(r["value_ci95_low"]) < float(r["value"]) < float(r["value_ci95_high"])):
        fail(f"CSV interval {r}")
    if " ± " not in read(os.path.join(out, "report.md")).decode():
        fail("report.md gives no interval")

elif CASE == "quiet_silences_a_sweep_and_a_pipe_gets_no_progress_line":
    grid = sweep_file("q.json", {"base": {"requests": 20}, "grid": {"scheme": ["msi-v2"]}})
    p = vmsim("--sweep", grid, "--out-dir", os.path.join(SCRATCH, "q"), "--quiet")
    if p.stdout or p.stderr:
        fail(f"--quiet printed: {p.stdout!r} {p.stderr!r}")
    p = vmsim("--sweep", grid, "--out-dir", os.path.join(SCRATCH, "n"))
    if "\r" in p.stderr or not p.stdout:
        fail(f"a pipe got a progress line or no summary: {p.stderr!r}")

else:
    fail("unknown case")
print(f"{CASE}: ok")
