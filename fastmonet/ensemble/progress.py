"""A progress bar of members done / failed with rate and time left (tqdm), or nothing."""

from __future__ import annotations

import sys


class Progress:
    def __init__(self, total: int, desc: str, enabled: bool = True, initial_done: int = 0,
                 initial_failed: int = 0):
        self.done, self.failed = initial_done, initial_failed
        self.bar = None
        if enabled:
            from tqdm import tqdm
            self.bar = tqdm(total=total, initial=initial_done + initial_failed, desc=desc,
                            unit="member", file=sys.stderr, dynamic_ncols=True,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                                       "[{elapsed}<{remaining}, {rate_fmt}{postfix}]")
            self._postfix()

    def _postfix(self) -> None:
        self.bar.set_postfix_str(f"done {self.done}, failed {self.failed}", refresh=True)

    def update(self, ok: bool) -> None:
        if ok:
            self.done += 1
        else:
            self.failed += 1
        if self.bar is not None:
            self.bar.update(1)
            self._postfix()

    def write(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
