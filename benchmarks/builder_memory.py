"""Process memory of the three LP builders of compare.py, each in its own process.

    python benchmarks/builder_memory.py            # one JSON line per builder

After loading the bundled coefficients, the full COOPERATION model is built and handed to HiGHS
by fastmonet, highspy's row API and linopy; printed: peak RSS before and after (`ru_maxrss`)
and the CPU time of build + hand-over.  The coefficient stage's own high-water mark hides what a
builder needs below it, so the difference is a lower bound.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = r'''
import gc, json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from fastmonet.api import load_coefficients
from fastmonet import scenarios
from benchmarks import compare
co = load_coefficients(); sc = scenarios.make("cooperation")
gc.collect()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
which = sys.argv[1]
c = time.process_time()
if which == "fastmonet":
    m = compare.build_fastmonet(co, sc); h = compare.pass_fastmonet(m)
elif which == "linopy":
    m = compare.build_linopy(co, sc); h = compare.pass_linopy(m)
else:
    h = compare.build_highspy_rows(co, sc)
cpu = time.process_time() - c
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"builder": which, "rss_before_mib": round(base), "rss_peak_mib": round(peak),
                  "peak_above_coefficients_mib": round(peak - base),
                  "build_and_pass_cpu_s": round(cpu, 2)}))
'''


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--builders", default="fastmonet,highspy,linopy")
    args = ap.parse_args(argv)
    for w in args.builders.split(","):
        out = subprocess.run([sys.executable, "-c", CHILD, w, str(ROOT)], capture_output=True,
                             text=True)
        if out.returncode:
            sys.stderr.write(out.stderr)
            return out.returncode
        print(out.stdout.strip().splitlines()[-1], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
