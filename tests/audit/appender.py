"""Child process for the crash test: appends batches forever, printing each acknowledged sequence number."""

from __future__ import annotations

import sys

from shuan.audit.events import Event
from shuan.identity.principal import Principal
from shuan.platform import open_platform


def main() -> None:
    platform = open_platform()
    platform.audit.checkpoint_every = 500
    actor = Principal(user_id=9, username="writer", client="crash-test")
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    i = 0
    while True:
        with platform.store.transaction() as s:
            seqs = platform.audit.record_many(s, [Event("crash.append", actor, details={"i": i + k})
                                                  for k in range(batch)])
        i += batch
        sys.stdout.write(f"ack {seqs[-1]}\n")  # only after the commit returned
        sys.stdout.flush()


if __name__ == "__main__":
    main()
