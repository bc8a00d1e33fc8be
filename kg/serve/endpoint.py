"""The endpoint's link to its query processes: one request out, one reply back, failures as replies."""

from __future__ import annotations

import json
from typing import Any

from kg.model.errors import KGError
from kg.serve.types import Reply, ServeOptions
from kg.sparql.query import CRASHED
from kg.sparql.sandbox import Busy, Crashed, MemoryLimit, Pool, Timeout


class Endpoint:
    """Requests to the query processes, and their failures as replies."""

    def __init__(self, pool: Pool, options: ServeOptions) -> None:
        self.pool, self.options = pool, options

    def query(self, query: str, *, accept: str = "", fmt: str = "") -> Reply:
        return self.ask({"op": "query", "query": query, "accept": accept, "format": fmt})

    def ask(self, request: dict[str, Any]) -> Reply:
        timeout = self.options.timeout
        try:
            raw = self.pool.run(json.dumps(request).encode(), timeout)
        except Timeout:
            return Reply.text(503, f"query stopped: it ran longer than the {timeout:g} s limit (kg serve --timeout)")
        except MemoryLimit:
            cap = self.options.max_memory / (1 << 30)
            return Reply.text(503, f"query stopped: it needed more than {cap:g} GiB of memory (kg serve --max-memory)")
        except Crashed:
            return Reply.text(400, CRASHED)
        except Busy:
            return Reply.text(503, "server busy: every query process stayed busy; try again")
        except KGError as exc:
            return Reply.text(500, str(exc))
        head_line, _, body = raw.partition(b"\n")
        head = json.loads(head_line or b'{"status": 500}')
        form = str(head.get("form", "-"))
        if head["status"] != 200:
            return Reply.text(head["status"], body.decode("utf-8", "replace") or "query process failed", form=form)
        truncated = bool(head.get("truncated"))
        extra = (("X-KG-Truncated", f"max-rows={self.options.max_rows}"),) if truncated else ()
        return Reply(200, body, f"{head['ctype']}; charset=utf-8", head.get("rows", 0), truncated, form, extra)
