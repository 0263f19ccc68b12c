"""Decoding of an HTTP/1.1 response body from bytes as they arrive.

The watch stream is read without waiting, so one read may end anywhere in
a chunk, even inside its size line. BodyDecoder keeps the bytes that it
cannot decode yet and returns the body bytes that are complete.
"""

from __future__ import annotations

# The maximum length of a status, header or chunk size line in a response.
MAX_LINE = 65536


class ProtocolError(Exception):
    """The server sent something that is not a valid HTTP/1.1 response."""


class BodyDecoder:
    """A decoder of a body framed as chunks, by a length or by the close.

    ``length`` is the Content-Length, or None for a body that runs to the
    end of the connection. It is ignored for a chunked body. ``ended``
    becomes true after the last chunk or the last byte of the length.
    Trailer fields after the last chunk are ignored.
    """

    def __init__(self, chunked: bool, length: int | None) -> None:
        self._chunked = chunked
        self._remaining = length
        self._buffer = b''
        # Data bytes of the current chunk not received yet, and whether
        # the CRLF that ends its data is still to come.
        self._chunk_left = 0
        self._crlf_due = False
        self.ended = not chunked and length == 0

    def feed(self, data: bytes) -> bytes:
        """Take newly received bytes; return the body bytes they complete.

        Raise ProtocolError when the framing is invalid.
        """
        if not self._chunked:
            return self._feed_plain(data)

        buffer = self._buffer + data if self._buffer else data
        position = 0
        parts = []
        while not self.ended:
            if self._chunk_left:
                part = buffer[position:position + self._chunk_left]
                parts.append(part)
                position += len(part)
                self._chunk_left -= len(part)
                if self._chunk_left:
                    break
                self._crlf_due = True

            if self._crlf_due:
                if len(buffer) - position < 2:
                    break
                if buffer[position:position + 2] != b'\r\n':
                    raise ProtocolError('a chunk is not followed by CRLF')
                position += 2
                self._crlf_due = False

            end = buffer.find(b'\r\n', position)
            if end < 0:
                if len(buffer) - position > MAX_LINE:
                    raise ProtocolError('a chunk size line is longer than '
                                        '%d bytes' % MAX_LINE)
                break
            line = buffer[position:end]
            position = end + 2
            try:
                size = int(line.split(b';', 1)[0], 16)
            except ValueError:
                size = -1
            if size < 0:
                raise ProtocolError('invalid chunk size %r' % line[:80])
            if size == 0:
                self.ended = True
            self._chunk_left = size

        self._buffer = buffer[position:]
        return b''.join(parts)

    def _feed_plain(self, data: bytes) -> bytes:
        if self._remaining is None:
            return data
        part = data[:self._remaining]
        self._remaining -= len(part)
        if self._remaining == 0:
            self.ended = True
        return part
