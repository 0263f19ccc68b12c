"""Warnings about misspelt sections and options in configuration files."""

import os

import fixtures

from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from tests import base


class UnknownOptionsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path
        self.log = self.useFixture(fixtures.FakeLogger(name='sora'))

    def start(self, text, name='sora.conf'):
        path = os.path.join(self.folder, name)
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(text)
        self.conf(['--config-file', path])
        manager = SchedulerManager(self.conf, load_inventory=False)
        manager.set_hosts([Host('host-1', memory_mb=4096)])
        return path

    def warnings(self):
        return [line[line.index('Unknown'):]
                for line in self.log.output.splitlines()
                if 'Unknown' in line]

    def test_misspelt_option_named_with_guess(self):
        path = self.start('[scheduler]\ndrvier = random\n')

        self.assertEqual(
            ['Unknown option drvier in section [scheduler] of %s is '
             'ignored; did you mean driver?' % path], self.warnings())

    def test_misspelt_section_named_with_guess(self):
        path = self.start('[schedulr]\ndriver = random\n')

        self.assertEqual(
            ['Unknown section [schedulr] in %s; did you mean [scheduler]? '
             'Its options are ignored' % path], self.warnings())

    def test_hostile_names_escaped_and_shortened(self):
        self.start('[scheduler]\ndri\x1b[31mver = x\n' + 'y' * 5000
                   + ' = 1\n')

        [escaped, long_name] = self.warnings()
        self.assertIn("option 'dri\\x1b[31mver' in section", escaped)
        self.assertNotIn('\x1b', self.log.output)
        self.assertIn('(5000 characters)', long_name)
        self.assertLess(len(long_name), 600)

    def test_other_services_sections_skipped(self):
        self.start('[database]\nconnection = sqlite://\n'
                   '[keystone_authtoken]\nauth_url = x\n'
                   '[DEFAULT]\ntransport_url = x\n'
                   '[scheduler]\ndriver = memory\n')

        self.assertEqual([], self.warnings())

    def test_option_without_close_name(self):
        path = self.start('[filter_scheduler]\nzzzz = 1\n')

        self.assertEqual(
            ['Unknown option zzzz in section [filter_scheduler] of %s is '
             'ignored; no option of that section has a close name' % path],
            self.warnings())

    def test_config_dir_files_checked(self):
        folder = os.path.join(self.folder, 'sora.conf.d')
        os.mkdir(folder)
        path = os.path.join(folder, '10-policy.conf')
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write('[inventory]\nsorce = file\n')
        self.conf(['--config-dir', folder])

        SchedulerManager(self.conf, load_inventory=False)

        self.assertEqual(
            ['Unknown option sorce in section [inventory] of %s is '
             'ignored; did you mean source?' % path], self.warnings())

    def test_warned_once_per_process(self):
        self.start('[scheduler]\ndrvier = random\n', 'once.conf')
        SchedulerManager(self.conf, load_inventory=False)

        self.assertEqual(1, len(self.warnings()))

    def test_same_file_twice_warned_once(self):
        path = os.path.join(self.folder, 'w.conf')
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write('[scheduler]\ndrvier = random\n[schedulr]\nx = 1\n')
        link = os.path.join(self.folder, 'link.conf')
        os.symlink(path, link)
        folder_name = os.path.basename(self.folder)
        # Four spellings of one file, and a folder that contains it, which
        # --config-dir reads with its other *.conf files.
        self.conf(['--config-file', path,
                   '--config-file', os.path.join(self.folder, '.', 'w.conf'),
                   '--config-file', os.path.join(self.folder, '..',
                                                 folder_name, 'w.conf'),
                   '--config-file', link,
                   '--config-dir', self.folder])

        SchedulerManager(self.conf, load_inventory=False)

        self.assertEqual(
            ['Unknown option drvier in section [scheduler] of %s is '
             'ignored; did you mean driver?' % path,
             'Unknown section [schedulr] in %s; did you mean [scheduler]? '
             'Its options are ignored' % path], self.warnings())
