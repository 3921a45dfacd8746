#!/bin/sh
# Generate a company of scale $1 (S, M or L) on SQLite and PostgreSQL and benchmark it,
# writing both sections of BENCHMARKS.md. Timings of the generation go to stderr.
#
#   benchmarks/scale.sh L [repeat]
#
# SQLite: a fresh file under var/scale-<scale> in the checkout (or $SCALE_VAR_ROOT-<scale>).
# PostgreSQL: a fresh database sp_scale_<scale> on $SCALE_PG (default local, trust auth).
set -eu
SCALE=${1:-S}
REPEAT=${2:-5}
LOWER=$(echo "$SCALE" | tr 'A-Z' 'a-z')
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/.venv/bin/salespath"
VAR="${SCALE_VAR_ROOT:-$ROOT/var/scale}-$LOWER"
PG="${SCALE_PG:-postgres://postgres@127.0.0.1:5432}"

rm -rf "$VAR"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS sp_scale_$LOWER" -c "CREATE DATABASE sp_scale_$LOWER"

# The two generations run side by side (one core each); each must stay under 10 minutes.
env -u DATABASE_URL SALESPATH_VAR_DIR="$VAR" BIN="$BIN" SCALE="$SCALE" sh -c '
    "$BIN" migrate -v0 &&
    /usr/bin/time -f "generate $SCALE on SQLite: %e s wall, %M KiB peak" "$BIN" generate --scale "$SCALE"' &
DATABASE_URL="$PG/sp_scale_$LOWER" BIN="$BIN" SCALE="$SCALE" sh -c '
    "$BIN" migrate -v0 &&
    /usr/bin/time -f "generate $SCALE on PostgreSQL: %e s wall, %M KiB peak" "$BIN" generate --scale "$SCALE"' &
wait

# The benchmarks run one after the other, alone.
env -u DATABASE_URL SALESPATH_VAR_DIR="$VAR" "$BIN" bench --scale "$SCALE" --repeat "$REPEAT" --write
DATABASE_URL="$PG/sp_scale_$LOWER" "$BIN" bench --scale "$SCALE" --repeat "$REPEAT" --write
