"""The README's walkthrough through the Python client generated from /api/openapi.json
(`.ci/client`): register, log in, create an event, join it, read its members and the log,
and a second join answered 409 as a typed problem. Every answer is checked against its
generated model; run with the generated package on PYTHONPATH and the service's URL."""

import datetime
import sys

from event_manager_client import AuthenticatedClient, Client
from event_manager_client.api.auth import auth_login, auth_register
from event_manager_client.api.events import events_create
from event_manager_client.api.logs import logs_all
from event_manager_client.api.membership import membership_join, membership_list_members
from event_manager_client.models import (
    EventBody,
    EventFields,
    Joined,
    Login,
    PageBodyLogBody,
    PageBodyMemberBody,
    Problem,
    Register,
    SeatStatus,
    TokensBody,
    TokenType,
    UserBody,
)


def expect(answer, status, model):
    """The answer's parsed body, after checking its status and its generated type."""
    assert answer.status_code == status, f"{answer.status_code} (wanted {status}): {answer.content!r}"
    assert isinstance(answer.parsed, model), f"{type(answer.parsed).__name__}, wanted {model.__name__}"
    return answer.parsed


def main(base: str) -> None:
    anonymous = Client(base_url=base, raise_on_unexpected_status=True)
    user = expect(
        auth_register.sync_detailed(
            client=anonymous,
            body=Register(username="ali", email="ali@example.com", password="correct horse"),
        ),
        201,
        UserBody,
    )
    tokens = expect(
        auth_login.sync_detailed(client=anonymous, body=Login(username="ali", password="correct horse")),
        200,
        TokensBody,
    )
    assert tokens.token_type == TokenType.BEARER
    ali = AuthenticatedClient(base_url=base, token=tokens.access, raise_on_unexpected_status=True)

    start = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
    event = expect(
        events_create.sync_detailed(
            client=ali,
            body=EventFields(title="Rust meetup", start_time=start, capacity=2, waitlist_enabled=True),
        ),
        201,
        EventBody,
    )
    assert event.start_time == start.replace(microsecond=event.start_time.microsecond), event.start_time

    joined = expect(membership_join.sync_detailed(event.id, client=ali), 201, Joined)
    assert joined.user.id == user.id and joined.status == SeatStatus.MEMBER, joined

    members = expect(membership_list_members.sync_detailed(event.id, client=ali), 200, PageBodyMemberBody)
    assert [m.user.username for m in members.results] == ["ali"], members

    log = expect(logs_all.sync_detailed(client=ali), 200, PageBodyLogBody)
    kinds = [entry.type_ for entry in log.results]
    assert kinds[:2] == ["member_joined", "event_created"], kinds

    again = expect(membership_join.sync_detailed(event.id, client=ali), 409, Problem)
    assert again.status == 409 and again.detail, again
    print(f"generated client: registered, logged in, created {event.id}, joined, read "
          f"{members.count} member(s) and {log.count} log entries; a second join: 409 {again.detail!r}")


if __name__ == "__main__":
    main(sys.argv[1])
