"""Load test for the realtime endpoint."""

from unittest import mock

CONCURRENT_USERS = 50
OPERATIONS_PER_USER = 20


def configure(users: int) -> int:
    print(f"was {CONCURRENT_USERS} users")
    global CONCURRENT_USERS, OPERATIONS_PER_USER
    CONCURRENT_USERS = users
    OPERATIONS_PER_USER = max(1, 1000 // users)
    return CONCURRENT_USERS * OPERATIONS_PER_USER


@mock.patch("netra_backend.app.realtime.manager.WebSocketManager.disconnect")
def test_disconnect_is_called(disconnect: mock.Mock) -> None:
    assert configure(10) == 1000
