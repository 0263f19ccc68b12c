"""The resources filter: memory, CPUs and disk with ratios and reserved."""

from sora.filters.resources import ResourcesFilter
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement

# Each case: the host's fields, the table-wide ratios and reserved amounts,
# the request, and the expected reason (None when the host passes). The
# comment gives the arithmetic: capacity = (total - reserved) * ratio,
# free = capacity - used, and the largest request that fits is
# min(free, total - reserved).
CASES = [
    # 2048 * 2.0 - 3072 = 1024 free; the physical 2048 is larger.
    ('overcommitted host takes what is left',
     dict(memory_mb=2048, memory_mb_used=3072), dict(memory_mb=2.0), {},
     dict(memory_mb=1024), None),
    ('overcommitted host refuses one more MiB',
     dict(memory_mb=2048, memory_mb_used=3072), dict(memory_mb=2.0), {},
     dict(memory_mb=1025), 'not enough memory_mb'),
    # 512 * 2.0 = 1024 free, but no instance exceeds the physical 512.
    ('ratio never exceeds physical memory',
     dict(memory_mb=512), dict(memory_mb=2.0), {},
     dict(memory_mb=1024), 'memory_mb larger than the host'),
    # 1 CPU * 2.0 = 2 CPUs free, but the physical host has 1.
    ('ratio never exceeds physical CPUs',
     dict(vcpus=1), dict(vcpus_milli=2.0), {},
     dict(vcpus_milli=2000), 'vcpus larger than the host'),
    # 16384 - 2048 reserved = 14336, subtracted once.
    ('reserved memory subtracted once',
     dict(memory_mb=16384), {}, dict(memory_mb=2048),
     dict(memory_mb=14336), None),
    ('reserved memory leaves 14336',
     dict(memory_mb=16384), {}, dict(memory_mb=2048),
     dict(memory_mb=14337), 'memory_mb larger than the host'),
    # 4000 - 3500 used = 500 thousandths of a CPU free.
    ('fractional CPUs fit exactly',
     dict(vcpus=4, vcpus_milli_used=3500), {}, {},
     dict(vcpus_milli=500), None),
    ('fractional CPUs one thousandth short',
     dict(vcpus=4, vcpus_milli_used=3500), {}, {},
     dict(vcpus_milli=501), 'not enough vcpus'),
    # (100 - 10 reserved) * 1.5 = 135, minus 120 used = 15 free.
    ('disk with ratio and reserved',
     dict(disk_gb=100, disk_gb_used=120), dict(disk_gb=1.5),
     dict(disk_gb=10), dict(disk_gb=15), None),
    ('disk one GiB short',
     dict(disk_gb=100, disk_gb_used=120), dict(disk_gb=1.5),
     dict(disk_gb=10), dict(disk_gb=16), 'not enough disk_gb'),
    # A host without memory never passes, even for an empty request.
    ('drained host never passes',
     dict(memory_mb=0, vcpus=0), {}, {}, dict(),
     'no memory_mb or vcpus capacity'),
    ('zero memory request is placed',
     dict(), {}, {}, dict(memory_mb=0, vcpus_milli=100), None),
    # Memory is checked before CPUs, so memory is the reason.
    ('memory reported before CPUs',
     dict(memory_mb=1024, vcpus=1), {}, {},
     dict(memory_mb=2048, vcpus_milli=2000),
     'memory_mb larger than the host'),
]


class ResourcesFilterTest(base.TestCase):

    def test_cases(self):
        for name, fields, ratios, reserved, wanted, reason in CASES:
            hosts = placement.table(
                placement.host('h', **fields), ratios=ratios,
                reserved=reserved)
            placement.check_filter(self, ResourcesFilter(self.conf), hosts,
                                   RequestSpec(**wanted), {'h': reason},
                                   case=name)

    def test_reasons_of_many_hosts(self):
        # One table with every case's host, checked in one vectorised call
        # so that the precedence between reasons is exercised across rows.
        hosts = placement.table(
            placement.host('a', memory_mb=0),
            placement.host('b', memory_mb=1024),
            placement.host('c', memory_mb=4096, memory_mb_used=3072),
            placement.host('d', vcpus=1),
            placement.host('e', vcpus=4, vcpus_milli_used=3000),
            placement.host('f', disk_gb=10),
            placement.host('g', disk_gb=100, disk_gb_used=95),
            placement.host('h', memory_mb=4096, disk_gb=100))
        request = RequestSpec(memory_mb=2048, vcpus_milli=2000, disk_gb=20)
        placement.check_filter(self, ResourcesFilter(self.conf), hosts,
                               request, {
                                   'a': 'no memory_mb or vcpus capacity',
                                   'b': 'memory_mb larger than the host',
                                   'c': 'not enough memory_mb',
                                   'd': 'vcpus larger than the host',
                                   'e': 'not enough vcpus',
                                   'f': 'disk_gb larger than the host',
                                   'g': 'not enough disk_gb',
                                   'h': None,
                               })
