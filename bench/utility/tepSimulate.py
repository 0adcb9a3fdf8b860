#!/usr/bin/env python3
"""
Simulated Tennessee Eastman runs for bench/tepSimulatedFaults.ts, in the layout of the benchmark's files (52 columns:
XMEAS 1-41, XMV 1-11; a row every 3 min; 5 significant digits): a 25-hour normal training run (train.dat), a 48-hour
normal test run (n_te.dat) and a 48-hour run per disturbance IDV(1)-IDV(20) switched on after 8 hours (fNN.dat), each
with its own seed and recorded after WARM_UP hours of normal operation: from the simulator's initial state some tags
take hours to settle (XMEAS 10 from 0.28 to 0.34 over 6 hours), which the benchmark's files do not show. The simulator is the open Python port of the Downs & Vogel / Braatz code
(github.com/jkitchin/tennessee-eastman-profbraatz, BSD-3-Clause; its pure Python backend; needs numpy); the runs are
ours, not the benchmark's published files.
  python3 bench/utility/tepSimulate.py SIMULATOR_CHECKOUT OUT_DIR [IDV ...]
"""
import os
import sys

import numpy as np


WARM_UP = 12.0


def run(sim_cls, mode, idv, hours, seed, path):
    sim = sim_cls(random_seed=seed, control_mode=mode, backend="python")
    sim.initialize()
    sim.simulate(duration_hours=WARM_UP, record_interval=3600)
    onset = {idv: (WARM_UP + 8.0, 1)} if idv else None
    r = sim.simulate(duration_hours=hours, disturbances=onset, record_interval=180)
    # the first row recorded is the warm-up's last state: the run's rows are the ones after it
    rows = np.hstack([r.measurements, r.manipulated_vars[:, :11]])[1:]
    np.savetxt(path, rows, fmt="%.5g")
    print(f"{path}: {rows.shape[0]} rows{' (the plant shut down)' if r.shutdown else ''}", file=sys.stderr)


def main():
    checkout, out = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.join(checkout, "src"))
    from tep import TEPSimulator
    from tep.simulator import ControlMode

    os.makedirs(out, exist_ok=True)
    wanted = [int(x) for x in sys.argv[3:]] or list(range(21))
    for idv in wanted:
        if idv == 0:
            run(TEPSimulator, ControlMode.CLOSED_LOOP, 0, 25, 101, os.path.join(out, "train.dat"))
            run(TEPSimulator, ControlMode.CLOSED_LOOP, 0, 48, 202, os.path.join(out, "n_te.dat"))
        else:
            run(TEPSimulator, ControlMode.CLOSED_LOOP, idv, 48, 300 + idv, os.path.join(out, f"f{idv:02d}.dat"))


if __name__ == "__main__":
    main()
