"""mqtts:// against a real TLS broker the test owns: a private mosquitto on free ports, with a
CA and server certificate made here with the openssl command."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.links.conftest import Kiosk, Listener, config, listen, wait_until
from tests.links.test_mqtt import Follower
from turnstile.cli import main
from turnstile.config import Config
from turnstile.configlinks import MqttConfig
from turnstile.links.streams import prepare
from turnstile.store.outbox import Outbox

MOSQUITTO = "/usr/sbin/mosquitto"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _openssl(*args: str, cwd: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed: no certificates for a TLS broker")
    subprocess.run([openssl, *args], cwd=cwd, check=True, capture_output=True)


def make_ca(folder: Path, name: str) -> Path:
    """A self-signed CA (EC P-256, two days): its certificate; the key lies next to it."""
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.crt", "-days", "2",
             "-subj", f"/CN=Turnstile test {name}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
    return folder / f"{name}.crt"


def make_server_cert(folder: Path, ca: str) -> tuple[Path, Path]:
    """The broker's certificate for 127.0.0.1, signed by the CA `ca`; (certificate, key)."""
    (folder / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n")
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1",
             cwd=folder)
    _openssl("x509", "-req", "-in", "server.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key",
             "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext",
             cwd=folder)
    return folder / "server.crt", folder / "server.key"


@dataclass(frozen=True)
class TlsBroker:
    tls_port: int
    #: A plain listener on the same broker, for the test's own subscriber only.
    plain_port: int
    ca: Path
    log: Path


@pytest.fixture
def tls_broker(tmp_path: Path) -> Iterator[TlsBroker]:
    """A mosquitto of the test's own on free ports (never the machine's broker on 1883)."""
    if not os.access(MOSQUITTO, os.X_OK):
        pytest.skip(f"{MOSQUITTO} is not installed: no private TLS broker to test mqtts:// on")
    folder = tmp_path / "broker"
    folder.mkdir()
    ca = make_ca(folder, "ca")
    cert, key = make_server_cert(folder, "ca")
    tls_port, plain_port = _free_port(), _free_port()
    log = folder / "mosquitto.log"
    lines = ["persistence false", f"log_dest file {log}", "allow_anonymous true",
             f"listener {tls_port} 127.0.0.1", f"cafile {ca}", f"certfile {cert}",
             f"keyfile {key}", f"listener {plain_port} 127.0.0.1"]
    if os.geteuid() == 0:
        lines.insert(0, "user root")  # it would drop to a user who cannot read tmp_path
    conf = folder / "mosquitto.conf"
    conf.write_text("\n".join(lines) + "\n")
    process = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        def listening() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"mosquitto ended: {process.stderr.read()!r}"  # type: ignore[union-attr]
                                     f" {log.read_text() if log.exists() else ''}")
            try:
                socket.create_connection(("127.0.0.1", plain_port), timeout=1).close()
                socket.create_connection(("127.0.0.1", tls_port), timeout=1).close()
            except OSError:
                return False
            return True

        wait_until(listening)
        yield TlsBroker(tls_port, plain_port, ca, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _config(broker: TlsBroker, prefix: str, ca_file: Path) -> Config:
    return config(mqtt=MqttConfig(url=f"mqtts://127.0.0.1:{broker.tls_port}", topic=prefix,
                                  kiosk_id="door-1", discovery_prefix=f"{prefix}/ha",
                                  ca_file=str(ca_file)))


@pytest.fixture
def subscriber(tls_broker: TlsBroker, prefix: str) -> Iterator[Listener]:
    found = listen("127.0.0.1", tls_broker.plain_port, f"{prefix}/#")
    yield found
    found.client.disconnect()
    found.client.loop_stop()


def test_mqtts_with_the_brokers_ca_delivers(kiosk: Kiosk, tls_broker: TlsBroker,
                                            subscriber: Listener, prefix: str) -> None:
    cfg = _config(tls_broker, prefix, tls_broker.ca)
    prepare(kiosk.conn, cfg)
    follower = Follower(kiosk, cfg)
    try:
        assert follower.sink.wait_connected(60), follower.sink.problem
        wait_until(lambda: b"online" in subscriber.on(f"{prefix}/door-1/status"))
        kiosk.grant()
        wait_until(lambda: len(subscriber.events(prefix)) == 1)
        wait_until(lambda: Outbox(kiosk.conn, "mqtt").size() == 0)  # its PUBACK came back
    finally:
        follower.close()
    assert [e["outcome"] for e in subscriber.events(prefix)] == ["granted"]


def test_a_broker_signed_by_another_ca_is_refused_clearly(
        kiosk: Kiosk, tls_broker: TlsBroker, subscriber: Listener, prefix: str,
        tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    cfg = _config(tls_broker, prefix, make_ca(other, "stranger"))
    prepare(kiosk.conn, cfg)
    kiosk.grant()
    follower = Follower(kiosk, cfg)
    try:
        wait_until(lambda: "is not trusted" in follower.sink.problem)
        problem = follower.sink.problem
        assert not follower.sink.connected
    finally:
        follower.close()
    # OpenSSL's own words for why (they vary by version) stand in the brackets.
    assert problem.startswith(f"the TLS certificate of the broker 127.0.0.1:"
                              f"{tls_broker.tls_port} is not trusted (")
    assert problem.endswith("); check events.mqtt.ca_file (retrying)")
    # Nothing reached the broker, so nothing was acknowledged: the event waits its turn.
    assert subscriber.messages == []
    assert Outbox(kiosk.conn, "mqtt").size() == 1


def test_sync_once_says_the_certificate_is_not_trusted(
        kiosk: Kiosk, tls_broker: TlsBroker, prefix: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other"
    other.mkdir()
    config_file = tmp_path / "config.toml"
    config_file.write_text(f"""
[events.mqtt]
url = "mqtts://127.0.0.1:{tls_broker.tls_port}"
topic = "{prefix}"
kiosk_id = "door-1"
ca_file = "{make_ca(other, 'stranger')}"
""")
    argv = ["sync", "--once", "--config", str(config_file), "--db", str(kiosk.path)]
    assert main(argv) == 0  # registers the stream
    kiosk.grant()
    assert main([*argv, "--wait", "10"]) == 1
    out = capsys.readouterr().out
    assert "mqtt: 0 event(s) delivered, 1 left" in out
    assert "is not trusted" in out and "check events.mqtt.ca_file" in out
