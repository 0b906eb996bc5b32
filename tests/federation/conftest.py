"""Federation tests in one process: this node's keys in a temporary key file, a peer's keys
made the same way (as its own `liudong node init` would) and trusted in the directory."""
import pytest

from liudong.federation import directory, keys
from tests.exchange.helpers import at

GD, SC = "440000000000", "510000000000"


@pytest.fixture
def as_node(settings, tmp_path):
    """as_node(code): this process is node `code`, with fresh keys in its own key file."""
    def become(code: str):
        settings.LIUDONG_NODE = code
        settings.LIUDONG_NODE_KEY_FILE = tmp_path / f"{code}.key"
        if not settings.LIUDONG_NODE_KEY_FILE.exists():
            keys.create(code, settings.LIUDONG_NODE_KEY_FILE)
        return keys.load()
    return become


@pytest.fixture
def peer(tmp_path):
    """peer(code): another node's keys (in a key file of its own) trusted here from 2026-01-01."""
    def make(code: str, trusted_from: str = "2026-01-01"):
        other = keys.create(code, tmp_path / f"peer-{code}.key")
        directory.trust(line=other.public_line(), on=at(trusted_from).date(), now=at("2026-11-28"))
        return other
    return make
