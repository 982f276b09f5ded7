"""The hold model on SimPy, for bench/scheduler.ts.

N processes; each waits an exponential delay, then waits again, forever.
The delays are not drawn here: bench/scheduler.ts writes its delay table
(int32, little-endian) to stdin, and every process takes the next entry in
the order the events run, exactly as the TypeScript implementations do. So
all of them run the same schedule, and the simulated time after the same
number of events must agree.

Each process start is one SimPy event (at time 0, before any hold), so the
script steps N times before the warm-up; after that, one step is one hold.

Works with SimPy 3/4 (`import simpy`) and with SimPy 2 (`SimPy.Simulation`,
what Debian's python3-simpy ships).

usage: hold_simpy.py PROCESSES WARM_EVENTS EVENTS REPEATS < delays.bin
prints one JSON object: {"simpy": version, "python": version, "runs": [...]}
"""

import itertools
import json
import sys
import time
from array import array


def load_delays():
    delays = array("i")
    delays.frombytes(sys.stdin.buffer.read())
    if sys.byteorder == "big":
        delays.byteswap()
    return delays


def make_simpy3(delays, processes):
    import simpy

    env = simpy.Environment()
    draw = itertools.cycle(delays).__next__
    timeout = env.timeout

    def holder():
        while True:
            yield timeout(draw())

    for _ in range(processes):
        env.process(holder())
    return simpy.__version__, env.step, lambda: env.now


def make_simpy2(delays, processes):
    import SimPy
    from SimPy.Simulation import Process, Simulation, hold

    sim = Simulation()
    draw = itertools.cycle(delays).__next__

    class Holder(Process):
        def run(self):
            while True:
                yield hold, self, draw()

    for _ in range(processes):
        holder = Holder(sim=sim)
        sim.activate(holder, holder.run())
    return SimPy.__version__, sim.step, sim.now


def make_simulation(delays, processes):
    try:
        return make_simpy3(delays, processes)
    except ImportError:
        return make_simpy2(delays, processes)


def run_once(delays, processes, warm_events, events):
    setup_start = time.perf_counter()
    version, step, now = make_simulation(delays, processes)
    for _ in range(processes + warm_events):
        step()
    setup_seconds = time.perf_counter() - setup_start
    start = time.perf_counter()
    for _ in range(events):
        step()
    seconds = time.perf_counter() - start
    return version, {"seconds": seconds, "events": events, "now": now(), "setupSeconds": setup_seconds}


def main():
    processes, warm_events, events, repeats = (int(a) for a in sys.argv[1:5])
    delays = load_delays()
    runs = []
    version = None
    for _ in range(repeats):
        version, run = run_once(delays, processes, warm_events, events)
        runs.append(run)
    print(json.dumps({"simpy": version, "python": sys.version.split()[0], "runs": runs}))


if __name__ == "__main__":
    main()
