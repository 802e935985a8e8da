"""Delivering the outbox: Web Push to every subscription, SMS when push cannot reach someone.

Every notification is in the inbox from the moment it is written. A delivery
round claims due rows (see ``outbox``), pushes each to all of its user's
subscriptions in the subscription's script, falls back to SMS for the events
that matter most, and records which channel carried it:

- any subscription accepted it: ``push``;
- an important kind, and no subscription of the user has delivered anything in
  the last 30 days (or this is the last attempt): ``sms``, at most once, because
  a delivered row is never claimed again;
- nothing to send to: ``inbox``.

429 and 5xx answers (and network errors, and a failed SMS gateway) are retried
with exponential backoff, or after ``Retry-After``; after ``max_attempts`` or
``max_age_seconds`` the row gives up and stays in the inbox only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import msgspec

from backend.accounts import service as accounts
from backend.accounts.structs import Contact
from backend.lib.i18n import Locale, Texts
from backend.lib.sms import SmsFailed, SmsSender, make_sender
from backend.notifications import _outbox as outbox
from backend.notifications._inbox import in_script, text
from backend.notifications._outbox import Outcome, Tally
from backend.notifications._push import PushClient, PushResult, Urgency, encode_fitting, topic_for
from backend.notifications._vapid import Vapid
from backend.notifications.structs import Outgoing, PushMessage, Target
from backend.settings import Settings

log = logging.getLogger("bianmin.delivery")

#: Kinds that fall back to SMS when push does not reach the user; "filed for you" too:
#: a case filed in someone's name must reach them, with the app or without it.
IMPORTANT = frozenset(
    {
        "case.accept",
        "case.request_info",
        "case.extension_asked",
        "case.resolve",
        "booking.reminder",
        "case.filed_for_you",
    }
)
#: How long a push service keeps a message for an offline phone; a reminder is
#: worthless after its day, a status change is worth a week.
TTL_SECONDS = {
    "booking.reminder": 12 * 3600,
    "case.due_soon": 86400,
    "case.overdue": 86400,
    "case.remind": 86400,
    "case.silent": 86400,
}
DEFAULT_TTL = 7 * 86400
URGENCY: dict[str, Urgency] = {"case.request_info": "high", "booking.reminder": "high"}
#: What an SMS may say: never a text someone typed (a case title, a note), only what the
#: county wrote or the system made. A resident gets texts about cases others filed for
#: them (代办), and the official sender must not carry another person's words.
SMS_PARAMS = ("receipt_no", "service", "when")
#: Characters of a service name kept in an SMS (one SMS holds 70 Chinese characters).
SMS_NAME_CHARS = 20


class Policy(msgspec.Struct, frozen=True):
    batch: int = 500
    lease_seconds: int = 120
    max_attempts: int = 8
    max_age_seconds: int = 2 * 86400
    backoff_seconds: int = 30
    backoff_cap_seconds: int = 3600
    #: No push delivered to any of the user's devices for this long: SMS instead.
    sms_after_days: int = 30
    #: A subscription refused this many times since its last success is dropped.
    max_refusals: int = 5

    def backoff(self, attempts: int) -> float:
        """30 s, 1 min, 2 min, … up to an hour, for the 1st, 2nd, 3rd … failed attempt."""
        return float(min(self.backoff_cap_seconds, self.backoff_seconds * 2 ** max(0, attempts - 1)))


class DeliveryReport(msgspec.Struct):
    claimed: int = 0
    push: int = 0
    sms: int = 0
    inbox: int = 0
    retried: int = 0
    gave_up: int = 0


class Deliverer:
    """One delivery round at a time; any number of deliverers may run side by side."""

    def __init__(self, texts: Texts, push: PushClient, sms: SmsSender, policy: Policy | None = None) -> None:
        self.texts = texts
        self.push = push
        self.sms = sms
        self.policy = policy or Policy()

    async def run_once(self, now: datetime) -> DeliveryReport:
        """Claim one batch of due notifications, deliver it, record the results."""
        batch = await outbox.claim(now, self.policy.batch, self.policy.lease_seconds)
        report = DeliveryReport(claimed=len(batch))
        if not batch:
            return report
        user_ids = sorted({item.user_id for item in batch})
        subscriptions = await outbox.targets(user_ids)
        people = await accounts.contacts(user_ids)
        tally = Tally()
        outcomes = await asyncio.gather(
            *(
                self._deliver(item, subscriptions.get(item.user_id, []), people.get(item.user_id), now, tally)
                for item in batch
            )
        )
        # SMS deliveries were recorded the moment they were sent.
        rest = [outcome for outcome in outcomes if not (outcome.state == "delivered" and outcome.channel == "sms")]
        await outbox.record(rest, tally, now, self.policy.max_refusals)
        for outcome in outcomes:
            if outcome.state == "delivered":
                setattr(report, outcome.channel, getattr(report, outcome.channel) + 1)
            elif outcome.state == "retry":
                report.retried += 1
            else:
                report.gave_up += 1
        return report

    async def _deliver(
        self, item: Outgoing, targets: list[Target], person: Contact | None, now: datetime, tally: Tally
    ) -> Outcome:
        try:
            return await self._try(item, targets, person, now, tally)
        except Exception as exc:  # one bad row must not sink its batch
            log.exception("delivering notification %s failed", item.id)
            error = f"{type(exc).__name__}: {exc}"
            if item.attempts >= self.policy.max_attempts:
                return Outcome(item.id, "gave_up", error=error)
            return Outcome(
                item.id, "retry", at=now + timedelta(seconds=self.policy.backoff(item.attempts)), error=error
            )

    async def _try(
        self, item: Outgoing, targets: list[Target], person: Contact | None, now: datetime, tally: Tally
    ) -> Outcome:
        policy = self.policy
        if person is None:
            return Outcome(item.id, "gave_up", error="user removed")
        if (now - item.created_at).total_seconds() > policy.max_age_seconds:
            return Outcome(item.id, "gave_up", error="too old to send")
        if item.attempts > policy.max_attempts:
            # Claimed again and again by workers that died on it: stop trying.
            return Outcome(item.id, "gave_up", error=f"gave up after {item.attempts - 1} attempts")
        if len(targets) == 1:  # the usual case; saves a task per message in a large fan-out
            results = [await self._push(item, targets[0], person.locale, now)]
        else:
            results = list(await asyncio.gather(*(self._push(item, target, person.locale, now) for target in targets)))
        for target, result in zip(targets, results, strict=True):
            tally.add(target.id, result.outcome)
        if any(result.outcome == "ok" for result in results):
            return Outcome(item.id, "delivered", "push")
        busy = [result for result in results if result.outcome == "retry"]
        last_try = item.attempts >= policy.max_attempts
        error = next((result.error for result in results if result.outcome != "gone"), None)
        if item.kind in IMPORTANT and (last_try or not self._reached_lately(targets, results, now)):
            sent = await self._sms(item, person, now)
            if sent is None:
                return Outcome(item.id, "delivered", "sms")
            busy.append(PushResult("retry", error=sent))
            error = sent
        if busy and not last_try:
            wait = max([policy.backoff(item.attempts), *(r.retry_after for r in busy if r.retry_after is not None)])
            return Outcome(item.id, "retry", at=now + timedelta(seconds=wait), error=error)
        if error is not None:
            return Outcome(item.id, "gave_up", error=f"gave up after {item.attempts} attempts: {error}")
        return Outcome(item.id, "delivered", "inbox")

    def _reached_lately(self, targets: list[Target], results: list[PushResult], now: datetime) -> bool:
        since = now - timedelta(days=self.policy.sms_after_days)
        return any(
            result.outcome != "gone" and target.last_success_at is not None and target.last_success_at >= since
            for target, result in zip(targets, results, strict=True)
        )

    def message(self, item: Outgoing, locale: Locale) -> bytes:
        """The push payload for one device's script, shortened to fit a push message."""
        title, body = text(item.kind, item.params, locale, self.texts)
        topic = topic_for(item.case_id)
        return encode_fitting(
            PushMessage(
                title=title,
                body=body,
                url=f"/#/cases/{item.case_id}" if item.case_id is not None else "/#/notifications",
                tag=topic or f"notification-{item.id}",
                kind=item.kind,
                id=item.id,
                case_id=item.case_id,
            )
        )

    async def _push(self, item: Outgoing, target: Target, user_locale: Locale, now: datetime) -> PushResult:
        return await self.push.send(
            target,
            self.message(item, target.locale or user_locale),
            ttl=TTL_SECONDS.get(item.kind, DEFAULT_TTL),
            urgency=URGENCY.get(item.kind, "normal"),
            topic=topic_for(item.case_id),
            now=now,
        )

    async def _sms(self, item: Outgoing, person: Contact, now: datetime) -> str | None:
        """Send the SMS and record it at once (so a crash cannot send it twice); the error, if any."""
        shown = in_script(item.params, person.locale, self.texts)
        params = {key: shown[key] for key in SMS_PARAMS if key in shown}
        name = str(params["service"])
        params["service"] = name if len(name) <= SMS_NAME_CHARS else name[: SMS_NAME_CHARS - 1] + "…"
        try:
            await self.sms.send(person.phone, self.texts.t(person.locale, f"sms.{item.kind}", **params), "notification")
        except SmsFailed as exc:
            return f"sms: {exc}"
        await outbox.record([Outcome(item.id, "delivered", "sms")], Tally(), now, self.policy.max_refusals)
        return None

    async def run_forever(self, clock_now: Callable[[], datetime], interval: float, lanes: int = 2) -> None:
        """Deliver until cancelled, in ``lanes`` rounds side by side.

        While one lane waits on the database (claiming or recording a batch), the
        other's messages are on the wire, so the connections never stand idle
        between batches; the client's semaphore still bounds what is in flight.
        """
        await asyncio.gather(*(self._lane(clock_now, interval, interval * n / lanes) for n in range(lanes)))

    async def _lane(self, clock_now: Callable[[], datetime], interval: float, delay: float) -> None:
        """At once again after a full batch, else every ``interval`` seconds."""
        await asyncio.sleep(delay)
        while True:
            try:
                report = await self.run_once(clock_now())
                if report.claimed:
                    log.info("delivery: %s", msgspec.json.encode(report).decode())
            except Exception:  # the next round retries; the database may be restarting
                log.exception("delivery round failed")
                report = DeliveryReport()
            if report.claimed < self.policy.batch:
                await asyncio.sleep(interval)


@asynccontextmanager
async def deliverer(
    settings: Settings, texts: Texts, vapid: Vapid, sms: SmsSender | None = None
) -> AsyncIterator[Deliverer]:
    """A deliverer configured by ``settings``; its HTTP clients (and ``sms`` if it made it) close on exit."""
    push = PushClient(vapid, settings.push_concurrency, allowance=settings.push_allowance)
    own_sms = sms is None
    sms = sms or make_sender(settings.sms_backend, settings.sms_webhook_url)
    try:
        yield Deliverer(texts, push, sms, Policy(lease_seconds=settings.delivery_lease_seconds))
    finally:
        await push.aclose()
        if own_sms:
            await sms.aclose()


async def run_forever(
    settings: Settings, texts: Texts, vapid: Vapid, clock_now: Callable[[], datetime], sms: SmsSender | None = None
) -> None:
    """Deliver until cancelled (``bianmin worker``, or inside a single-process ``bianmin serve``)."""
    async with deliverer(settings, texts, vapid, sms) as running:
        await running.run_forever(clock_now, settings.delivery_interval_seconds)
