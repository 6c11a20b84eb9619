"""The report of a run: summary table, a paragraph per scenario, the paper's figures, provenance.

- `table`: the per-scenario headline table (terminal, HTML and Markdown) and its notes in words
- `narrative`: one paragraph per scenario generated from its numbers
- `figures`: one function per figure (matplotlib, Agg backend), each returning a `Figure`
- `provenance`: version, input hashes, solver, time
- `html` / `markdown`: the writers (`report.html` self-contained; `report.md` + PNGs beside it)
- `build`: `write_report(folder, ...)` ties them together
- `ensemble_analysis`: an ensemble report's PAWN tables and PRIM boxes (`analysis.md`,
  `sensitivity.csv`, `prim_boxes.csv` of `fastmonet ensemble report`)
"""
