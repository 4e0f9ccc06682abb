"""Serves a fake GitHub release over HTTP on 127.0.0.1, for .ci/action-check.sh.

    python release-server.py ROOT PORT_FILE

Serves the files under ROOT (ROOT/vX.Y.Z/tunelint-TARGET.tar.gz and .sha256, as the
release's download URLs lay them out) on a free port of 127.0.0.1, and writes that port to
PORT_FILE once it listens. Each request is logged to standard error as
`"GET /path HTTP/1.1" STATUS`, so the caller can check what was asked for and answered (404
for a missing asset). It stops by itself after 200 requests or 15 minutes.
"""

import functools
import http.server
import os
import sys
import threading

MAX_REQUESTS = 200
MAX_SECONDS = 900


def main(root, port_file):
    requests = 0

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_request(self, code="-", size="-"):
            nonlocal requests
            requests += 1
            super().log_request(code, size)
            if requests >= MAX_REQUESTS:
                threading.Thread(target=server.shutdown).start()

    handler = functools.partial(Handler, directory=root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    timer = threading.Timer(MAX_SECONDS, server.shutdown)
    timer.daemon = True
    timer.start()
    with open(port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:])
