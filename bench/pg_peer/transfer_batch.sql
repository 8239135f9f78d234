-- pgbench script: one create_transfers() call per pgbench transaction, with a
-- batch of B transfers built in SQL (one commit/fsync per batch).
--
--   pgbench -n -M prepared -f transfer_batch.sql [-D batch=B] [-D accounts=N] -c 8 -T 20
--
-- Per transfer: debit account uniform over 1..N, credit account uniform over
-- the other N-1 (always distinct), amount uniform over 1..100, id from the
-- transfer_id_seq sequence (unique across all clients).
-- B comes from -D batch=B (default 100) and N from -D accounts=N (default
-- 10000). The defaults apply in the extended and prepared protocols (pgbench
-- binds an undefined variable as NULL there); with -M simple pass both -D.
-- Transfers per second = pgbench tps * B (the function returns how many of the
-- B succeeded; run.sh checks afterwards that all of them did).
SELECT create_transfers(array_agg(id), array_agg(d), array_agg(1 + (d - 1 + o) % n), array_agg(a))
  FROM (SELECT nextval('transfer_id_seq')             AS id,
               n,
               1 + floor(random() * n)::bigint       AS d,
               1 + floor(random() * (n - 1))::bigint AS o,
               1 + floor(random() * 100)::bigint     AS a
          FROM generate_series(1, coalesce(:batch::int, 100)),
               (SELECT coalesce(:accounts::bigint, 10000) AS n) AS cfg) AS r;
