"""Tests of the integer types that the public API takes.

Every public function that takes a whole number takes a Python int or a
numpy integer, such as a value read from a numpy array, and rejects bool
and floats. A numpy integer is stored as a Python int, so that it can be
encoded as JSON like any other amount.
"""

import json
import time
from unittest import mock

import numpy as np

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from sora.scheduler import units
from tests import base

NUMPY_INTEGERS = (np.int64(5), np.int32(5), np.uint8(5), np.uint64(5))

NOT_INTEGERS = (True, np.bool_(True), 5.0, np.float64(5.0), '5', None)


class IsIntegerTest(base.TestCase):

    def test_python_and_numpy_integers_accepted(self):
        for value in (0, 5, 2 ** 70) + NUMPY_INTEGERS:
            self.assertTrue(units.is_integer(value), repr(value))

    def test_bool_float_and_text_rejected(self):
        for value in NOT_INTEGERS:
            self.assertFalse(units.is_integer(value), repr(value))


class RequestIntegerTest(base.TestCase):

    def test_direct_construction_takes_numpy_integers(self):
        for value in NUMPY_INTEGERS:
            request = RequestSpec(memory_mb=value, vcpus_milli=value,
                                  disk_gb=value, gpus=value,
                                  num_instances=value, max_per_host=value)
            for field in ('memory_mb', 'vcpus_milli', 'disk_gb', 'gpus',
                          'num_instances', 'max_per_host'):
                self.assertIs(int, type(getattr(request, field)),
                              (field, repr(value)))
                self.assertEqual(5, getattr(request, field))

    def test_build_takes_numpy_integers(self):
        request = RequestSpec.build(memory_mb=np.int64(5), gpus=np.int8(1),
                                    gpu_milli=np.int16(500),
                                    num_instances=np.int64(2))
        self.assertEqual((5, 1, 500, 2),
                         (request.memory_mb, request.gpus, request.gpu_milli,
                          request.num_instances))
        self.assertIs(int, type(request.num_instances))

    def test_direct_construction_rejects_other_types(self):
        for value in NOT_INTEGERS:
            for field in ('memory_mb', 'num_instances', 'max_per_host'):
                if value is None and field == 'max_per_host':
                    # None is max_per_host's default: no limit.
                    continue
                error = self.assertRaises(exception.InvalidRequest,
                                          RequestSpec, **{field: value})
                self.assertEqual(field, error.field)
                self.assertIn('integer', str(error))

    def test_numpy_integer_out_of_range_rejected(self):
        error = self.assertRaises(exception.InvalidRequest, RequestSpec,
                                  memory_mb=np.int64(-1))
        self.assertIn('must not be negative', str(error))
        error = self.assertRaises(exception.InvalidRequest, RequestSpec,
                                  num_instances=np.int64(0))
        self.assertIn('from 1 to', str(error))


class HostIntegerTest(base.TestCase):

    def test_numpy_integers_stored_as_int(self):
        host = Host('h1', memory_mb=np.int64(1024), vcpus_milli=np.int32(500),
                    gpus=np.uint8(2), memory_mb_used=np.int64(24))
        for field in ('memory_mb', 'vcpus_milli', 'gpus', 'memory_mb_used'):
            self.assertIs(int, type(getattr(host, field)), field)
        self.assertEqual(1024, host.memory_mb)
        # A numpy integer would make json.dumps raise TypeError.
        self.assertIn('"memory_mb": 1024', json.dumps(vars(host)))

    def test_bool_and_float_rejected(self):
        for value in NOT_INTEGERS[:4]:
            error = self.assertRaises(exception.InvalidValue, Host, 'h1',
                                      memory_mb=value)
            self.assertEqual('memory_mb', error.field)


class ReportUsageIntegerTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.manager = SchedulerManager(self.conf, load_inventory=False)
        self.manager.set_hosts([Host('a', memory_mb=1000, vcpus_milli=1000,
                                     disk_gb=100)])

    def test_numpy_usage_accepted(self):
        store = self.manager.store
        with mock.patch.object(store, 'report', wraps=store.report) as spy:
            self.manager.report_usage('a', memory_mb_used=np.int64(400),
                                      vcpus_milli_used=np.int32(250),
                                      disk_gb_used=np.uint16(10))

        self.assertEqual(600, store.hosts.memory_mb_free[0])
        self.assertEqual(400, store.hosts.to_host(0).memory_mb_used)
        # The store gets Python ints, which a shared store encodes as JSON.
        used = spy.call_args.args[1]
        self.assertEqual({'memory_mb': 400, 'vcpus_milli': 250,
                          'disk_gb': 10}, used)
        for key, value in used.items():
            self.assertIs(int, type(value), key)

    def test_numpy_time_accepted(self):
        now = np.int64(int(time.time()))
        self.manager.report_usage('a', at=now)
        self.assertEqual(int(now), self.manager.store.hosts.last_report[0])

    def test_bool_and_float_usage_rejected(self):
        for value in NOT_INTEGERS[:5]:
            error = self.assertRaises(exception.InvalidRequest,
                                      self.manager.report_usage, 'a',
                                      memory_mb_used=value)
            self.assertEqual('memory_mb_used', error.field)
            self.assertIn('expected an integer from 0 to', str(error))
        # Nothing was recorded by the rejected reports.
        self.assertEqual(1000, self.manager.store.hosts.memory_mb_free[0])

    def test_numpy_usage_above_maximum_rejected(self):
        error = self.assertRaises(exception.InvalidRequest,
                                  self.manager.report_usage, 'a',
                                  disk_gb_used=np.uint64(2 ** 63))
        self.assertEqual('disk_gb_used', error.field)
