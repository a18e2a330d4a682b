#!/usr/bin/env bash
# The demo behind './build.sh demo' (build.sh has built the CLI, started a throwaway MariaDB and exported
# SLUICE_TEST_MYSQL_*): a sample shop database of about 430,000 rows is replicated into .demo/demo.duckdb by
# 'sluice sync' while a writer keeps changing the source for DEMO_SECONDS (default 25); the sync is then stopped
# (SIGTERM, a clean stop), a second 'sluice sync --once' run resumes and catches up, and 'sluice verify' compares
# every table with the source.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIGURATION=${CONFIGURATION:-Release}
DEMO_SECONDS=${DEMO_SECONDS:-25}
SLUICE="dotnet src/Sluice.Cli/bin/$CONFIGURATION/net10.0/sluice.dll"
H=$SLUICE_TEST_MYSQL_HOST P=$SLUICE_TEST_MYSQL_PORT
SOURCE="Server=$H;Port=$P;User ID=$SLUICE_TEST_MYSQL_REPL_USER;Password=$SLUICE_TEST_MYSQL_REPL_PASSWORD;SslMode=Required"
OUT=.demo
DEST=$OUT/demo.duckdb
STATE=$OUT/demo-state
CONFIG=$OUT/demo-config.json
sql() { MYSQL_PWD=$SLUICE_TEST_MYSQL_ROOT_PASSWORD mariadb --no-defaults -h"$H" -P"$P" -u"$SLUICE_TEST_MYSQL_ROOT_USER" "$@"; }

mkdir -p "$OUT"
rm -rf "$DEST" "$DEST.wal" "$STATE"

echo "== loading a sample source: database 'shop' on MariaDB at $H:$P"
t0=$(date +%s%N)
sql <<'SQL'
DROP DATABASE IF EXISTS shop;
CREATE DATABASE shop;
USE shop;
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(64), email VARCHAR(128), vip TINYINT(1), balance DECIMAL(12,2),
  created DATETIME(6), notes TEXT);
CREATE TABLE products (sku VARCHAR(16) PRIMARY KEY, title VARCHAR(100), price DECIMAL(10,2), weight_kg FLOAT,
  attributes JSON, active TINYINT(1));
CREATE TABLE orders (id BIGINT UNSIGNED PRIMARY KEY, customer_id INT, total DECIMAL(12,2), status ENUM('new','paid','shipped','cancelled'),
  tags SET('gift','express','fragile'), placed TIMESTAMP(3) NULL, delivery DATE);
CREATE TABLE order_lines (order_id BIGINT UNSIGNED, line SMALLINT, sku VARCHAR(16), qty INT, PRIMARY KEY (order_id, line));
CREATE TABLE page_views (url VARCHAR(255), viewed DATE, seconds TIME, referrer VARCHAR(64), bot BIT(1));

INSERT INTO customers
  SELECT seq, CONCAT('customer ', seq), CONCAT('c', seq, '@example.com'), seq % 7 = 0, (seq % 100000) / 100,
         '2024-01-01' + INTERVAL seq SECOND, IF(seq % 5 = 0, NULL, REPEAT('note ', seq % 20)) FROM seq_1_to_40000;
INSERT INTO products
  SELECT CONCAT('SKU-', LPAD(seq, 6, '0')), CONCAT('product ', seq), (seq % 5000) / 10 + 0.99, (seq % 300) / 7,
         JSON_OBJECT('color', ELT(1 + seq % 3, 'red', 'green', 'blue'), 'size', seq % 10), seq % 9 <> 0 FROM seq_1_to_2000;
INSERT INTO orders
  SELECT seq, 1 + seq % 40000, (seq % 20000) / 10, ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'),
         ELT(1 + seq % 4, '', 'gift', 'express', 'gift,fragile'), '2024-06-01' + INTERVAL (seq * 7) SECOND,
         IF(seq % 3 = 0, NULL, '2024-06-10' + INTERVAL (seq % 90) DAY) FROM seq_1_to_150000;
INSERT INTO order_lines
  SELECT 1 + (seq - 1) DIV 2, 1 + (seq - 1) % 2, CONCAT('SKU-', LPAD(1 + seq % 2000, 6, '0')), 1 + seq % 5 FROM seq_1_to_160000;
INSERT INTO page_views
  SELECT CONCAT('/p/', seq % 3000), '2024-06-01' + INTERVAL (seq % 60) DAY, SEC_TO_TIME(seq % 20000),
         ELT(1 + seq % 3, 'search', 'direct', NULL), b'0' FROM seq_1_to_80000;
SQL
rows=$(sql -N -e "SELECT SUM(n) FROM (SELECT COUNT(*) n FROM shop.customers UNION ALL SELECT COUNT(*) FROM shop.products
  UNION ALL SELECT COUNT(*) FROM shop.orders UNION ALL SELECT COUNT(*) FROM shop.order_lines UNION ALL SELECT COUNT(*) FROM shop.page_views) t")
echo "   $rows rows in 5 tables (page_views has no primary key) loaded in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

# Only the shop database; customers' e-mail addresses are stored as salted SHA-256 hashes.
cat > "$CONFIG" <<'JSON'
{
  "connectorId": "demo",
  "includeSchemas": ["shop"],
  "hashedColumns": ["shop.customers.email"],
  "chunkSize": 20000,
  "parallelSnapshots": 2
}
JSON

# A writer that keeps changing the source: new orders and lines, payments, cancellations, customer edits, page views.
writer() {
  local end=$(( $(date +%s) + DEMO_SECONDS )) i=0 base=1000000
  while [ "$(date +%s)" -lt "$end" ]; do
    i=$((i + 1))
    local lo=$((base + i * 100))
    sql shop <<SQL
START TRANSACTION;
INSERT INTO orders SELECT $lo + seq, 1 + (seq * 13 + $i) % 40000, seq + 0.5, 'new', 'express', NOW(3), CURDATE() FROM seq_0_to_49;
INSERT INTO order_lines SELECT $lo + seq, 1, CONCAT('SKU-', LPAD(1 + seq, 6, '0')), 1 FROM seq_0_to_49;
UPDATE orders SET status = 'paid', tags = 'gift,express' WHERE id BETWEEN $((lo - 100)) AND $((lo - 80));
COMMIT;
UPDATE customers SET balance = balance + 1, notes = CONCAT('edited ', $i) WHERE id % 500 = $((i % 500));
DELETE FROM order_lines WHERE order_id = $((i * 37 % 75000 + 1));
UPDATE orders SET status = 'cancelled' WHERE id = $((i * 41 % 150000 + 1));
INSERT INTO page_views SELECT CONCAT('/live/', $i), CURDATE(), SEC_TO_TIME(seq), 'live', b'1' FROM seq_1_to_20;
DELETE FROM page_views WHERE url IN (CONCAT('/p/', $((i % 3000))), CONCAT('/live/', $((i - 5))));
SQL
    sleep 0.1
  done
  echo "   writer: $i rounds of changes written"
}

if [ -t 1 ]; then FORMAT=live; else FORMAT=text; fi
echo
echo "== sluice sync (snapshot, then the binlog, live) while the writer changes the source for ${DEMO_SECONDS} s"
$SLUICE sync --source "$SOURCE" --destination "duckdb:$DEST" --state "$STATE" --config "$CONFIG" \
  --log-format "$FORMAT" --status-interval 2 &
sync_pid=$!
trap 'kill -TERM $sync_pid 2>/dev/null || true' EXIT
writer > "$OUT/writer.log" 2>&1 &
writer_pid=$!
wait "$writer_pid"
sleep 3
kill -TERM "$sync_pid"
set +e
wait "$sync_pid"
rc=$?
set -e
trap - EXIT
cat "$OUT/writer.log"
if [ "$rc" -ne 0 ]; then echo "demo: sluice sync ended with exit code $rc" >&2; exit "$rc"; fi

echo
echo "== sluice sync --once: a second run resumes from the stored position and catches up"
$SLUICE sync --source "$SOURCE" --destination "duckdb:$DEST" --state "$STATE" --config "$CONFIG" --once --log-format text

echo
echo "== sluice verify: every table compared with the source (counts and per-row hashes)"
$SLUICE verify --source "$SOURCE" --destination "duckdb:$DEST" --state "$STATE" --config "$CONFIG"
echo
echo "demo: done. The replica is $DEST (DuckDB); 'sluice sync' again resumes where this run stopped."
