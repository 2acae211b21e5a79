#!/usr/bin/python3
"""nova-compute for tools/openstack-node.sh: Nova's own nova-compute main with two changes to nova.virt.fake.FakeDriver
(compute_driver stays `fake.FakeDriver`; Zed only loads drivers from nova.virt.*, so they are patched in, not subclassed):

- vCPUs: the driver reports $OPENSTACK_NODE_VCPUS (default 2) instead of 1000, so that with cpu_allocation_ratio 1.0
  every fake host offers exactly that many VCPU to Placement and the scheduler (RAM and disk stay huge).
- post_live_migration: the stock FakeDriver keeps a live-migrated guest in the source host's in-memory list, so a
  later evacuation onto that host fails ("Instance ... already exists"). Like the real drivers, it now drops the guest
  from the source host.

Usage: nova-compute.py --config-file ... (the arguments of nova-compute).
"""
import os
import sys

from nova.cmd import compute  # first: nova.cmd monkey-patches eventlet, as /usr/bin/nova-compute does
from nova.virt import fake


def _post_live_migration(self, context, instance, block_device_info, migrate_data=None):
    self.destroy(context, instance, network_info=None, block_device_info=block_device_info)


fake.FakeDriver.vcpus = int(os.environ.get("OPENSTACK_NODE_VCPUS", "2"))
fake.FakeDriver.post_live_migration = _post_live_migration

if __name__ == "__main__":
    sys.argv[0] = "/usr/bin/nova-compute"
    sys.exit(compute.main())
