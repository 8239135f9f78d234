-- pgbench script: one create_transfer() per pgbench transaction (one commit,
-- so one WAL fsync, per transfer unless PostgreSQL's group commit merges
-- concurrent ones).
--
--   pgbench -n -M prepared -f transfer_single.sql [-D accounts=N] -c 8 -T 20
--
-- Debit account uniform over 1..N, credit account uniform over the other N-1
-- (always distinct), amount uniform over 1..100, transfer id from the
-- transfer_id_seq sequence (unique across all clients).
-- N comes from -D accounts=N. Without -D the default (10000) applies in the
-- extended and prepared protocols (pgbench binds an undefined variable as
-- NULL there); with -M simple, -D accounts is required.
SELECT create_transfer(nextval('transfer_id_seq'), d, 1 + (d - 1 + o) % n, a)
  FROM (SELECT n,
               1 + floor(random() * n)::bigint       AS d,
               1 + floor(random() * (n - 1))::bigint AS o,
               1 + floor(random() * 100)::bigint     AS a
          FROM (SELECT coalesce(:accounts::bigint, 10000) AS n) AS cfg) AS r;
