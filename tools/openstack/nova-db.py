#!/usr/bin/python3
"""Sets up Nova's databases for tools/openstack-node.sh in one process (each nova-manage run costs ~5 s of CPU just
to import Nova): api_db sync, cell_v2 map_cell0, db sync (cell0 and cell1), then, once the broker is up,
cell_v2 create_cell --name cell1 with its transport URL.

Usage: nova-db.py CELL0_DB_URL RABBIT_URI_FILE --config-file ... (nova.conf and nova-db.conf)
RABBIT_URI_FILE is the file holding amqp://user:pass@host:port/ that appears once the broker runs.
"""
import os
import sys
import time

from nova.cmd import manage  # nova.cmd monkey-patches eventlet first, as nova-manage does
from nova import config
from nova import objects
from oslo_log import log as logging


def step(name, result):
    if result not in (None, 0):
        raise SystemExit(f"nova-db: {name} returned {result}")
    print(f"nova-db: {name} done", flush=True)


def main():
    cell0_url, uri_file = sys.argv[1], sys.argv[2]
    config.parse_args(["nova-manage"] + sys.argv[3:])
    logging.setup(manage.CONF, "nova")
    objects.register_all()
    step("api_db sync", manage.ApiDbCommands().sync())
    cells = manage.CellV2Commands()
    step("cell_v2 map_cell0", cells.map_cell0(database_connection=cell0_url))
    step("db sync (cell0, cell1)", manage.DbCommands().sync())
    deadline = time.monotonic() + 300
    while not (os.path.exists(uri_file) and os.path.getsize(uri_file) > 0):
        if time.monotonic() > deadline:
            raise SystemExit("nova-db: the broker did not come up")
        time.sleep(0.3)
    with open(uri_file) as f:
        transport = "rabbit://" + f.read().strip().split("://", 1)[1]
    step("cell_v2 create_cell cell1", cells.create_cell(name="cell1", transport_url=transport))
    return 0


if __name__ == "__main__":
    sys.exit(main())
