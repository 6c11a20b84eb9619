"""The workflows that solve many times, on one executor and one scheduler.

- `executor`: where tasks run (this process, forked local processes, a dask cluster);
- `plan` / `scheduler`: which solves, in what order, what each feeds the next, and what happens
  when one fails;
- `scenario_set`: scenarios with their ISOLATION bases and burden pre-solves;
- `linkage`: pairwise links of regions and the greedy join order;
- `oat`: the one-at-a-time sweep over the uncertainty ranges.

The ensemble (`fastmonet.ensemble`) runs its member blocks on the same executors and solves each
member's scenarios through `scenario_set`.  Nothing in the model layer imports this package.
"""
