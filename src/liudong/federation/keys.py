"""Issue 16: the node's key pairs, Ed25519 to sign and X25519 to be encrypted to, from
`cryptography`. They live only in the file LIUDONG_NODE_KEY_FILE names (mode 0600), never in the
database and never printed: `public_line` is what `liudong node init` prints and what another
node's `liudong node trust` takes."""
import base64
import dataclasses
import json
import os
import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from django.conf import settings

from liudong.errors import Invalid

RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}
LINE = re.compile(r"(\d{12}) ed25519:([A-Za-z0-9_-]{43}=?) x25519:([A-Za-z0-9_-]{43}=?)")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))


@dataclasses.dataclass(frozen=True)
class NodeKeys:
    node: str
    sign: Ed25519PrivateKey
    box: X25519PrivateKey

    @property
    def sign_public(self) -> str:
        return b64(self.sign.public_key().public_bytes(**RAW))

    @property
    def box_public(self) -> str:
        return b64(self.box.public_key().public_bytes(**RAW))

    def public_line(self) -> str:
        return f"{self.node} ed25519:{self.sign_public} x25519:{self.box_public}"

    def __repr__(self):  # never print a private key, not even by accident
        return f"NodeKeys({self.public_line()})"


def _private_raw(key) -> str:
    return b64(key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()))


def create(node: str, path: Path | None = None, *, replace: bool = False) -> NodeKeys:
    """New key pairs for `node`, written to the key file readable by its owner only. An existing
    file is kept unless `replace` (rotation: the peers then trust the new line from a date)."""
    path = Path(path or settings.LIUDONG_NODE_KEY_FILE)
    if path.exists() and not replace:
        raise Invalid({"key_file": [f"密钥文件已存在：{path}（轮换密钥请加 --rotate） / the key file exists already: {path} (use --rotate to replace it)"]})
    keys = NodeKeys(node, Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"node": node, "ed25519": _private_raw(keys.sign), "x25519": _private_raw(keys.box)}, f)
    os.replace(tmp, path)
    _CACHE.clear()
    return keys


_CACHE: dict = {}


def load(path: Path | None = None) -> NodeKeys:
    """The node's keys from its key file (read once per change of the file)."""
    path = Path(path or settings.LIUDONG_NODE_KEY_FILE)
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise Invalid({"key_file": [f"没有节点密钥文件 {path}：请先运行 liudong node init / no key file {path}: run `liudong node init` first"]}) from None
    if stamp not in _CACHE:
        data = json.loads(path.read_text())
        _CACHE.clear()
        _CACHE[stamp] = NodeKeys(data["node"], Ed25519PrivateKey.from_private_bytes(unb64(data["ed25519"])),
                                 X25519PrivateKey.from_private_bytes(unb64(data["x25519"])))
    return _CACHE[stamp]


def parse_line(line: str) -> tuple[str, str, str]:
    """(code, Ed25519 public key, X25519 public key) from what another node's `init` printed."""
    m = LINE.fullmatch((line or "").strip())
    if not m:
        raise Invalid({"line": ["应为另一节点 liudong node init 打印的一行：代码 ed25519:… x25519:… / give the line another node's `liudong node init` printed: CODE ed25519:… x25519:…"]})
    code, sign, box = m.groups()
    try:
        Ed25519PublicKey.from_public_bytes(unb64(sign))
        X25519PublicKey.from_public_bytes(unb64(box))
    except ValueError:
        raise Invalid({"line": ["公钥无效 / not a valid public key"]}) from None
    return code, b64(unb64(sign)), b64(unb64(box))
