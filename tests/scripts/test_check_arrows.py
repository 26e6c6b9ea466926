#!/usr/bin/env python3
"""scripts/check-arrows.py fails on a forbidden include and says which: each case builds a small tree in a
temporary folder with the checkout's own docs/HACKING.md (the real rules), adds one include, and runs the
script on it."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SRC = os.environ.get('LC_SOURCE_DIR') or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(SRC, 'scripts', 'check-arrows.py')


class CheckArrows(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix='lc-arrows-')
        os.makedirs(os.path.join(self.root, 'docs'))
        shutil.copy(os.path.join(SRC, 'docs', 'HACKING.md'), os.path.join(self.root, 'docs', 'HACKING.md'))
        # A lawful house: every floor includes base/, the simulator fixtures/ and formats/.
        self.put('base/error.h', '#include <stddef.h>\n')
        self.put('hal/scpi.c', '#include "base/error.h"\n#include "hal/scpi.h"\n')
        self.put('fixtures/limits.h', '#include "base/error.h"\n')
        self.put('sim/world/world.c', '#include "fixtures/limits.h"\n#include "formats/sor.h"\n#include "sim/world/world.h"\n')
        self.put('instruments/otdr/otdr.c', '#include "formats/sor.h"\n#include "hal/scpi.h"\n')
        self.put('reports/result.c', '#include "lc_version.h"\n')

    def tearDown(self):
        shutil.rmtree(self.root)

    def put(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'a') as f:
            f.write(text)

    def run_check(self):
        p = subprocess.run([sys.executable, SCRIPT, '--root', self.root], capture_output=True, text=True)
        return p.returncode, p.stderr

    def test_lawful_tree_passes(self):
        rc, err = self.run_check()
        self.assertEqual((rc, err), (0, ''))

    def test_simulator_including_the_client_analysis_fails(self):
        self.put('sim/world/otdr_sim.c', '#include <math.h>\n\n#include "instruments/otdr/otdr_analysis.h"\n')
        rc, err = self.run_check()
        self.assertEqual(rc, 1)
        self.assertIn('sim/world/otdr_sim.c:3: #include "instruments/otdr/otdr_analysis.h": '
                      'sim/ may not include instruments/ (sim/ may include: base fixtures formats hal)', err)
        self.assertIn('1 forbidden include(s); the allowed arrows are in docs/HACKING.md', err)

    def test_driver_including_limits_fails_by_the_never_rule(self):
        # the public limits header, reached through a lawful header of an allowed floor
        self.put('hal/scpi.h', '#include <lanecert/limits.h>\n')
        self.put('include/lanecert/limits.h', '#include <stdbool.h>\n')
        self.put('instruments/power_meter/pm.c', '#include "formats/sor.h"\n#include "hal/scpi.h"\n')
        rc, err = self.run_check()
        self.assertEqual(rc, 1)
        self.assertIn('instruments/power_meter/pm.c:2: #include "hal/scpi.h": instruments/ never includes '
                      'include/lanecert/limits.h (a "never" rule, through hal/scpi.h -> include/lanecert/limits.h)', err)
        self.assertNotIn('pm.c:1', err)  # formats/ is an allowed arrow

    def test_driver_including_the_channel_model_fails(self):
        self.put('instruments/module/compat.c', '#include "fixtures/channel.h"\n')
        rc, err = self.run_check()
        self.assertEqual(rc, 1)
        self.assertIn('instruments/module/compat.c:1: #include "fixtures/channel.h": instruments/ may not include '
                      'fixtures/ (instruments/ may include: base formats hal)', err)

    def test_never_rule_follows_headers(self):
        self.put('instruments/module/module.h', '#include <lanecert/module.h>\n')
        self.put('include/lanecert/module.h', '#include "hal.h"\n')
        self.put('include/lanecert/hal.h', '#include "limits.h"\n')
        self.put('include/lanecert/limits.h', '#include <stdbool.h>\n')
        self.put('instruments/module/module.c', '#include "instruments/module/module.h"\n')
        rc, err = self.run_check()
        self.assertEqual(rc, 1)
        self.assertIn('instruments/module/module.c:1: #include "instruments/module/module.h": instruments/ never '
                      'includes include/lanecert/limits.h (a "never" rule, through instruments/module/module.h -> '
                      'include/lanecert/module.h -> include/lanecert/hal.h -> include/lanecert/limits.h)', err)

    def test_ground_floors_include_only_base(self):
        self.put('fixtures/paths.c', '#include "hal/error.h"\n')
        self.put('formats/sor_read.c', '#include "fixtures/limits.h"\n')
        self.put('hal/i2c_sim.c', '#include "sim/net/i2c_service.h"\n')
        rc, err = self.run_check()
        self.assertEqual(rc, 1)
        self.assertIn('fixtures/paths.c:1: #include "hal/error.h": fixtures/ may not include hal/', err)
        self.assertIn('formats/sor_read.c:1: #include "fixtures/limits.h": formats/ may not include fixtures/', err)
        self.assertIn('hal/i2c_sim.c:1: #include "sim/net/i2c_service.h": hal/ may not include sim/', err)
        self.assertIn('3 forbidden include(s)', err)

    def test_base_includes_nothing(self):
        self.put('base/log.c', '#include "hal/scpi.h"\n')
        rc, err = self.run_check()
        self.assertEqual(rc, 1)
        self.assertIn('base/log.c:1: #include "hal/scpi.h": base/ may not include hal/ (base/ may include: nothing else)', err)

    def test_include_without_its_folder_fails(self):
        self.put('procedures/engine.c', '#include "sandbox.h"\n')
        rc, err = self.run_check()
        self.assertEqual(rc, 1)
        self.assertIn('procedures/engine.c:1: #include "sandbox.h": name the file by its repository path', err)

    def test_unreadable_rules_are_an_error_of_their_own(self):
        with open(os.path.join(self.root, 'docs', 'HACKING.md'), 'w') as f:
            f.write('# no arrows here\n')
        rc, err = self.run_check()
        self.assertEqual(rc, 2)
        self.assertIn('no ```arrows block', err)

    # <lanecert/X.h> is an arrow to the floor whose declarations X holds (the `public` rows)
    def test_public_include_is_an_arrow_to_its_floor(self):
        self.put('include/lanecert/otdr.h', '#include "sor.h"\n')
        self.put('include/lanecert/sor.h', '#include <stdint.h>\n')
        self.put('sim/world/otdr_sim.c', '#include <lanecert/sor.h>\n#include <lanecert/otdr.h>\n')
        rc, err = self.run_check()
        self.assertEqual(rc, 1)
        self.assertIn('sim/world/otdr_sim.c:2: #include <lanecert/otdr.h>: sim/ may not include <lanecert/otdr.h>, '
                      'which holds instruments/ (sim/ may include: base fixtures formats hal)', err)
        self.assertNotIn('otdr_sim.c:1', err)  # sor.h is formats/: allowed
        self.assertIn('1 forbidden include(s)', err)

    def test_driver_including_public_limits_fails(self):
        self.put('include/lanecert/limits.h', '#include <stdbool.h>\n')
        self.put('include/lanecert/module.h', '#include "limits.h"\n')
        self.put('instruments/power_meter/pm.c', '#include <lanecert/limits.h>\n')
        self.put('instruments/module/module.c', '#include <lanecert/module.h>\n')
        rc, err = self.run_check()
        self.assertEqual(rc, 1)
        self.assertIn('instruments/power_meter/pm.c:1: #include <lanecert/limits.h>: instruments/ may not include '
                      '<lanecert/limits.h>, which holds fixtures/', err)
        # through a public header of the driver's own floor: the never rule follows it
        self.assertIn('instruments/module/module.c:1: #include <lanecert/module.h>: instruments/ never includes '
                      'include/lanecert/limits.h (a "never" rule, through include/lanecert/module.h -> '
                      'include/lanecert/limits.h)', err)
        # and the public header itself breaks the arrows of its floor
        self.assertIn('include/lanecert/module.h:1: #include "limits.h": instruments/ may not include '
                      '<lanecert/limits.h>, which holds fixtures/', err)

    def test_public_header_without_a_row_and_the_umbrella(self):
        self.put('include/lanecert/new_topic.h', '#include <stdint.h>\n')
        self.put('include/lanecert/lanecert.h', '#include "new_topic.h"\n')
        self.put('hal/scpi.c', '#include <lanecert/lanecert.h>\n')
        self.put('cli/cmd_x.c', '#include <lanecert/lanecert.h>\n')
        rc, err = self.run_check()
        self.assertEqual(rc, 1)
        self.assertIn('include/lanecert/new_topic.h: <lanecert/new_topic.h> is in no `public` row of the arrows', err)
        self.assertIn('hal/scpi.c:3: #include <lanecert/lanecert.h>: <lanecert/lanecert.h> is the umbrella of every '
                      'floor, for programs; include the topic header', err)
        self.assertNotIn('cli/cmd_x.c', err)  # cli is on the public API (the `api` row)


if __name__ == '__main__':
    unittest.main()
