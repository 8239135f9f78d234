-- Seed step (psql): accounts 1..N in ledger 840, all with the
-- debits_must_not_exceed_credits flag (2), so every benchmark transfer runs
-- the balance check. Each is funded through create_transfers() by an opening
-- transfer from a funding account N+1 that has no flag (it may go negative).
--
--   psql -v ON_ERROR_STOP=1 -v accounts=10000 -f seed.sql
--
-- Re-running it resets the ledger (empty transfers, fresh balances).

\if :{?accounts}
\else
\set accounts 10000
\endif
\if :{?opening_balance}
\else
\set opening_balance 1000000000000
\endif

TRUNCATE transfers, accounts;
ALTER SEQUENCE transfer_id_seq RESTART;

INSERT INTO accounts (id, ledger, code, flags)
SELECT g, 840, 1, 2 FROM generate_series(1, :accounts) AS g;
INSERT INTO accounts (id, ledger, code, flags) VALUES (:accounts + 1, 840, 1, 0);

-- All opening transfers in one create_transfers() call (exercises the batch
-- path once, including its balance bookkeeping).
SELECT create_transfers(array_agg(nextval('transfer_id_seq') ORDER BY g),
                        array_agg((:accounts + 1)::bigint ORDER BY g),
                        array_agg(g::bigint ORDER BY g),
                        array_agg((:opening_balance)::bigint ORDER BY g)) = :accounts
       AS all_funded
  FROM generate_series(1, :accounts) AS g
\gset
\if :all_funded
\else
DO $$ BEGIN RAISE EXCEPTION 'seed: not every opening transfer succeeded'; END $$;
\endif

VACUUM (FREEZE, ANALYZE) accounts;
VACUUM (ANALYZE) transfers;
CHECKPOINT;
