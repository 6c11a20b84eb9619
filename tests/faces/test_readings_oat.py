"""docs/scripts/readings.py --oat: the one-at-a-time table of docs/readings.md (issue 21)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "scripts" / "readings.py"


def _readings():
    spec = importlib.util.spec_from_file_location("readings", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_oat_table_lists_every_input_past_five_percent_with_its_end_statuses(tmp_path):
    """Every input scoring 0.05 or more is listed (not a fixed top 10), ranked, with the status
    of its ends read from data/uncertainty.toml; inputs below the threshold are left out."""
    rows = ["parameter,end,value,cnc,shortfall,ar,beccs,daccs,seconds,d_cnc,d_shortfall",
            "central,central,,100.0,0.0,1,1,1,1,0.0,0.0",
            "storage_case,low,low,130.0,0.0,1,1,1,1,30.0,0.0",
            "storage_case,high,high,80.0,0.0,1,1,1,1,-20.0,0.0",
            "transport_costs,low,0.453,94.0,0.0,1,1,1,1,-6.0,0.0",
            "gas_price,low,0.8,97.0,0.0,1,1,1,1,-3.0,0.0",
            "gas_price,high,1.2,103.0,0.0,1,1,1,1,3.0,0.0"]
    csv = tmp_path / "oat.csv"
    csv.write_text("\n".join(rows) + "\n")
    md = _readings().oat_markdown(str(csv))
    table = [line for line in md.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert [line.split(" | ")[1] for line in table] == ["storage_case", "transport_costs"]
    assert table[0].endswith("| 0.300 | sourced / sourced |")
    assert table[1].endswith("| 0.060 | derived / derived |")
    assert "the 2 of 3 inputs scoring 0.05 or more" in md
