"""The client's own reading of HTTP/1.1 answers: lengths, chunks, the end of the connection, and
every way an answer can be broken."""

from __future__ import annotations

import io

import pytest

from exportctl._client import BrokenAnswerError, _ClosedError, _read_response


def read(raw: bytes) -> tuple[int, dict[str, str], bytes, bool]:
    response = _read_response(io.BufferedReader(io.BytesIO(raw)))
    return response.status, response.headers, response.body, response.will_close


def test_a_body_of_content_length_bytes_on_a_connection_kept_alive() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}next"

    assert read(raw) == (
        200,
        {"content-type": "application/json", "content-length": "2"},
        b"{}",
        False,
    )


def test_a_chunked_body_is_joined_and_its_trailers_dropped() -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'3\r\n{"a\r\n5;ext=1\r\n": 1}\r\n0\r\nX-Trailer: t\r\n\r\n'
    )

    assert read(raw)[2] == b'{"a": 1}'


def test_an_answer_without_a_length_is_read_to_the_end_and_closes() -> None:
    assert read(b"HTTP/1.0 200 OK\r\n\r\nall of it")[2:] == (b"all of it", True)
    assert read(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")[3]


def test_a_redirect_keeps_its_location() -> None:
    raw = b"HTTP/1.1 307 Redirect\r\nLocation: http://elsewhere/\r\nContent-Length: 0\r\n\r\n"

    assert read(raw)[:2] == (307, {"location": "http://elsewhere/", "content-length": "0"})


def test_a_connection_closed_before_the_status_line_is_a_connection_error() -> None:
    with pytest.raises(_ClosedError):
        read(b"")


BROKEN_ANSWERS = [
    (b"SSH-2.0-OpenSSH\r\n", "BadStatusLine"),
    (b"HTTP/1.1 2x0 OK\r\n\r\n", "BadStatusLine"),
    (b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "BadHeaderLine"),
    (b"HTTP/1.1 200 OK\r\nX-Cut: ", "IncompleteRead"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "IncompleteRead"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "BadContentLength"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: \xb2\r\n\r\nab", "BadContentLength"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "BadChunkSize"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "BadChunk"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "IncompleteRead"),
    (b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", "LineTooLong"),
    (b"HTTP/1.1 200 OK\r\n" + b"X-Many: 1\r\n" * 200 + b"\r\n", "TooManyHeaders"),
]
"""Answers the client refuses, with the name of what broke (also read by the async client's
tests)."""


@pytest.mark.parametrize(("raw", "broken"), BROKEN_ANSWERS)
def test_a_broken_answer_names_what_broke(raw: bytes, broken: str) -> None:
    with pytest.raises(BrokenAnswerError, match=broken):
        read(raw)
