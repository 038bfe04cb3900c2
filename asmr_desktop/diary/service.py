"""The diary's rules: session lifecycle, deferred ratings, the 2-hour check and red flags."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from tinydb.table import Document

from asmr_desktop.core.errors import StoreError
from asmr_desktop.core.store import Store
from asmr_desktop.diary.heartbeat import Beat
from asmr_desktop.diary.model import (
    CARE,
    SYMPTOMS,
    TRIGGERS,
    DiaryError,
    EndReason,
    Mode,
    RatingState,
    Session,
    check_choices,
    check_note,
    check_pain,
    stable_uid,
)

log = logging.getLogger(__name__)

TABLE = "sessions"
#: The check used in headache studies: pain-free two hours after starting.
TWO_HOUR_CHECK = timedelta(hours=2)
#: After this long the 2-hour question is no longer meaningful and is not asked.
TWO_HOUR_CHECK_LATEST = timedelta(hours=4)
#: Severe ratings (9-10) this many times within RED_FLAG_WINDOW call for medical advice.
SEVERE_PAIN = 9
SEVERE_COUNT = 3
RED_FLAG_WINDOW = timedelta(days=7)

ADVICE_UNUSUAL = (
    "Please get medical care now.\n\n"
    "A headache that starts suddenly and severely, is the worst you have had, or comes with "
    "weakness, numbness, confusion, changes in vision or speech, or follows a head injury "
    "should be seen by a doctor today. If it came on suddenly or you feel unwell, call your "
    "local emergency number.\n\n"
    "This app cannot judge what is causing your headache."
)
ADVICE_FREQUENT_SEVERE = (
    "You have rated your pain 9 or 10 three times in the past week.\n\n"
    "Headaches this severe and this often deserve a doctor's attention. Please contact a "
    "doctor soon, and get care now if the pain is the worst you have had or feels different "
    "from your usual headaches.\n\n"
    "This app cannot judge what is causing your headache."
)


def is_severe(session: Session) -> bool:
    return max(session.pain_after or 0, session.pain_before or 0) >= SEVERE_PAIN


def red_flag_advice(session: Session, sessions: Iterable[Session], now: datetime) -> str | None:
    """The advice a rating of ``session`` at ``now`` calls for: an unusual headache, or
    severe pain three times in the week up to ``now`` (``sessions``: the diary's, or at
    least its severe ones in that week)."""
    if session.unusual:
        return ADVICE_UNUSUAL
    if not is_severe(session):
        return None
    since = now - RED_FLAG_WINDOW
    severe = [s for s in sessions if since <= s.started <= now and is_severe(s)]
    return ADVICE_FREQUENT_SEVERE if len(severe) >= SEVERE_COUNT else None


@dataclass(frozen=True)
class SetAside:
    """A stored record that failed validation: kept unchanged in the file, left out of use."""

    doc_id: int
    reason: str
    fingerprint: str  # of the record's content: a changed record is a new notice

    def notice_key(self) -> str:
        return f"set-aside:{TABLE}:{self.doc_id}:{self.fingerprint}"


def set_aside_message(found: list[SetAside], store_file: Path) -> str:
    """'1 session could not be read and was set aside: ...' naming each record."""
    count = len(found)
    named = "; ".join(f"record {s.doc_id} ({s.reason.rstrip('.')})" for s in found[:5])
    more = f"; and {count - 5} more" if count > 5 else ""
    return (
        f"{count} session{'s' if count != 1 else ''} could not be read and "
        f"{'were' if count != 1 else 'was'} set aside: {named}{more}. "
        f"{'They stay' if count != 1 else 'It stays'} unchanged in {store_file}; "
        "everything else works as before."
    )


def _local_midnight(day: date) -> datetime:
    """The start of ``day`` in the computer's time zone, as an aware datetime."""
    return datetime.combine(day, time()).astimezone()


@dataclass(frozen=True)
class RatingOutcome:
    """The saved session and, when a red flag applies, the advice to show."""

    session: Session
    advice: str | None


class Diary:
    """Sessions in the data store. Every change is saved at once."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def now(self) -> datetime:
        """The diary's clock (injected; tests move it by hand)."""
        return self._clock()

    # -- reading ---------------------------------------------------------------------------
    def get(self, session_id: int) -> Session:
        doc = self._store.get(TABLE, session_id)
        if doc is None:
            raise DiaryError(f"There is no session number {session_id}.")
        return Session.from_record(dict(doc), doc.doc_id)

    def sessions(self, start: date | None = None, end: date | None = None) -> list[Session]:
        """Valid sessions, oldest first; ``start``/``end`` filter by local start date, inclusive.

        A record that fails validation is left out (see :meth:`set_aside`), never fatal.
        """
        low = _local_midnight(start) if start is not None else None
        high = _local_midnight(end + timedelta(days=1)) if end is not None else None
        result = []
        for doc in self._store.all(TABLE):
            if low is not None or high is not None:
                # Filter before the full (validating) parse: years of data stay quick.
                started = _quick_start(doc)
                if started is not None and (
                    (low is not None and started < low) or (high is not None and started >= high)
                ):
                    continue
            session = _parse(doc)
            if session is not None:
                result.append(session)
        result.sort(key=lambda s: s.started)
        return result

    def set_aside(self) -> list[SetAside]:
        """Stored records that fail validation (pain 99, a 1 MB note, ``started: 5``)."""
        found = []
        for doc in self._store.all(TABLE):
            try:
                Session.from_record(dict(doc), doc.doc_id)
            except DiaryError as exc:
                found.append(SetAside(doc.doc_id, str(exc), stable_uid(dict(doc))[:12]))
        return found

    def note_set_aside(self) -> list[SetAside]:
        """Keep a notice for the window about records set aside, until it has been seen."""
        found = self.set_aside()
        if found:
            log.warning("%d stored session(s) set aside: %s", len(found), found)
            # One notice per set of records: a newly damaged record brings a new notice.
            key = "set-aside:" + stable_uid({"records": [s.notice_key() for s in found]})
            try:
                self._store.add_notice(key, set_aside_message(found, self._store.path))
            except StoreError as exc:  # a full disk: the notice is kept on the next start
                log.warning("could not keep the notice about set-aside records: %s", exc)
        return found

    def _in_states(self, *states: RatingState) -> list[Session]:
        """Sessions in some states, parsing only those (quick with years of data)."""
        wanted = {str(state) for state in states}
        found = []
        for doc in self._store.all(TABLE):
            state = doc.get("state")
            if isinstance(state, str) and state in wanted:
                session = _parse(doc)
                if session is not None:
                    found.append(session)
        found.sort(key=lambda s: s.started)
        return found

    def open_session(self) -> Session | None:
        open_ = self._in_states(RatingState.OPEN)
        return open_[-1] if open_ else None

    # -- lifecycle -------------------------------------------------------------------------
    def start(
        self,
        mode: Mode,
        *,
        playlist: str = "",
        items: Iterable[str] = (),
        volume: float | None = None,
        migraine_mode: bool = False,
        pain_before: int | None = None,
    ) -> Session:
        """Record a session the moment it starts, so a crash or power cut loses nothing."""
        if pain_before is not None:
            check_pain(pain_before, "pain before")
        now = self._clock()
        session = Session(
            started=now,
            last_seen=now,
            mode=mode,
            playlist=playlist,
            items=list(items),
            volume=volume,
            migraine_mode=migraine_mode,
            pain_before=pain_before,
        )
        session.id = self._store.insert(TABLE, session.to_record())
        log.info("session %s started (%s)", session.id, mode)
        return session

    def heartbeat(self, session_id: int) -> None:
        """Note that a session is still running, so an interrupted one ends near the truth."""
        self._store.update(TABLE, session_id, {"last_seen": self._clock().isoformat()})

    def set_pain_before(self, session_id: int, pain: int | None) -> Session:
        if pain is not None:
            check_pain(pain, "pain before")
        return self._save(replace(self.get(session_id), pain_before=pain))

    def end(
        self,
        session_id: int,
        reason: EndReason,
        *,
        measured_s: float | None = None,
        heard: list[tuple[str, float]] | None = None,
        last_item: str | None = None,
    ) -> Session:
        """Close a session. One ended by the sleep timer waits to be rated next time.

        ``measured_s`` is its length on a monotonic clock; ``heard`` what was audible, and
        ``last_item`` what played at the end (None where not known).
        """
        session = self.get(session_id)
        if session.state is not RatingState.OPEN:
            return session
        now = self._clock()
        state = RatingState.DEFERRED if reason is EndReason.SLEEP_TIMER else RatingState.PENDING
        return self._save(
            replace(
                session,
                ended=now,
                last_seen=now,
                end_reason=reason,
                state=state,
                measured_s=measured_s,
                heard=heard,
                last_item=last_item,
            )
        )

    def close_interrupted(self, beat: Beat | None = None) -> list[Session]:
        """On start: sessions left open by a crash end at their last sign of life: the
        heartbeat file's last beat for the session it names, else the diary's last_seen."""
        closed = []
        for session in self._in_states(RatingState.OPEN):
            ended = session.last_seen or session.started
            measured: float | None = None
            heard: list[tuple[str, float]] | None = None
            last_item: str | None = None
            if beat is not None and beat.session_uid == session.uid:
                measured = beat.elapsed_s
                heard, last_item = beat.heard, beat.last_item
                # A clock set back meanwhile must not end it before it began.
                ended = max(beat.at, session.started)
            closed.append(
                self._save(
                    replace(
                        session,
                        ended=ended,
                        end_reason=EndReason.INTERRUPTED,
                        state=RatingState.DEFERRED,
                        measured_s=measured,
                        heard=heard,
                        last_item=last_item,
                    )
                )
            )
        if closed:
            log.info("closed %d interrupted session(s)", len(closed))
        return closed

    def unrated(self) -> list[Session]:
        """Ended sessions still waiting for a rating, oldest first."""
        return self._in_states(RatingState.PENDING, RatingState.DEFERRED)

    # -- rating ----------------------------------------------------------------------------
    def rate(
        self,
        session_id: int,
        pain_after: int,
        *,
        triggers: Iterable[str] = (),
        care: Iterable[str] = (),
        symptom: str | None = None,
        note: str = "",
        unusual: bool = False,
    ) -> RatingOutcome:
        """Save a rating (validated first; nothing is saved if any part is wrong)."""
        check_pain(pain_after)
        if symptom is not None and symptom not in SYMPTOMS:
            raise DiaryError(f"Unknown symptom {symptom!r}.")
        session = replace(
            self.get(session_id),
            pain_after=pain_after,
            rated_at=self._clock(),
            state=RatingState.RATED,
            triggers=check_choices(list(triggers), TRIGGERS, "trigger"),
            care=check_choices(list(care), CARE, "care"),
            symptom=symptom,
            note=check_note(note),
            unusual=unusual,
        )
        if session.ended is None:
            now = self._clock()
            session = replace(session, ended=now, last_seen=now, end_reason=EndReason.STOPPED)
        saved = self._save(session)
        return RatingOutcome(saved, self.advice_for(saved))

    def dismiss(self, session_id: int) -> Session:
        """The person chose not to rate this session."""
        session = self.get(session_id)
        if session.state is RatingState.RATED:
            return session
        if session.state is RatingState.OPEN:
            now = self._clock()
            session = replace(session, ended=now, end_reason=EndReason.STOPPED)
        return self._save(replace(session, state=RatingState.DISMISSED))

    def advice_for(self, session: Session) -> str | None:
        """Red flags: an unusual headache, or severe pain three times within a week."""
        return red_flag_advice(session, self.sessions(), self._clock())

    # -- the 2-hour check ------------------------------------------------------------------
    def two_hour_checks_due(self) -> list[Session]:
        """Sessions that started with pain two to four hours ago and were not yet asked."""
        now = self._clock()
        return [
            s
            for s in self.sessions()
            if (s.pain_before or 0) > 0
            and not s.two_hour_asked
            and s.started + TWO_HOUR_CHECK <= now < s.started + TWO_HOUR_CHECK_LATEST
        ]

    def next_two_hour_check(self) -> datetime | None:
        """When the next 2-hour question falls due, for the UI's timer."""
        now = self._clock()
        times = [
            s.started + TWO_HOUR_CHECK
            for s in self.sessions()
            if (s.pain_before or 0) > 0
            and not s.two_hour_asked
            and now < s.started + TWO_HOUR_CHECK_LATEST
        ]
        return min(times) if times else None

    def answer_two_hour_check(self, session_id: int, pain_free: bool | None) -> Session:
        """Record the answer; None means the person skipped the question."""
        session = self.get(session_id)
        return self._save(replace(session, pain_free_2h=pain_free, two_hour_asked=True))

    # -- editing with undo -----------------------------------------------------------------
    def edit_rating(self, session_id: int, **changes: object) -> Session:
        """Change a rating; returns the session as it was, for undo."""
        before = self.get(session_id)
        merged = before.to_record()
        merged.update(changes)
        if "pain_after" in changes and changes["pain_after"] is not None:
            merged["state"] = str(RatingState.RATED)
        edited = Session.from_record(merged, session_id)  # validates every field
        self._save(edited)
        return before

    def delete_rating(self, session_id: int) -> Session:
        """Clear the rating (the session stays); returns the session as it was, for undo."""
        before = self.get(session_id)
        cleared = replace(
            before,
            pain_after=None,
            rated_at=None,
            triggers=[],
            care=[],
            symptom=None,
            note="",
            unusual=False,
            state=RatingState.DISMISSED,
        )
        self._save(cleared)
        return before

    def delete_session(self, session_id: int) -> Session:
        """Remove a session; returns it, for undo."""
        before = self.get(session_id)
        self._store.remove(TABLE, session_id)
        return before

    def restore(self, snapshot: Session) -> Session:
        """Undo: put a session back exactly as it was (re-adding it if it was deleted)."""
        if snapshot.id is not None and self._store.get(TABLE, snapshot.id) is not None:
            return self._save(snapshot)
        restored = replace(snapshot, id=None)
        restored.id = self._store.insert(TABLE, restored.to_record())
        return restored

    # -- helpers ---------------------------------------------------------------------------
    def _save(self, session: Session) -> Session:
        if session.id is None:
            raise DiaryError("This session was never saved.")
        self._store.update(TABLE, session.id, session.to_record())
        return session


def _parse(doc: Document) -> Session | None:
    """The session of a stored record, or None when it fails validation (set aside)."""
    try:
        return Session.from_record(dict(doc), doc.doc_id)
    except DiaryError:
        return None


def _quick_start(doc: dict[str, Any]) -> datetime | None:
    """A record's start time when it is plainly readable; None leaves it to the full parse."""
    value = doc.get("started")
    if not isinstance(value, str):
        return None
    try:
        started = datetime.fromisoformat(value)
    except ValueError:
        return None
    return started if started.tzinfo is not None else None
