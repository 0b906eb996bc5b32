"""Issue 16: an envelope between nodes. In clear only the routing (version, global id, envelope
type, message kind, sending and receiving node and division, time of writing): all the hub and the
streams can read. The body, with the person's identifying fields, is encrypted to the receiving
node (an ephemeral X25519 agreement, HKDF-SHA256, ChaCha20-Poly1305 with the routing as associated
data, so the routing cannot be changed either) and the whole is signed by the sending node
(Ed25519)."""
import hashlib
import json
import os

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .keys import RAW, NodeKeys, b64, unb64

VERSION = 1
ROUTING = ("v", "id", "type", "kind", "from_node", "to_node", "sender", "receiver", "created_at")
INFO = b"liudong-envelope-v1"


class Refused(Exception):
    """An envelope that cannot be accepted; `reason` is a federation.choices.Refusal."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


def canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _key(shared: bytes, epk: bytes, rpk: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=epk + rpk, info=INFO).derive(shared)


def seal(routing: dict, plaintext: bytes, *, keys: NodeKeys, to_box_key: str) -> bytes:
    """The envelope's bytes: routing in clear, `plaintext` encrypted to the holder of
    `to_box_key`, signed with this node's key."""
    routing = {"v": VERSION, **{k: routing[k] for k in ROUTING if k != "v"}}
    recipient = unb64(to_box_key)
    ephemeral = X25519PrivateKey.generate()
    epk = ephemeral.public_key().public_bytes(**RAW)
    key = _key(ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient)), epk, recipient)
    nonce = os.urandom(12)
    sealed = {"epk": b64(epk), "nonce": b64(nonce), "ct": b64(ChaCha20Poly1305(key).encrypt(nonce, plaintext, canonical(routing)))}
    body = {"routing": routing, "sealed": sealed}
    return canonical({**body, "sig": b64(keys.sign.sign(canonical(body)))})


def parse(raw: bytes) -> dict:
    """The envelope as data, its routing checked for shape (not yet its signature)."""
    try:
        env = json.loads(raw)
        routing, sealed = env["routing"], env["sealed"]
        if not isinstance(routing, dict) or set(routing) != set(ROUTING) or routing["v"] != VERSION:
            raise ValueError("routing")
        if not all(isinstance(routing[k], str) for k in ROUTING if k != "v") or not isinstance(sealed, dict):
            raise ValueError("fields")
        for k in ("from_node", "to_node", "sender", "receiver"):
            if len(routing[k]) != 12 or not routing[k].isdigit():
                raise ValueError(k)
        if not 0 < len(routing["id"]) <= 36:
            raise ValueError("id")
    except (ValueError, KeyError, TypeError) as e:
        raise Refused("malformed", str(e)[:200]) from None
    return env


def verify(env: dict, sign_key: str) -> None:
    sig = env.get("sig")
    if not sig or not isinstance(sig, str):
        raise Refused("unsigned")
    try:
        Ed25519PublicKey.from_public_bytes(unb64(sign_key)).verify(unb64(sig), canonical({"routing": env["routing"], "sealed": env["sealed"]}))
    except (InvalidSignature, ValueError):
        raise Refused("forged", "签名与目录中的公钥不符 / the signature does not match the directory's key") from None


def open_sealed(env: dict, keys: NodeKeys) -> bytes:
    sealed = env["sealed"]
    try:
        epk = unb64(sealed["epk"])
        mine = keys.box.public_key().public_bytes(**RAW)
        key = _key(keys.box.exchange(X25519PublicKey.from_public_bytes(epk)), epk, mine)
        return ChaCha20Poly1305(key).decrypt(unb64(sealed["nonce"]), unb64(sealed["ct"]), canonical(env["routing"]))
    except (InvalidTag, ValueError, KeyError, TypeError):
        raise Refused("undecryptable") from None


def digest(env: dict, plaintext: bytes) -> str:
    """What makes two envelopes the same: the routing and the clear body (the ciphertext differs at
    every sealing)."""
    return hashlib.sha256(canonical(env["routing"]) + b"\0" + plaintext).hexdigest()
