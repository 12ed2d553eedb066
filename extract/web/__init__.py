"""The reviewer's workbench (issue 13): ``case-extract serve``.

:func:`create_app` builds the Flask app (:mod:`extract.web.app`); :func:`serve` runs it with
Waitress, on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import sys
from typing import IO

from extract.errors import CaseExtractError
from extract.web.app import LOOPBACK, create_app, default_reviewer


def serve(db_url: str | None, *, host: str = "127.0.0.1", port: int = 8000,
          reviewer: str | None = None, threads: int = 4, stream: IO[str] | None = None) -> None:
    """Serve the workbench until interrupted; prints the address (``port`` 0: a free one)."""
    from waitress import create_server

    stream = stream or sys.stdout
    reviewer = reviewer or default_reviewer()
    app = create_app(db_url, reviewer=reviewer, host=host)
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="case-extract")
    except OSError as exc:
        raise CaseExtractError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    shown = f"[{host}]" if ":" in host else host
    effective = getattr(server, "effective_port", port)
    print(f"case-extract workbench on http://{shown}:{effective}/ (reviewer {reviewer}; Ctrl-C stops)",
          file=stream, flush=True)
    if host not in LOOPBACK:
        print(f"warning: listening on {host}: anyone who can reach this machine can read and change "
              "the case database", file=stream, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


__all__ = ["create_app", "serve"]
