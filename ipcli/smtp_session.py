"""smtplib's SMTP clients, reading at most net.MAX_BODY_BYTES of each reply: smtplib caps the length
of a line but not the number of lines of a multi-line reply, so a server could send them forever. A
reply that does not come within the socket's timeout is net's timeout too, not "Connection
unexpectedly closed"."""

import smtplib

from ipcli.net import MAX_BODY_BYTES, RetryableFailure, answer_too_large


class _CappedReplies:
    def getreply(self):
        if self.file is None:  # a new connection, or one that STARTTLS has just wrapped
            self.file = _CappedReader(self.sock.makefile("rb"), self.timeout)
        self.file.left = MAX_BODY_BYTES
        return super().getreply()


class _CappedReader:
    """The socket's file as smtplib reads it, line by line. Its errors are no OSError, which smtplib
    would turn into "Connection unexpectedly closed"."""

    def __init__(self, file, seconds: float):
        self.file, self.seconds, self.left = file, seconds, MAX_BODY_BYTES

    def readline(self, limit: int = -1) -> bytes:
        try:
            line = self.file.readline(limit)
        except TimeoutError:
            raise RetryableFailure("net.timeout", seconds=self.seconds) from None
        self.left -= len(line)
        if self.left < 0:
            raise answer_too_large()
        return line

    def close(self) -> None:
        self.file.close()


class SMTP(_CappedReplies, smtplib.SMTP):
    pass


class SMTP_SSL(_CappedReplies, smtplib.SMTP_SSL):  # noqa: N801 - smtplib's name
    pass
