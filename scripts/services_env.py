"""Print `export` lines for the local PostgreSQL and Redis when they answer and the environment
does not already name a database or broker. Used by the Makefile; prints nothing otherwise, so
the project falls back to its embedded default (SQLite, eager Celery tasks)."""

import os
import socket


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def main() -> None:
    if "DATABASE_URL" not in os.environ and answers("127.0.0.1", 5432):
        try:
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True,
                                 connect_timeout=2) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'assets'").fetchone()
                if not exists:
                    conn.execute("CREATE DATABASE assets")
            print("export DATABASE_URL=postgres://postgres@127.0.0.1:5432/assets")
        except Exception as exc:  # noqa: BLE001 - any failure means: use the embedded default
            print(f"echo 'PostgreSQL answered but could not be used ({type(exc).__name__}); using SQLite' >&2")
    if "REDIS_URL" not in os.environ and answers("127.0.0.1", 6379):
        print("export REDIS_URL=redis://127.0.0.1:6379/0")


if __name__ == "__main__":
    main()
