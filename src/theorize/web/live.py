"""Live updates: what others do appears in every open page within a second, without a reload.

``GET /events`` is a server-sent event stream. Each worker process runs one feed that reads the
audit events newer than the last it saw and hands them to the streams it serves; the project holds
the events, so workers keep nothing of their own and every worker sees what any other wrote. On
SQLite the feed reads four times a second. On PostgreSQL every event is also announced by NOTIFY at
commit (``store/notify.py``); the feed LISTENs on a connection of its own and reads as soon as one
arrives from any worker or machine, and otherwise only every few seconds, in case one was missed
(if the listening connection is lost, it polls four times a second again). A coder in an open blind round receives
only their own actions (the others' summaries would name codings they must not see).

Nothing is lost between a page and its stream: a page carries where the trail ended when it was
drawn (``/events?after=N``), and a reconnecting browser sends the last id it heard
(``Last-Event-ID``); the stream first replays what came after that, then follows the feed.
"""

from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from theorize.store.notify import EventListener, can_listen
from theorize.web.people import current_person

router = APIRouter()

POLL_SECONDS = 0.25
#: How often a feed that hears PostgreSQL's notifications still reads the trail, in case one was missed.
LISTENING_POLL_SECONDS = 5.0
#: Events read at a time; a full page is followed at once by the next.
PAGE = 200
#: The shortest time between two reads when woken: a burst of actions is read in one go.
MIN_GAP_SECONDS = 0.05
HEARTBEAT_SECONDS = 15.0
#: What a page redraws after: codings, the codebook, memos (other actions only show who did what).
KINDS = {
    "code": "codings",
    "uncode": "codings",
    "code in vivo": "codings",
    "undo": "all",
    "add code": "codebook",
    "rename code": "codebook",
    "merge codes": "codebook",
    "move code": "codebook",
    "define code": "codebook",
    "split code": "codebook",
    "promote code": "codebook",
    "colour code": "codebook",
    "move codes": "codebook",
    "code many": "codings",
    "review coding": "codings",
    "accept suggestion": "codings",
    "accept suggestions": "codings",
    "edit text": "all",
    "write memo": "memos",
    "edit memo": "memos",
    "link memo": "memos",
}


class Feed:
    """One feed per worker: reads new audit events and fans them out to the open streams; on
    PostgreSQL it is woken by the trail's notifications."""

    def __init__(self, study) -> None:
        self.study = study
        self.queues: set[asyncio.Queue] = set()
        self.task: asyncio.Task | None = None
        self.last: int | None = None
        self.listener: EventListener | None = None

    def join(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=500)
        self.queues.add(queue)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.poll())
        return queue

    def leave(self, queue: asyncio.Queue) -> None:
        self.queues.discard(queue)

    async def poll(self) -> None:
        wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        self.listener = await self._listen(wake)
        try:
            while self.queues:
                wake.clear()  # before reading: an event committed while we read wakes us again
                began = loop.time()
                try:
                    self.last, events = await run_in_threadpool(self.study.events_after, self.last, limit=PAGE)
                except Exception:  # the database away for a moment: try again at the next tick
                    events = []
                for event in events:
                    event["kind"] = KINDS.get(event["action"], "other")
                    for queue in list(self.queues):
                        if not queue.full():
                            queue.put_nowait(event)
                if len(events) == PAGE:
                    continue
                listening = self.listener is not None and self.listener.alive
                try:
                    await asyncio.wait_for(wake.wait(), LISTENING_POLL_SECONDS if listening else POLL_SECONDS)
                except TimeoutError:
                    pass
                rest = began + MIN_GAP_SECONDS - loop.time()
                if rest > 0:
                    await asyncio.sleep(rest)
        finally:
            if self.listener is not None:
                self.listener.stop()
                self.listener = None
            self.last = None

    async def _listen(self, wake: asyncio.Event) -> EventListener | None:
        """On PostgreSQL, a listener that sets ``wake`` on each new event (None on SQLite, or when
        the database cannot be reached: the feed then polls)."""
        if not can_listen(self.study.engine):
            return None
        loop = asyncio.get_running_loop()
        listener = EventListener(self.study.engine, lambda: loop.call_soon_threadsafe(wake.set))
        return listener if await run_in_threadpool(listener.start) else None


def feed_of(request: Request) -> Feed:
    state = request.app.state
    if getattr(state, "feed", None) is None:
        state.feed = Feed(state.study)
    return state.feed


def _cursor(request: Request) -> int | None:
    """Where this stream starts: the last id a reconnecting browser heard, else the page's ``after``."""
    for value in (request.headers.get("last-event-id"), request.query_params.get("after")):
        if value and value.strip().isdigit():
            return int(value)
    return None


@router.get("/events")
async def events(request: Request):
    """Server-sent events: one ``data:`` line of JSON per action by anyone (id, actor, action,
    summary, kind)."""
    person = current_person(request)
    study = request.app.state.study
    feed = feed_of(request)
    queue = feed.join()
    heard = _cursor(request)

    async def missed() -> list[dict]:
        """What came after the cursor and before the feed took over (read in pages of 200)."""
        events: list[dict] = []
        last = heard
        while last is not None:
            newest, page = await run_in_threadpool(study.events_after, last)
            events += page
            if len(page) < 200 or len(events) >= 1000:  # a page left open for days starts afresh
                break
            last = newest
        return events

    async def stream():
        sent = heard or 0
        try:
            yield "retry: 1000\n\n"
            for event in await missed():
                event["kind"] = KINDS.get(event["action"], "other")
                sent = event["id"]
                if await _hears(event):
                    yield f"id: {event['id']}\ndata: {json.dumps(event)}\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": still here\n\n"
                    continue
                if event["id"] <= sent:
                    continue
                sent = event["id"]
                if not await _hears(event):
                    continue
                yield f"id: {event['id']}\ndata: {json.dumps(event)}\n\n"
        finally:
            feed.leave(queue)

    async def _hears(event: dict) -> bool:
        return event["actor"] == person.name or not await run_in_threadpool(study.in_open_round, person.name)

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"cache-control": "no-store", "x-accel-buffering": "no"}
    )
