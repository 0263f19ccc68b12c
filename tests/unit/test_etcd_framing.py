"""Decoding an HTTP/1.1 body from bytes in pieces of any size."""

from sora.state.etcd import framing
from tests import base

CHUNKED = b'5\r\n{"a":\r\n3;ext=1\r\n 1}\r\n0\r\nTrailer: x\r\n\r\n'


class BodyDecoderTest(base.TestCase):

    def feed_in_pieces(self, decoder, data, size):
        body = b''
        for start in range(0, len(data), size):
            body += decoder.feed(data[start:start + size])
        return body

    def test_chunked_body_in_any_pieces(self):
        # Every piece size splits the size lines, the data and the CRLFs
        # somewhere else; the body and its end come out the same.
        for size in (1, 2, 3, 7, len(CHUNKED)):
            decoder = framing.BodyDecoder(chunked=True, length=None)

            body = self.feed_in_pieces(decoder, CHUNKED, size)

            self.assertEqual(b'{"a": 1}', body, 'piece size %d' % size)
            self.assertTrue(decoder.ended, 'piece size %d' % size)

    def test_chunked_body_not_ended_before_last_chunk(self):
        decoder = framing.BodyDecoder(chunked=True, length=None)

        body = decoder.feed(CHUNKED[:-len(b'0\r\nTrailer: x\r\n\r\n')])

        self.assertEqual(b'{"a": 1}', body)
        self.assertFalse(decoder.ended)

    def test_length_framed_body(self):
        decoder = framing.BodyDecoder(chunked=False, length=4)

        first = decoder.feed(b'ab')
        ended_early = decoder.ended
        second = decoder.feed(b'cdEXTRA')

        self.assertEqual(b'ab', first)
        self.assertFalse(ended_early)
        self.assertEqual(b'cd', second)
        self.assertTrue(decoder.ended)

    def test_body_to_close_never_ends_itself(self):
        decoder = framing.BodyDecoder(chunked=False, length=None)

        body = decoder.feed(b'abc')

        self.assertEqual(b'abc', body)
        self.assertFalse(decoder.ended)

    def test_empty_length_body_ended(self):
        self.assertTrue(framing.BodyDecoder(chunked=False, length=0).ended)

    def test_invalid_framing_raises(self):
        cases = [
            (b'zz\r\n', 'invalid chunk size'),
            (b'-5\r\nabc', 'invalid chunk size'),
            (b'3\r\nabcXY', 'not followed by CRLF'),
            (b'1' * (framing.MAX_LINE + 2), 'longer than'),
        ]
        for data, message in cases:
            decoder = framing.BodyDecoder(chunked=True, length=None)

            error = self.assertRaises(framing.ProtocolError, decoder.feed,
                                      data)

            self.assertIn(message, str(error))
