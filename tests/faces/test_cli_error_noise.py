"""A failing command prints one line on stderr, not also asyncio's "Task was destroyed" noise.

Seen with a garbage chunk in a coefficient store and with a full disk: zarr's other chunk
reads/writes, abandoned when one fails, are pending tasks on its event loop and asyncio logged
each as it was destroyed at exit (intermittently, 0-12 extra lines).  Here such a task is made
deterministically.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import asyncio, sys
    from zarr.core.sync import _get_loop
    from fastmonet.cli.main import main

    held = []

    async def stuck():           # pending until the interpreter exits, then destroyed
        held.append(asyncio.current_task())
        await asyncio.get_running_loop().create_future()

    asyncio.run_coroutine_threadsafe(stuck(), _get_loop())
    sys.exit(main(["solve", "--scenario-file", "no_such_file.toml"]))
""")


def test_failure_is_one_line_without_asyncio_noise(tmp_path):
    p = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 2
    assert p.stderr.splitlines() == [
        "fastmonet solve: error: no_such_file.toml: scenario file not found"]
