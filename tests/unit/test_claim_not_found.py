"""ClaimNotFound for one claim id and for several."""

from sora import exception
from tests import base


class ClaimNotFoundTest(base.TestCase):

    def test_one_id(self):
        error = exception.ClaimNotFound('c1')

        self.assertEqual('c1', error.claim_id)
        self.assertEqual(('c1',), error.claim_ids)
        self.assertEqual("Claim 'c1' not found: it is unknown or was "
                         "already released. Nothing was changed.", str(error))

    def test_each_id_named(self):
        error = exception.ClaimNotFound('c1', 'c2', 'c3')

        self.assertEqual('c1', error.claim_id)
        self.assertEqual(('c1', 'c2', 'c3'), error.claim_ids)
        self.assertIn("Claims 'c1', 'c2', 'c3' not found", str(error))
        self.assertIn('Nothing was changed.', str(error))

    def test_each_long_id_shortened_alone(self):
        first, second = 'a' * 1000, 'b' * 1000

        message = str(exception.ClaimNotFound(first, second))

        # Each id keeps its own start and end, so both stay recognisable.
        self.assertEqual(2, message.count('(1000 characters)'))
        self.assertIn("'aaa", message)
        self.assertIn("'bbb", message)
        self.assertNotIn(first, message)
        self.assertLess(len(message), 600)

    def test_many_ids_counted(self):
        ids = ['c%d' % number for number in range(25)]

        error = exception.ClaimNotFound(*ids)

        self.assertEqual(tuple(ids), error.claim_ids)
        self.assertIn("'c9'", str(error))
        self.assertNotIn("'c10'", str(error))
        self.assertIn('and 15 more', str(error))

    def test_control_characters_escaped(self):
        message = str(exception.ClaimNotFound('c1', 'c\x1b[31m2\n'))

        self.assertNotIn('\x1b', message)
        self.assertNotIn('\n', message)
