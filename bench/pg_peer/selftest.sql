-- Self-test of schema.sql (psql -v ON_ERROR_STOP=1 -f selftest.sql).
-- Runs in one transaction that is rolled back: the database is unchanged.
--   1. create_transfer() returns each result code where it should;
--   2. create_transfers() (set-oriented) gives exactly the same transfers,
--      balances and success count as create_transfer() applied one by one in
--      array order, on a random mix with duplicate ids, missing accounts,
--      ledger mismatches, same-account transfers and overdrafts.
-- Any difference raises an error.
SET client_min_messages = warning;
BEGIN;
SELECT setseed(0.42) \gset

TRUNCATE transfers, accounts;
INSERT INTO accounts (id, ledger, flags) SELECT g, 840, 2 FROM generate_series(1, 20) AS g;
INSERT INTO accounts (id, ledger, flags) VALUES (21, 978, 0), (22, 840, 0);   -- 23 does not exist
SELECT create_transfers(array_agg(1000000 + g::bigint), array_fill(22::bigint, ARRAY[20]),
                        array_agg(g::bigint), array_fill(100::bigint, ARRAY[20])) = 20 AS funded
  FROM generate_series(1, 20) AS g \gset
\if :funded
\else
DO $$ BEGIN RAISE EXCEPTION 'selftest: funding failed'; END $$;
\endif

DO $$
DECLARE
    cases text[][] := ARRAY[
        -- id, debit, credit, amount, expected
        ARRAY['1', '1', '2', '60', 'ok'],
        ARRAY['1', '1', '2', '60', 'exists'],
        ARRAY['2', '1', '2', '41', 'exceeds_credits'],   -- 60 + 41 > 100
        ARRAY['3', '1', '2', '40', 'ok'],                -- 100 <= 100
        ARRAY['4', '1', '23', '1', 'account_not_found'],
        ARRAY['5', '21', '2', '1', 'ledger_mismatch'],
        ARRAY['6', '3', '3', '1', 'accounts_must_be_different'],
        ARRAY['7', '22', '1', '500', 'ok'],              -- funding account has no flag
        ARRAY['2', '1', '2', '41', 'ok']                 -- id 2 was not kept by the failure
    ];
    got text;
BEGIN
    FOR k IN 1 .. array_length(cases, 1) LOOP
        got := create_transfer(cases[k][1]::bigint, cases[k][2]::bigint,
                               cases[k][3]::bigint, cases[k][4]::bigint);
        IF got <> cases[k][5] THEN
            RAISE EXCEPTION 'selftest: case % (%): got %, want %', k, cases[k], got, cases[k][5];
        END IF;
    END LOOP;
    IF (SELECT sum(debits_posted) <> sum(credits_posted) FROM accounts) THEN
        RAISE EXCEPTION 'selftest: ledger does not balance';
    END IF;
END;
$$;

-- Differential test: batched vs one by one.
CREATE TEMP TABLE ops ON COMMIT DROP AS
SELECT i,
       (1 + floor(random() * 1500))::bigint AS id,   -- 2000 ops over 1500 ids: duplicates
       (1 + floor(random() * 23))::bigint   AS d,    -- 21: other ledger, 23: missing
       (1 + floor(random() * 23))::bigint   AS c,
       (1 + floor(random() * 60))::bigint   AS a     -- balances are small: overdrafts
  FROM generate_series(1, 2000) AS i;
CREATE TEMP TABLE acc0 ON COMMIT DROP AS SELECT * FROM accounts;
CREATE TEMP TABLE tr0  ON COMMIT DROP AS SELECT * FROM transfers;

SET LOCAL client_min_messages = notice;   -- show the summary line

DO $$
DECLARE
    n_batched int := 0;
    n_single  int := 0;
    b         record;
    o         record;
    res       text;
    seen      text[] := '{}';
BEGIN
    FOR b IN SELECT (i - 1) / 50 AS k, array_agg(id ORDER BY i) AS ids, array_agg(d ORDER BY i) AS ds,
                    array_agg(c ORDER BY i) AS cs, array_agg(a ORDER BY i) AS amts
               FROM ops GROUP BY 1 ORDER BY 1 LOOP
        n_batched := n_batched + create_transfers(b.ids, b.ds, b.cs, b.amts);
    END LOOP;
    CREATE TEMP TABLE acc_batched ON COMMIT DROP AS SELECT * FROM accounts;
    CREATE TEMP TABLE tr_batched  ON COMMIT DROP AS
        SELECT id, debit_account_id, credit_account_id, amount, ledger, code FROM transfers;

    TRUNCATE transfers, accounts;
    INSERT INTO accounts SELECT * FROM acc0;
    INSERT INTO transfers SELECT * FROM tr0;
    FOR o IN SELECT * FROM ops ORDER BY i LOOP
        res := create_transfer(o.id, o.d, o.c, o.a);
        IF res = 'ok' THEN
            n_single := n_single + 1;
        END IF;
        IF NOT res = ANY (seen) THEN
            seen := seen || res;
        END IF;
    END LOOP;

    IF n_batched <> n_single THEN
        RAISE EXCEPTION 'selftest: batched ok=% but one-by-one ok=%', n_batched, n_single;
    END IF;
    IF EXISTS (SELECT * FROM acc_batched EXCEPT SELECT * FROM accounts)
       OR EXISTS (SELECT * FROM accounts EXCEPT SELECT * FROM acc_batched) THEN
        RAISE EXCEPTION 'selftest: balances differ between batched and one-by-one';
    END IF;
    IF EXISTS (SELECT * FROM tr_batched
               EXCEPT SELECT id, debit_account_id, credit_account_id, amount, ledger, code FROM transfers)
       OR EXISTS (SELECT id, debit_account_id, credit_account_id, amount, ledger, code FROM transfers
                  EXCEPT SELECT * FROM tr_batched) THEN
        RAISE EXCEPTION 'selftest: transfers differ between batched and one-by-one';
    END IF;
    IF cardinality(seen) <> 6 THEN
        RAISE EXCEPTION 'selftest: random mix did not reach every result code: %', seen;
    END IF;
    IF (SELECT sum(debits_posted) <> sum(credits_posted) FROM accounts) THEN
        RAISE EXCEPTION 'selftest: ledger does not balance';
    END IF;
    RAISE NOTICE 'selftest: ok (% of 2000 random transfers succeeded; codes seen: %)', n_single, seen;
END;
$$;

ROLLBACK;
