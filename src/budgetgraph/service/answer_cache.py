"""The answers the endpoint gave, kept in the service's process and given again to the same question.

A question is the store's version (bumped by every admin write, as the query workers' checkpoints are), the
query's text, its bindings, the ``format`` parameter and the Accept header: the same question on the same
version of the store has the same answer, so a hit is exact. Only 200 answers are kept, the least recently asked
dropped first once ``max_entries`` or ``max_bytes`` is reached; an answer larger than an eighth of ``max_bytes``
is not kept. Used from the event loop's thread only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from budgetgraph.service.answers import QueryCall, Reply

Key = tuple[Hashable, ...]


class AnswerCache:
    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.entries: OrderedDict[Key, Reply] = OrderedDict()
        self.size = 0

    @staticmethod
    def key(version: int, call: QueryCall) -> Key:
        bindings = tuple(sorted(call.substitutions.items())) if call.substitutions else ()
        return (version, call.query, bindings, call.wanted, call.accept)

    def get(self, key: Key) -> Reply | None:
        reply = self.entries.get(key)
        if reply is not None:
            self.entries.move_to_end(key)
        return reply

    def put(self, key: Key, reply: Reply) -> None:
        if reply.status != 200 or len(reply.body) > self.max_bytes // 8 or self.max_entries <= 0 or key in self.entries:
            return
        self.entries[key] = reply
        self.size += len(reply.body)
        while len(self.entries) > self.max_entries or self.size > self.max_bytes:
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped.body)
