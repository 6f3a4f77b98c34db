"""tcpsrv.py - xapian-tcpsrv (Debian's xapian-tools) for the Python
tests: one database served on a loopback port, in a session of its own,
listening when the constructor returns.

    srv = TcpServer(path, free_port())
    srv.stop()      # SIGTERM, then SIGKILL if it hangs in its handler
    srv.kill()      # its whole session at once, as a crash of the host
"""
import os
import shutil
import signal
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import free_port, wait_until  # noqa: E402,F401  (free_port: for the tests)

HAVE_TCPSRV = shutil.which("xapian-tcpsrv") is not None


def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        return True
    except OSError:
        return False


class TcpServer:
    """xapian-tcpsrv signals its process group when it stops, and forks a
    child for each connection: a session of its own, so that kill() takes
    the children serving open connections too."""

    def __init__(self, path, port, writable=False):
        self.port = port
        argv = ["xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port", str(port)]
        self.proc = subprocess.Popen(argv + (["--writable"] if writable else []) + [path],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        wait_until(lambda: listening(port), 10, what="xapian-tcpsrv on port %d" % port)

    def stop(self):
        """SIGTERM; xapian-tcpsrv can hang in its handler: then killed."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)
