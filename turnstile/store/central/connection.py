"""Connecting to the central database: the DSN from a 0600 file or the environment, TLS."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import conninfo

from turnstile.config import CentralConfig
from turnstile.store.central.roster import Conn
from turnstile.store.files import read_private_text

#: Environment variable holding the DSN (with its password) when no dsn_file is configured.
DSN_ENV = "TURNSTILE_CENTRAL_DSN"
#: Seconds a connection attempt may take before the kiosk carries on without the server.
CONNECT_TIMEOUT_S = 3
#: TCP keepalives notice a silently dead link (a cut cable, a rebooted router) in ~10 s.
_KEEPALIVES = {"keepalives": "1", "keepalives_idle": "5", "keepalives_interval": "2",
               "keepalives_count": "3"}


class CentralConfigError(ValueError):
    """The [central] settings are incomplete or unsafe (a readable credentials file)."""


@dataclass(frozen=True)
class Central:
    """Where the central database is and who this kiosk is: everything a connection needs."""

    dsn: str
    kiosk_id: str

    def connect(self, autocommit: bool = False) -> Conn:
        dsn = conninfo.make_conninfo(self.dsn, connect_timeout=str(CONNECT_TIMEOUT_S),
                                     **_KEEPALIVES)
        return psycopg.connect(dsn, autocommit=autocommit)

    @property
    def safe_dsn(self) -> str:
        """The DSN without its password, for messages and `central status`."""
        params = conninfo.conninfo_to_dict(self.dsn)
        if "password" in params:
            params["password"] = "***"
        return conninfo.make_conninfo("", **{k: str(v) for k, v in params.items()})


def _read_dsn_file(path: Path) -> str:
    """The DSN from a file only its owner can read (it holds the database password)."""
    return read_private_text(path, "central.dsn_file", CentralConfigError)


def _tls(config: CentralConfig) -> dict[str, str]:
    """TLS options: with a CA certificate configured, the server's name is verified too."""
    options: dict[str, str] = {}
    if config.sslrootcert:
        options["sslrootcert"] = str(Path(config.sslrootcert).expanduser())
    if config.sslcert:
        options["sslcert"] = str(Path(config.sslcert).expanduser())
    if config.sslkey:
        options["sslkey"] = str(Path(config.sslkey).expanduser())
    mode = config.sslmode or ("verify-full" if config.sslrootcert else "")
    if mode:
        options["sslmode"] = mode
    return options


def resolve(config: CentralConfig, environ: dict[str, str] | None = None) -> Central | None:
    """The central database this kiosk uses, or None when [central] is not configured."""
    env = os.environ if environ is None else environ
    if not config.configured:
        return None
    if not config.kiosk_id.strip():
        raise CentralConfigError("central.kiosk_id is required (a name for this kiosk, "
                                 "such as \"door-1\")")
    if config.dsn and config.dsn_file:
        raise CentralConfigError("give central.dsn or central.dsn_file, not both")
    if config.dsn_file:
        dsn = _read_dsn_file(Path(config.dsn_file).expanduser())
    elif env.get(DSN_ENV):
        dsn = env[DSN_ENV]
    elif config.dsn:
        dsn = config.dsn
        try:
            inline = conninfo.conninfo_to_dict(dsn)
        except psycopg.ProgrammingError as exc:
            raise CentralConfigError(f"central.dsn is not a valid connection string: {exc}") \
                from exc
        if inline.get("password"):
            raise CentralConfigError(
                "central.dsn must not contain a password (the config file is readable by "
                f"others): put the DSN in a 0600 central.dsn_file or ${DSN_ENV}")
    else:
        raise CentralConfigError(f"[central] needs dsn, dsn_file or ${DSN_ENV}")
    try:
        dsn = conninfo.make_conninfo(dsn, **_tls(config))
    except psycopg.ProgrammingError as exc:
        raise CentralConfigError(f"the central DSN is not a valid connection string: {exc}") \
            from exc
    return Central(dsn, config.kiosk_id.strip())
