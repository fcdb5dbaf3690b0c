"""PHOLD in idiomatic SimPy 3: the peer for bench/phold.ts (CONTRACT section 6).

Each of the N*M initial events is a process that loops forever: wait exponential(1) + 0.1
lookahead, then pick a uniformly random target LP. One loop iteration = one PHOLD event.
Prints one JSON line: {"simpy": version, "n": N, "setup_s": s, "events_per_s": best wall-clock rate,
"events_per_cpu_s": best rate per CPU-second, "runs": [...]}.
Run with Debian's interpreter: /usr/bin/python3 bench/phold_simpy.py --n 1000
"""

import argparse
import json
import random
import sys
import time

try:
    import simpy
except ImportError:
    print(json.dumps({"error": "simpy not installed (apt-get install python3-simpy3)"}))
    sys.exit(3)

LOOKAHEAD = 0.1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000, help="logical processes")
    ap.add_argument("--m", type=int, default=10, help="initial events per LP")
    ap.add_argument("--events", type=int, default=1_000_000, help="events per timed run")
    ap.add_argument("--warmup", type=int, default=200_000, help="events before timing")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    rnd = random.Random(a.seed)
    expo = rnd.expovariate
    randrange = rnd.randrange
    n = a.n
    env = simpy.Environment()
    counter = [0]

    def chain(env, lp):
        while True:
            yield env.timeout(expo(1.0) + LOOKAHEAD)
            lp = randrange(n)  # target LP; a stateless LP just forwards the event
            counter[0] += 1

    t0 = time.perf_counter()
    for lp in range(n):
        for _ in range(a.m):
            env.process(chain(env, lp))
    setup_s = time.perf_counter() - t0

    # Pending events stay N*M, each with mean delay 1.1, so the event rate in simulated time is N*M/1.1.
    per_sim_second = n * a.m / (1.0 + LOOKAHEAD)
    env.run(until=a.warmup / per_sim_second)  # also starts all N*M processes
    runs = []
    cpu_runs = []
    for _ in range(a.repeats):
        start = counter[0]
        t = time.perf_counter()
        c = time.process_time()
        env.run(until=env.now + a.events / per_sim_second)
        cpu = time.process_time() - c
        wall = time.perf_counter() - t
        runs.append((counter[0] - start) / wall)
        cpu_runs.append((counter[0] - start) / cpu)
    print(
        json.dumps(
            {
                "simpy": simpy.__version__,
                "n": n,
                "setup_s": setup_s,
                "events_per_s": max(runs),
                "events_per_cpu_s": max(cpu_runs),
                "runs": runs,
            }
        )
    )


if __name__ == "__main__":
    main()
