-- PostgreSQL peer of the Meridian ledger: the same double-entry model, written
-- the way a careful PostgreSQL user would write it (row locks in a stored
-- procedure, one round trip per call), so the benchmark compares engines and
-- not a strawman.
--
-- Types: balances and amounts are bigint (signed 64-bit), not numeric(39,0).
-- bigint is the fastest exact integer type PostgreSQL has; numeric would make
-- every balance update a variable-length decimal computation and would
-- handicap PostgreSQL. TigerBeetle-style ledgers use u128 amounts; for this
-- workload (amounts 1..100, opening balances 1e12) 64 bits never overflow, and
-- if they did PostgreSQL raises an error rather than wrapping.
--
-- Flags follow TigerBeetle's account flags: bit 1 (value 2) is
-- debits_must_not_exceed_credits.
--
-- Indexes: transfers has only its primary key. A production ledger would also
-- index transfers by debit_account_id / credit_account_id to list an account's
-- history; adding those makes PostgreSQL slower. Compare against what Meridian
-- maintains per transfer (see README.md).

SET client_min_messages = warning;

DROP FUNCTION IF EXISTS create_transfers(bigint[], bigint[], bigint[], bigint[], int, int);
DROP FUNCTION IF EXISTS create_transfer(bigint, bigint, bigint, bigint, int, int);
DROP FUNCTION IF EXISTS apply_transfer_locked(bigint, bigint, bigint, bigint, int, int);
DROP TABLE IF EXISTS transfers;
DROP TABLE IF EXISTS accounts;
DROP SEQUENCE IF EXISTS transfer_id_seq;

CREATE TABLE accounts (
    id              bigint  PRIMARY KEY,
    ledger          int     NOT NULL,
    code            int     NOT NULL DEFAULT 1,
    flags           int     NOT NULL DEFAULT 0,   -- 2 = debits_must_not_exceed_credits
    debits_pending  bigint  NOT NULL DEFAULT 0,
    debits_posted   bigint  NOT NULL DEFAULT 0,
    credits_pending bigint  NOT NULL DEFAULT 0,
    credits_posted  bigint  NOT NULL DEFAULT 0
)
-- Every transfer rewrites two account rows. Leaving half of each page free
-- lets PostgreSQL do HOT updates in place (no index maintenance); this is the
-- standard tuning for a small, update-heavy table.
WITH (fillfactor = 50);

CREATE TABLE transfers (
    id                bigint      PRIMARY KEY,
    debit_account_id  bigint      NOT NULL,
    credit_account_id bigint      NOT NULL,
    amount            bigint      NOT NULL,
    ledger            int         NOT NULL,
    code              int         NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);
-- No foreign keys: create_transfer() already looks both accounts up (and
-- locks them), so a FK check would repeat that work.

-- Transfer ids for the pgbench scripts. nextval() is not transactional and is
-- unique across all clients; CACHE 1 keeps ids dense.
CREATE SEQUENCE transfer_id_seq AS bigint;

-- The core of one transfer. The caller must already hold row locks on both
-- accounts (FOR UPDATE), which is what makes the read-check-write below safe.
-- Result codes (TigerBeetle order: existence before balance checks):
--   ok, accounts_must_be_different, account_not_found, ledger_mismatch,
--   exists, exceeds_credits
CREATE FUNCTION apply_transfer_locked(p_id bigint, p_debit bigint, p_credit bigint,
                                      p_amount bigint, p_ledger int, p_code int)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    dr record;
    cr_ledger int;
BEGIN
    IF p_debit = p_credit THEN
        RETURN 'accounts_must_be_different';
    END IF;

    SELECT a.ledger, a.flags, a.debits_pending, a.debits_posted, a.credits_posted
      INTO dr
      FROM accounts a WHERE a.id = p_debit;
    IF NOT FOUND THEN
        RETURN 'account_not_found';
    END IF;
    SELECT a.ledger INTO cr_ledger FROM accounts a WHERE a.id = p_credit;
    IF NOT FOUND THEN
        RETURN 'account_not_found';
    END IF;

    IF dr.ledger <> p_ledger OR cr_ledger <> p_ledger THEN
        RETURN 'ledger_mismatch';
    END IF;

    -- Idempotency: the primary key decides. A concurrent insert of the same
    -- id waits for the other transaction and then reports 'exists'.
    INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, ledger, code)
    VALUES (p_id, p_debit, p_credit, p_amount, p_ledger, p_code)
    ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'exists';
    END IF;

    -- Balance check (always evaluated for flagged accounts; pending debits
    -- count against the credit balance as in TigerBeetle).
    IF (dr.flags & 2) <> 0
       AND dr.debits_pending + dr.debits_posted + p_amount > dr.credits_posted THEN
        -- Undo the insert above (rare path; cheaper than a subtransaction).
        DELETE FROM transfers WHERE id = p_id;
        RETURN 'exceeds_credits';
    END IF;

    UPDATE accounts SET debits_posted = debits_posted + p_amount WHERE id = p_debit;
    UPDATE accounts SET credits_posted = credits_posted + p_amount WHERE id = p_credit;
    RETURN 'ok';
END;
$$;

-- One transfer, one call. Locks both accounts in ascending id order, so two
-- transfers between the same pair in opposite directions cannot deadlock.
CREATE FUNCTION create_transfer(p_id bigint, p_debit bigint, p_credit bigint, p_amount bigint,
                                p_ledger int DEFAULT 840, p_code int DEFAULT 1)
RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM 1 FROM accounts
     WHERE id = p_debit OR id = p_credit
     ORDER BY id
       FOR UPDATE;
    RETURN apply_transfer_locked(p_id, p_debit, p_credit, p_amount, p_ledger, p_code);
END;
$$;

-- A batch of transfers in one call (and so one transaction and one commit
-- fsync). Semantics are those of create_transfer() applied to each element in
-- array order (like a TigerBeetle batch without linked transfers): each
-- transfer succeeds or fails on its own, and a later transfer sees the
-- balances left by the earlier ones. Returns the number that succeeded.
--
-- Written set-oriented, as a PostgreSQL expert would, rather than as a loop
-- of create_transfer() calls (selftest.sql checks both give the same result):
--   1. every account the batch touches is locked up front in ascending id
--      order (any two batches take their common locks in the same order, so
--      batches cannot deadlock with each other or with create_transfer())
--      and its balances are loaded into arrays;
--   2. one index scan finds the ids that already exist and one join maps
--      each transfer to its account slots; the per-transfer checks then run
--      in memory;
--   3. one INSERT stores the accepted transfers and one UPDATE writes each
--      touched account once.
-- Because only the count of successes is returned, the order of the checks
-- (balance before existence here) does not change the result.
-- If another transaction inserts one of this batch's ids between steps 2
-- and 3 (two clients submitting the same id at the same moment), the batch
-- fails with serialization_failure (SQLSTATE 40001) and the client retries,
-- the usual PostgreSQL contract; the retry then reports that id as 'exists'.
CREATE FUNCTION create_transfers(p_ids bigint[], p_debits bigint[], p_credits bigint[],
                                 p_amounts bigint[],
                                 p_ledger int DEFAULT 840, p_code int DEFAULT 1)
RETURNS int
LANGUAGE plpgsql
AS $$
DECLARE
    n        int := coalesce(cardinality(p_ids), 0);
    acc_ids  bigint[];   -- locked accounts; slot k describes acc_ids[k]
    a_ledger int[];
    a_flags  int[];
    a_debits bigint[];   -- debits_pending + debits_posted, kept current
    a_credit bigint[];   -- credits_posted, kept current
    d_delta  bigint[];   -- what this batch adds to debits_posted / credits_posted
    c_delta  bigint[];
    d_slot   int[];      -- per transfer: slot of its debit / credit account (0 = missing)
    c_slot   int[];
    prev_i   int[];      -- per transfer: previous position of the same id in the batch (0 = none)
    existing bigint[];   -- ids of this batch already stored (normally none)
    accepted boolean[];  -- per transfer: succeeded
    ds       int;
    cs       int;
    j        int;
    amt      bigint;
    ok       int := 0;
    stored   int;
BEGIN
    IF coalesce(cardinality(p_debits), 0) <> n
       OR coalesce(cardinality(p_credits), 0) <> n
       OR coalesce(cardinality(p_amounts), 0) <> n THEN
        RAISE EXCEPTION 'create_transfers: arrays must have the same length';
    END IF;
    IF n = 0 THEN
        RETURN 0;
    END IF;

    -- 1. Lock (LockRows over an id-ordered index scan) and load.
    SELECT array_agg(l.id), array_agg(l.ledger), array_agg(l.flags),
           array_agg(l.debits_pending + l.debits_posted), array_agg(l.credits_posted)
      INTO acc_ids, a_ledger, a_flags, a_debits, a_credit
      FROM (SELECT a.id, a.ledger, a.flags, a.debits_pending, a.debits_posted, a.credits_posted
              FROM accounts a
             WHERE a.id = ANY (p_debits || p_credits)
             ORDER BY a.id
               FOR UPDATE) AS l;
    d_delta  := array_fill(0::bigint, ARRAY[coalesce(cardinality(acc_ids), 0)]);
    c_delta  := d_delta;
    accepted := array_fill(false, ARRAY[n]);

    -- 2. Ids already stored (one primary-key index scan), then each
    --    transfer's account slots and the previous position of its id in the
    --    batch (executor joins instead of searches in PL/pgSQL).
    SELECT array_agg(t.id) INTO existing FROM transfers t WHERE t.id = ANY (p_ids);
    SELECT array_agg(coalesce(d.slot, 0) ORDER BY u.i),
           array_agg(coalesce(c.slot, 0) ORDER BY u.i),
           array_agg(coalesce(u.prev, 0) ORDER BY u.i)
      INTO d_slot, c_slot, prev_i
      FROM (SELECT x.id, x.debit, x.credit, x.i,
                   lag(x.i) OVER (PARTITION BY x.id ORDER BY x.i) AS prev
              FROM unnest(p_ids, p_debits, p_credits) WITH ORDINALITY AS x(id, debit, credit, i)) AS u
      LEFT JOIN unnest(acc_ids) WITH ORDINALITY AS d(id, slot) ON d.id = u.debit
      LEFT JOIN unnest(acc_ids) WITH ORDINALITY AS c(id, slot) ON c.id = u.credit;

    FOR i IN 1 .. n LOOP
        ds := d_slot[i];
        cs := c_slot[i];
        CONTINUE WHEN ds = 0 OR cs = 0 OR ds = cs;                 -- not found / same account
        CONTINUE WHEN a_ledger[ds] <> p_ledger OR a_ledger[cs] <> p_ledger;
        CONTINUE WHEN existing IS NOT NULL AND p_ids[i] = ANY (existing);  -- exists
        j := prev_i[i];
        WHILE j <> 0 AND NOT accepted[j] LOOP                      -- exists (earlier in batch)
            j := prev_i[j];
        END LOOP;
        CONTINUE WHEN j <> 0;
        amt := p_amounts[i];
        CONTINUE WHEN (a_flags[ds] & 2) <> 0 AND a_debits[ds] + amt > a_credit[ds];
        a_debits[ds] := a_debits[ds] + amt;
        a_credit[cs] := a_credit[cs] + amt;
        d_delta[ds]  := d_delta[ds] + amt;
        c_delta[cs]  := c_delta[cs] + amt;
        accepted[i]  := true;
        ok := ok + 1;
    END LOOP;

    -- 3. Store.
    INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, ledger, code)
    SELECT x.id, x.debit, x.credit, x.amount, p_ledger, p_code
      FROM unnest(p_ids, p_debits, p_credits, p_amounts, accepted)
           AS x(id, debit, credit, amount, accepted)
     WHERE x.accepted
    ON CONFLICT (id) DO NOTHING;
    GET DIAGNOSTICS stored = ROW_COUNT;
    IF stored <> ok THEN
        RAISE EXCEPTION 'create_transfers: a transfer id was inserted concurrently; retry the batch'
              USING ERRCODE = 'serialization_failure';
    END IF;

    UPDATE accounts a
       SET debits_posted  = a.debits_posted + x.dd,
           credits_posted = a.credits_posted + x.dc
      FROM unnest(acc_ids, d_delta, c_delta) AS x(id, dd, dc)
     WHERE a.id = x.id AND (x.dd <> 0 OR x.dc <> 0);
    RETURN ok;
END;
$$;
