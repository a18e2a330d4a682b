#!/usr/bin/env bash
# The demo behind './build.sh demo': build.sh has started a throwaway MariaDB and exported SLUICE_TEST_MYSQL_*.
# It creates a small shop database, shows the source's readiness, then writes changes while Sluice's own binlog
# client streams them live.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIGURATION=${CONFIGURATION:-Release}
SLUICE="dotnet src/Sluice.Cli/bin/$CONFIGURATION/net10.0/sluice.dll"
H=$SLUICE_TEST_MYSQL_HOST P=$SLUICE_TEST_MYSQL_PORT
SOURCE="Server=$H;Port=$P;User ID=$SLUICE_TEST_MYSQL_REPL_USER;Password=$SLUICE_TEST_MYSQL_REPL_PASSWORD;SslMode=Required"
sql() { MYSQL_PWD=$SLUICE_TEST_MYSQL_ROOT_PASSWORD mariadb --no-defaults -h"$H" -P"$P" -u"$SLUICE_TEST_MYSQL_ROOT_USER" "$@"; }

echo "== a sample source: database 'shop' on MariaDB at $H:$P"
sql <<'SQL'
CREATE DATABASE shop;
CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(64), email VARCHAR(128), vip TINYINT(1), created DATETIME(6));
CREATE TABLE shop.orders (id BIGINT UNSIGNED PRIMARY KEY, customer_id INT, total DECIMAL(12,2), status ENUM('new','paid','shipped'), tags SET('gift','express'), placed TIMESTAMP(3) NULL);
CREATE TABLE shop.page_views (url VARCHAR(255), viewed DATE, seconds TIME);
SQL

echo
echo "== sluice binlog status (is the source ready for replication?)"
$SLUICE binlog status --source "$SOURCE"

echo
echo "== writing changes to the source while 'sluice binlog tail' streams them (TLS on)"
rounds=12
start=$(sql -N -e "SHOW MASTER STATUS" | awk '{print $1 ":" $2}')
(
  for i in $(seq 1 "$rounds"); do
    sql shop <<SQL
INSERT INTO customers VALUES ($i, 'customer $i', 'c$i@example.com', $((i % 2)), NOW(6));
INSERT INTO orders VALUES ($((i * 1000)), $i, $i * 19.99, 'new', 'gift', NOW(3)), ($((i * 1000 + 1)), $i, 5.25, 'new', '', NULL);
UPDATE orders SET status = 'paid', tags = 'gift,express' WHERE id = $((i * 1000));
DELETE FROM orders WHERE id = $((i * 1000 + 1));
INSERT INTO page_views VALUES ('/p/$i', CURDATE(), '-00:00:0$((i % 10))');
SQL
    sleep 0.3
  done
) &
writer=$!
# Per round: 5 transactions (6 row changes + 5 commits) = 11 lines.
$SLUICE binlog tail --source "$SOURCE" --from "$start" --format text --limit $((rounds * 11))
wait "$writer"

echo
echo "== the same changes as JSON lines (first 3)"
$SLUICE binlog tail --source "$SOURCE" --from-start --stop-at-end --format jsonl | grep '"schema":"shop"' | grep -v '"ddl"' | sed -n 1,3p
echo
echo "demo: done. Replication into DuckDB ('sluice sync') arrives with the end-to-end replication work."
