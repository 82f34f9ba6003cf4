"""Does the sign-in's answer time tell which account names exist?

Run from the project root: `nice -n 10 .venv/bin/python benchmarks/login_timing.py [ROUNDS]`.
Creates one account at the default scrypt cost in a temporary database, then alternates a
wrong password for the known name with one for an unknown name, ROUNDS times each (lockouts
raised out of the way), and prints the median, min and max seconds of each and their ratio.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from turnstile.admin.accounts import Accounts, AuthError, Role
from turnstile.admin.audit import AuditLog
from turnstile.admin.roles import SystemUser
from turnstile.config import AdminConfig
from turnstile.store import database as storage


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        conn = storage.connect(Path(folder) / "timing.db")
        config = AdminConfig(max_failed_logins=100, global_failed_logins=10_000)
        accounts = Accounts(conn, config, AuditLog(conn, datetime.now), datetime.now)
        accounts.create("alice", "correct horse battery", Role.ADMINISTRATOR,
                        by=SystemUser("cli:benchmark"))
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for index in range(rounds):
            for kind, name in (("known", "alice"), ("unknown", f"nobody{index}")):
                start = time.perf_counter()
                with contextlib.suppress(AuthError):
                    accounts.login(name, "a wrong guess")
                times[kind].append(time.perf_counter() - start)
        conn.close()
    for kind, values in times.items():
        print(f"{kind:8} median {statistics.median(values):.3f} s  min {min(values):.3f}  "
              f"max {max(values):.3f}")
    ratio = statistics.median(times["unknown"]) / statistics.median(times["known"])
    print(f"unknown / known median: {ratio:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
