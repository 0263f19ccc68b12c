"""Reading traces: both formats, detection, and errors naming the line."""

from sora import exception
from sora.replay import trace_reader
from tests.unit.replay import base

OPENB_HEADER = ('name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,'
                'pod_phase,creation_time,deletion_time,scheduled_time')


class SoraFormatTest(base.ReplayTestCase):

    def test_fields_parsed_with_units(self):
        trace = self.read(['0,3600,4096,0.5,20,0,,,web-1',
                           '10.5,,16384,8,0,1,500,T4|P100,nb-1'])

        self.assertEqual('sora', trace.format)
        web, notebook = trace.workloads
        self.assertEqual(('web-1', 0.0, 3600.0),
                         (web.name, web.arrival, web.departure))
        self.assertEqual(500, web.request.vcpus_milli)
        self.assertEqual(4096, web.request.memory_mb)
        self.assertEqual(20, web.request.disk_gb)
        self.assertEqual(0, web.request.gpus)
        self.assertIsNone(notebook.departure)
        self.assertEqual(10.5, notebook.arrival)
        self.assertEqual(500, notebook.request.gpu_milli)
        self.assertEqual(frozenset({'T4', 'P100'}),
                         notebook.request.gpu_models)
        self.assertEqual(3, notebook.line)

    def test_columns_in_any_order(self):
        header = 'name,gpus,gpu_milli,gpu_models,disk_gb,vcpus,memory_mb,' \
            'departure,arrival'
        trace = self.read(['w,2,,,0,1,512,9,3'], header=header)

        workload = trace.workloads[0]
        self.assertEqual((3.0, 9.0), (workload.arrival, workload.departure))
        self.assertEqual(2, workload.request.gpus)
        self.assertEqual(1000, workload.request.gpu_milli)

    def test_empty_name_named_after_line(self):
        trace = self.read(['', '0,,1,1,0,0,,,'])

        self.assertEqual('line-3', trace.workloads[0].name)

    def test_bad_field_names_file_line_field(self):
        path = self.write_trace(['0,,1024,1,0,0,,,ok',
                                 '5,,lots,1,0,0,,,bad'])

        error = self.assertRaises(exception.InvalidTrace,
                                  trace_reader.read_trace, path)

        self.assertEqual((path, 3, 'memory_mb'),
                         (error.path, error.line, error.field))
        self.assertIn('%s, line 3, field memory_mb=' % path, str(error))

    def test_departure_before_arrival_rejected(self):
        error = self.assertRaises(exception.InvalidTrace, self.read,
                                  ['10,5,1,1,0,0,,,w'])

        self.assertEqual('departure', error.field)
        self.assertIn('before the arrival', str(error))

    def test_share_with_two_cards_rejected(self):
        error = self.assertRaises(exception.InvalidTrace, self.read,
                                  ['0,,1,1,0,2,500,,w'])

        self.assertEqual('gpu_milli', error.field)

    def test_share_without_cards_rejected(self):
        error = self.assertRaises(exception.InvalidTrace, self.read,
                                  ['0,,1,1,0,0,500,,w'])

        self.assertEqual('gpu_milli', error.field)
        self.assertEqual('500', error.value)
        self.assertEqual(2, error.line)
        self.assertIn('needs gpus=1', str(error))

    def test_time_beyond_maximum_rejected(self):
        for row, field in (('1e308,,1,1,0,0,,,w', 'arrival'),
                           ('0,1e13,1,1,0,0,,,w', 'departure')):
            error = self.assertRaises(exception.InvalidTrace, self.read,
                                      [row])

            self.assertEqual(field, error.field)
            self.assertIn('at most 1e+12 seconds', str(error))

    def test_byte_order_mark_accepted(self):
        path = self.write('bom.csv', '\ufeff' + base.SORA_HEADER +
                          '\n0,,1,1,0,0,,,w\n')

        trace = trace_reader.read_trace(path)

        self.assertEqual('sora', trace.format)
        self.assertEqual(['w'], [w.name for w in trace.workloads])

    def test_wrong_column_count_rejected(self):
        error = self.assertRaises(exception.InvalidTrace, self.read,
                                  ['0,,1,1,0,0,,'])

        self.assertEqual(2, error.line)
        self.assertIn('expected 9 columns', str(error))

    def test_skip_invalid_counts_lines(self):
        trace = self.read(['0,,1,1,0,0,,,a', 'x,,1,1,0,0,,,b',
                           '1,,1,-1,0,0,,,c', '2,,1,1,0,0,,,d'],
                          skip_invalid=True)

        self.assertEqual(['a', 'd'], [w.name for w in trace.workloads])
        self.assertEqual(2, len(trace.skipped))
        self.assertIn('line 3, field arrival=', trace.skipped[0])
        self.assertIn('line 4, field vcpus=', trace.skipped[1])


class OpenbFormatTest(base.ReplayTestCase):

    def test_pod_fields_and_times(self):
        trace = self.read(
            ['pod-0,12000,16384,1,460,,LS,Running,5,100,5',
             'pod-1,32000,65536,0,0,,BE,Failed,7,,7',
             'pod-2,8000,1024,8,1000,V100M16|V100M32,LS,Pending,9,9,'],
            header=OPENB_HEADER)

        self.assertEqual('openb', trace.format)
        share, cpu_only, whole = trace.workloads
        self.assertEqual((12000, 16384, 1, 460),
                         (share.request.vcpus_milli, share.request.memory_mb,
                          share.request.gpus, share.request.gpu_milli))
        self.assertEqual((5.0, 100.0), (share.arrival, share.departure))
        self.assertEqual(0, cpu_only.gpu_share_milli)
        self.assertIsNone(cpu_only.departure)
        self.assertEqual(8000, whole.gpu_share_milli)
        self.assertEqual(frozenset({'V100M16', 'V100M32'}),
                         whole.request.gpu_models)
        self.assertEqual(9.0, whole.departure)

    def test_pod_list_without_times_arrives_in_order(self):
        trace = self.read(['a,1000,10,1,1000', 'b,1000,10,0,0'],
                          header='name,cpu_milli,memory_mib,num_gpu,'
                                 'gpu_milli')

        self.assertEqual([(0.0, None), (1.0, None)],
                         [(w.arrival, w.departure) for w in trace.workloads])

    def test_bad_pod_names_line_and_field(self):
        error = self.assertRaises(
            exception.InvalidTrace, self.read,
            ['pod-0,12000,16384,1,460,,LS,Running,5,100,5',
             'pod-1,1.5,16384,1,460,,LS,Running,5,100,5'],
            header=OPENB_HEADER)

        self.assertEqual((3, 'cpu_milli'), (error.line, error.field))


class DetectionTest(base.ReplayTestCase):

    def test_unknown_header_lists_formats(self):
        error = self.assertRaises(exception.InvalidTrace, self.read,
                                  ['1,2'], header='when,what')

        self.assertEqual((1, 'header'), (error.line, error.field))
        self.assertIn('sora traces need arrival,departure', str(error))

    def test_repeated_column_named(self):
        for header, trace_format, column in (
                (base.SORA_HEADER + ',name', 'auto', 'name'),
                (base.SORA_HEADER + ',name', 'sora', 'name'),
                (OPENB_HEADER + ',gpu_spec', 'auto', 'gpu_spec'),
                ('name,name,cpu_milli,memory_mib,num_gpu,gpu_milli',
                 'openb', 'name')):
            error = self.assertRaises(exception.InvalidTrace, self.read,
                                      [], header=header,
                                      trace_format=trace_format)

            self.assertEqual((1, 'header'), (error.line, error.field))
            self.assertIn('the column %s appears more than once' % column,
                          str(error))

    def test_forced_format_reports_missing_columns(self):
        error = self.assertRaises(exception.InvalidTrace, self.read,
                                  ['0,,1,1,0,0,,,a'], trace_format='openb')

        self.assertIn('missing columns cpu_milli,memory_mib,num_gpu',
                      str(error))

    def test_empty_file_rejected(self):
        path = self.write('empty.csv', '')

        error = self.assertRaises(exception.InvalidTrace,
                                  trace_reader.read_trace, path)

        self.assertIn('the file is empty', str(error))

    def test_missing_file_rejected(self):
        error = self.assertRaises(exception.InvalidTrace,
                                  trace_reader.read_trace,
                                  self.tmp + '/absent.csv')

        self.assertIn('cannot be read', str(error))
