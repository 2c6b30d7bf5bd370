"""The "planner warm index" and "planner serve" rows of the benchmark's one-proposal workload (f).

    warm_serve.rows(planner, label, scenario, one, mine, k, row, agree, data_dir)

- warm index: the zone index file is built once (`validate --index FILE`, not timed), then k fresh
  processes answer `one` from it (`validate SCENARIO ONE --json --index FILE`): medians of k
  whole-process wall times, the (route, zone) pairs of the last compared with `mine`;
- serve: one `planner serve SCENARIO --index FILE` process is started and asked `one` (its
  FeatureCollection on one line) k + 1 times: the first answer is not timed (it waits for the
  start), the median of the next k round trips (line written, answer line read) is the row's.

`row` and `agree` are the benchmark's own (tools/bench/run); the pairs are read as planner_pairs
reads them: every reason of kind zone whose severity is approval or forbidden.  tools/bench/run's
warm_serve_rows(planner, label, scenario, one, mine, k) calls
rows(planner, label, scenario, one, mine, k, row, agree, DATA).
"""
import json
import os
import statistics
import subprocess
import time

CONFLICT = ("approval", "forbidden")


def pairs_of(doc):
    """the (proposal id, zone id) pairs in conflict of one validate --json document"""
    return {(x["id"], c["ref"]) for x in doc["results"] for c in x["reasons"]
            if c.get("kind") == "zone" and c.get("severity") in CONFLICT}


def rows(planner, label, scenario, one, mine, k, row, agree, data_dir):
    index = os.path.join(data_dir, "warm-%s.zindex" % "".join(c if c.isalnum() else "-" for c in label))
    t = time.monotonic()
    subprocess.run([planner, "validate", scenario, one, "--index", index], capture_output=True, check=False)
    build = time.monotonic() - t
    ts, got = [], set()
    for _ in range(k):
        t = time.monotonic()
        r = subprocess.run([planner, "validate", scenario, one, "--json", "--index", index], capture_output=True,
                           text=True, check=False)
        ts.append(time.monotonic() - t)
        got = pairs_of(json.loads(r.stdout))
    loaded = "zone index %s: loaded" % index
    r = subprocess.run([planner, "validate", scenario, one, "--json", "--index", index, "--timing"],
                       capture_output=True, text=True, check=False)
    note = "medians of %d whole-process wall times; the index built once before (%.1f s)%s" % (
        k, build, "" if loaded in r.stderr else "; NOT loaded from the index: " + r.stderr.strip()[:200])
    row("(f) one proposal, %s: planner warm index" % label, "%.1f ms (fresh process)" % (1000 * statistics.median(ts)),
        "-", "-", "-", "-", agree(mine, got), note)

    with open(one) as f:
        line = json.dumps(json.load(f)) + "\n"
    p = subprocess.Popen([planner, "serve", scenario, "--index", index], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ts, got = [], set()
    try:
        for i in range(k + 1):
            t = time.monotonic()
            p.stdin.write(line)
            p.stdin.flush()
            answer = p.stdout.readline()
            if i:
                ts.append(time.monotonic() - t)
            got = pairs_of(json.loads(answer)) if answer.startswith('{"scenario"') else {("error", answer[:80])}
    finally:
        p.stdin.close()
        p.wait()
    took = "%.2f ms (a line, running serve)" % (1000 * statistics.median(ts))
    row("(f) one proposal, %s: planner serve" % label, took, "-", "-", "-", "-", agree(mine, got),
        "median of %d round trips (line written, answer read)" % k)
