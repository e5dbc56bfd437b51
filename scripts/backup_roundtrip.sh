#!/usr/bin/env bash
# Back up a throwaway instance (migrations + the demo with its photos), wipe it, restore it and compare row counts,
# table digests and file checksums. SpatiaLite by default; for PostGIS pass a database that may be dropped:
#   scripts/backup_roundtrip.sh --database-url postgis://postgres@127.0.0.1:5432/wenming_roundtrip
# Options: --work DIR (keep files there with --keep). Exit status 0 when the restored instance is identical.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" -m backup.roundtrip "$@"
