# The bid count becomes the number of lines of the public bid history: a leader raising their own
# maximum (neither price nor lead moves, not shown in the history) is no longer counted. Installs the
# new auctions/sql/place_bid.sql (its result gains the bid's `o_seq`, so the function is dropped and
# created again), and recounts the lots' bids on the same rule.

from django.db import migrations

# The text of auctions/sql/place_bid.sql as this migration installed it.
PLACE_BID_SQL = r"""
-- The locked step of a bid, as one function: lock the lot row, apply the proxy rules (the same
-- rules as auctions/engine.py, the executable specification: tests/auctions/test_engine_sql.py holds
-- this function to it, bid after bid), write the lot, the bid and any outbid notice, and return the
-- result. One round trip holds the lock for a fraction of a millisecond of database time, instead
-- of three round trips plus Python work while the web process waits for a CPU. Refused bids are
-- recorded too (accepted = false, refusal = code).
--
-- Installed by migrations (each holds the text it installed); tests/config/test_sql_files.py fails
-- when this file differs from what the migrations installed: change it, then add a migration.
--
-- The lot's bid count is the number of lines of its public bid history: accepted bids that moved
-- the price or the lead (`public`). A leader raising their own maximum changes neither, is not
-- shown, and is not counted; it is still numbered (`seq`, the order of acceptance).
DROP FUNCTION IF EXISTS auctions_place_bid(bigint, integer, numeric, timestamptz);
CREATE OR REPLACE FUNCTION auctions_increment_at(p_table bigint, p_price numeric) RETURNS numeric
LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(
    (SELECT t.increment FROM auctions_incrementtier t
      WHERE t.table_id = p_table AND (t.up_to IS NULL OR p_price < t.up_to)
      ORDER BY t.up_to ASC NULLS LAST LIMIT 1),
    (SELECT t.increment FROM auctions_incrementtier t WHERE t.table_id = p_table
      ORDER BY t.up_to DESC NULLS FIRST LIMIT 1))
$fn$;

CREATE OR REPLACE FUNCTION auctions_place_bid(p_lot bigint, p_bidder integer, p_amount numeric, p_now timestamptz)
RETURNS TABLE (o_refusal text, o_minimum numeric, o_next_minimum numeric, o_bid_id bigint,
               o_previous_leader integer, o_public boolean, o_placed_at timestamptz, o_notice_new boolean,
               o_seq integer,
               id bigint, auction_id bigint, number integer, title varchar, category varchar, status varchar,
               currency varchar, starting_price numeric, reserve_price numeric, increment_table_id bigint,
               current_price numeric, leader_id integer, leader_max numeric, leader_pseudonym integer,
               bid_count integer, reserve_met boolean, ends_at timestamptz, original_ends_at timestamptz,
               pseudonym_seq integer, version integer)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_variable
DECLARE
  l auctions_lot%ROWTYPE;
  v_now timestamptz;
  v_min numeric;
  v_price numeric;
  v_leader integer;
  v_max numeric;
  v_code text;
  v_pseudo integer;
  v_lpseudo integer;
  v_seq integer;
  v_ends timestamptz;
  v_soft interval;
  v_cap interval;
  v_bid bigint;
  v_public boolean;
  v_reserve_met boolean;
  v_pass integer;
  v_notice_new boolean := false;
BEGIN
  -- Two passes. The first reads the lot without a lock: a bid that the committed state refuses
  -- (below the next minimum, or not above the bidder's own leading maximum, or a lot no longer
  -- open) is refused there, as if placed at that moment, which it was (a bid below the minimum
  -- stays below it: prices never go down). Only a bid that may be accepted, or one that came
  -- after the end (a bid still holding the lock may have extended it), takes the row lock and is
  -- judged again on the state it will change. On a hot lot most bids are refused: they no longer
  -- queue behind the lock.
  FOR v_pass IN 1..2 LOOP
    v_code := NULL; v_min := NULL;
    IF v_pass = 1 THEN
      SELECT * INTO l FROM auctions_lot lot WHERE lot.id = p_lot;
    ELSE
      -- NO KEY UPDATE: the key is not changed, so the foreign-key checks of concurrent bid rows
      -- (FOR KEY SHARE on this lot) neither wait for this lock nor make it wait.
      SELECT * INTO l FROM auctions_lot lot WHERE lot.id = p_lot FOR NO KEY UPDATE;
    END IF;
    IF NOT FOUND THEN
      o_refusal := 'not_found';
      RETURN NEXT;
      RETURN;
    END IF;
    -- The time of the bid is taken once the lot's state is read (in the second pass, once it is ours).
    v_now := coalesce(p_now, clock_timestamp());
    IF l.status <> 'open' THEN
      v_code := 'lot_not_open';
    ELSIF l.ends_at IS NULL OR v_now >= l.ends_at THEN
      IF v_pass = 1 THEN
        CONTINUE;
      END IF;
      v_code := 'lot_ended';
    ELSE
      IF l.current_price IS NULL THEN
        v_min := l.starting_price;
      ELSE
        v_min := l.current_price + auctions_increment_at(l.increment_table_id, l.current_price);
      END IF;
      IF p_amount < v_min THEN
        v_code := 'below_minimum';
      ELSIF l.leader_id IS NULL THEN
        v_price := l.starting_price; v_leader := p_bidder; v_max := p_amount;
      ELSIF p_bidder = l.leader_id THEN
        IF p_amount <= l.leader_max THEN
          v_code := 'not_above_own_maximum';
        ELSE
          v_price := l.current_price; v_leader := p_bidder; v_max := p_amount;
        END IF;
      ELSIF p_amount > l.leader_max THEN
        v_price := least(p_amount, l.leader_max + auctions_increment_at(l.increment_table_id, l.leader_max));
        v_leader := p_bidder; v_max := p_amount;
      ELSE  -- the leader's earlier maximum is at least as high: they keep the lead
        v_price := least(l.leader_max, p_amount + auctions_increment_at(l.increment_table_id, p_amount));
        v_leader := l.leader_id; v_max := l.leader_max;
      END IF;
    END IF;
    EXIT WHEN v_code IS NOT NULL;
  END LOOP;

  IF v_code IS NOT NULL THEN
    INSERT INTO auctions_bid (lot_id, bidder_id, max_amount, placed_at, accepted, refusal, public)
    VALUES (p_lot, p_bidder, p_amount, v_now, false, v_code, false);
    o_refusal := v_code;
    o_minimum := v_min;
    RETURN NEXT;
    RETURN;
  END IF;

  IF l.reserve_price IS NOT NULL AND v_max >= l.reserve_price THEN
    v_price := greatest(v_price, l.reserve_price);
  END IF;
  v_reserve_met := l.reserve_price IS NULL OR v_max >= l.reserve_price;

  SELECT p.number INTO v_pseudo FROM auctions_lotpseudonym p WHERE p.lot_id = p_lot AND p.bidder_id = p_bidder;
  IF v_pseudo IS NULL THEN
    l.pseudonym_seq := l.pseudonym_seq + 1;
    v_pseudo := l.pseudonym_seq;
    INSERT INTO auctions_lotpseudonym (lot_id, bidder_id, number) VALUES (p_lot, p_bidder, v_pseudo);
  END IF;
  v_lpseudo := CASE WHEN v_leader = p_bidder THEN v_pseudo ELSE l.leader_pseudonym END;

  -- Soft close: a bid in the last minutes moves the end to now + N, up to the cap.
  SELECT make_interval(mins => a.soft_close_minutes), make_interval(mins => a.soft_close_cap_minutes)
    INTO v_soft, v_cap FROM auctions_auction a WHERE a.id = l.auction_id;
  v_ends := l.ends_at;
  IF l.ends_at - v_now < v_soft THEN
    v_ends := greatest(l.ends_at, least(v_now + v_soft, coalesce(l.original_ends_at, l.ends_at) + v_cap));
  END IF;

  -- The lot's row lock orders the accepted bids; the (lot, seq) unique index answers this at once.
  SELECT coalesce(max(b.seq), 0) + 1 INTO v_seq FROM auctions_bid b WHERE b.lot_id = p_lot;
  v_public := v_price IS DISTINCT FROM l.current_price OR v_leader IS DISTINCT FROM l.leader_id;
  l.bid_count := l.bid_count + CASE WHEN v_public THEN 1 ELSE 0 END;
  UPDATE auctions_lot lot SET current_price = v_price, leader_id = v_leader, leader_max = v_max,
         leader_pseudonym = v_lpseudo, reserve_met = v_reserve_met, bid_count = l.bid_count, ends_at = v_ends,
         pseudonym_seq = l.pseudonym_seq, updated_at = v_now, version = l.version + 1
   WHERE lot.id = p_lot;
  INSERT INTO auctions_bid (lot_id, bidder_id, max_amount, placed_at, accepted, refusal, seq, price_after,
                            leader_after_id, leader_pseudonym, public)
  VALUES (p_lot, p_bidder, p_amount, v_now, true, '', v_seq, v_price, v_leader, v_lpseudo, v_public)
  RETURNING auctions_bid.id INTO v_bid;
  IF l.leader_id IS NOT NULL AND l.leader_id <> v_leader THEN
    INSERT INTO auctions_outbidnotice (lot_id, user_id, created_at, skipped, error)
    VALUES (p_lot, l.leader_id, v_now, false, '')
    ON CONFLICT (lot_id, user_id) WHERE sent_at IS NULL DO NOTHING;
    v_notice_new := FOUND;  -- false when one was already waiting to be sent
  END IF;

  RETURN QUERY SELECT NULL::text, v_min, v_price + auctions_increment_at(l.increment_table_id, v_price), v_bid,
    l.leader_id, v_public, v_now, v_notice_new, v_seq,
    l.id, l.auction_id, l.number, l.title, l.category, l.status, l.currency, l.starting_price, l.reserve_price,
    l.increment_table_id, v_price, v_leader, v_max, v_lpseudo, l.bid_count, v_reserve_met, v_ends, l.original_ends_at,
    l.pseudonym_seq, l.version + 1;
END
$fn$;
"""

# What 0005 installed, to go back (its result has no o_seq: drop first).
PREVIOUS_SQL = r"""
DROP FUNCTION IF EXISTS auctions_place_bid(bigint, integer, numeric, timestamptz);

CREATE OR REPLACE FUNCTION auctions_increment_at(p_table bigint, p_price numeric) RETURNS numeric
LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(
    (SELECT t.increment FROM auctions_incrementtier t
      WHERE t.table_id = p_table AND (t.up_to IS NULL OR p_price < t.up_to)
      ORDER BY t.up_to ASC NULLS LAST LIMIT 1),
    (SELECT t.increment FROM auctions_incrementtier t WHERE t.table_id = p_table
      ORDER BY t.up_to DESC NULLS FIRST LIMIT 1))
$fn$;

CREATE OR REPLACE FUNCTION auctions_place_bid(p_lot bigint, p_bidder integer, p_amount numeric, p_now timestamptz)
RETURNS TABLE (o_refusal text, o_minimum numeric, o_next_minimum numeric, o_bid_id bigint,
               o_previous_leader integer, o_public boolean, o_placed_at timestamptz, o_notice_new boolean,
               id bigint, auction_id bigint, number integer, title varchar, category varchar, status varchar,
               currency varchar, starting_price numeric, reserve_price numeric, increment_table_id bigint,
               current_price numeric, leader_id integer, leader_max numeric, leader_pseudonym integer,
               bid_count integer, reserve_met boolean, ends_at timestamptz, original_ends_at timestamptz,
               pseudonym_seq integer, version integer)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_variable
DECLARE
  l auctions_lot%ROWTYPE;
  v_now timestamptz;
  v_min numeric;
  v_price numeric;
  v_leader integer;
  v_max numeric;
  v_code text;
  v_pseudo integer;
  v_lpseudo integer;
  v_seq integer;
  v_ends timestamptz;
  v_soft interval;
  v_cap interval;
  v_bid bigint;
  v_public boolean;
  v_reserve_met boolean;
  v_pass integer;
  v_notice_new boolean := false;
BEGIN
  -- Two passes. The first reads the lot without a lock: a bid that the committed state refuses
  -- (below the next minimum, or not above the bidder's own leading maximum, or a lot no longer
  -- open) is refused there, as if placed at that moment, which it was (a bid below the minimum
  -- stays below it: prices never go down). Only a bid that may be accepted, or one that came
  -- after the end (a bid still holding the lock may have extended it), takes the row lock and is
  -- judged again on the state it will change. On a hot lot most bids are refused: they no longer
  -- queue behind the lock.
  FOR v_pass IN 1..2 LOOP
    v_code := NULL; v_min := NULL;
    IF v_pass = 1 THEN
      SELECT * INTO l FROM auctions_lot lot WHERE lot.id = p_lot;
    ELSE
      -- NO KEY UPDATE: the key is not changed, so the foreign-key checks of concurrent bid rows
      -- (FOR KEY SHARE on this lot) neither wait for this lock nor make it wait.
      SELECT * INTO l FROM auctions_lot lot WHERE lot.id = p_lot FOR NO KEY UPDATE;
    END IF;
    IF NOT FOUND THEN
      o_refusal := 'not_found';
      RETURN NEXT;
      RETURN;
    END IF;
    -- The time of the bid is taken once the lot's state is read (in the second pass, once it is ours).
    v_now := coalesce(p_now, clock_timestamp());
    IF l.status <> 'open' THEN
      v_code := 'lot_not_open';
    ELSIF l.ends_at IS NULL OR v_now >= l.ends_at THEN
      IF v_pass = 1 THEN
        CONTINUE;
      END IF;
      v_code := 'lot_ended';
    ELSE
      IF l.current_price IS NULL THEN
        v_min := l.starting_price;
      ELSE
        v_min := l.current_price + auctions_increment_at(l.increment_table_id, l.current_price);
      END IF;
      IF p_amount < v_min THEN
        v_code := 'below_minimum';
      ELSIF l.leader_id IS NULL THEN
        v_price := l.starting_price; v_leader := p_bidder; v_max := p_amount;
      ELSIF p_bidder = l.leader_id THEN
        IF p_amount <= l.leader_max THEN
          v_code := 'not_above_own_maximum';
        ELSE
          v_price := l.current_price; v_leader := p_bidder; v_max := p_amount;
        END IF;
      ELSIF p_amount > l.leader_max THEN
        v_price := least(p_amount, l.leader_max + auctions_increment_at(l.increment_table_id, l.leader_max));
        v_leader := p_bidder; v_max := p_amount;
      ELSE  -- the leader's earlier maximum is at least as high: they keep the lead
        v_price := least(l.leader_max, p_amount + auctions_increment_at(l.increment_table_id, p_amount));
        v_leader := l.leader_id; v_max := l.leader_max;
      END IF;
    END IF;
    EXIT WHEN v_code IS NOT NULL;
  END LOOP;

  IF v_code IS NOT NULL THEN
    INSERT INTO auctions_bid (lot_id, bidder_id, max_amount, placed_at, accepted, refusal, public)
    VALUES (p_lot, p_bidder, p_amount, v_now, false, v_code, false);
    o_refusal := v_code;
    o_minimum := v_min;
    RETURN NEXT;
    RETURN;
  END IF;

  IF l.reserve_price IS NOT NULL AND v_max >= l.reserve_price THEN
    v_price := greatest(v_price, l.reserve_price);
  END IF;
  v_reserve_met := l.reserve_price IS NULL OR v_max >= l.reserve_price;

  SELECT p.number INTO v_pseudo FROM auctions_lotpseudonym p WHERE p.lot_id = p_lot AND p.bidder_id = p_bidder;
  IF v_pseudo IS NULL THEN
    l.pseudonym_seq := l.pseudonym_seq + 1;
    v_pseudo := l.pseudonym_seq;
    INSERT INTO auctions_lotpseudonym (lot_id, bidder_id, number) VALUES (p_lot, p_bidder, v_pseudo);
  END IF;
  v_lpseudo := CASE WHEN v_leader = p_bidder THEN v_pseudo ELSE l.leader_pseudonym END;

  -- Soft close: a bid in the last minutes moves the end to now + N, up to the cap.
  SELECT make_interval(mins => a.soft_close_minutes), make_interval(mins => a.soft_close_cap_minutes)
    INTO v_soft, v_cap FROM auctions_auction a WHERE a.id = l.auction_id;
  v_ends := l.ends_at;
  IF l.ends_at - v_now < v_soft THEN
    v_ends := greatest(l.ends_at, least(v_now + v_soft, coalesce(l.original_ends_at, l.ends_at) + v_cap));
  END IF;

  v_seq := l.bid_count + 1;
  v_public := v_price IS DISTINCT FROM l.current_price OR v_leader IS DISTINCT FROM l.leader_id;
  UPDATE auctions_lot lot SET current_price = v_price, leader_id = v_leader, leader_max = v_max,
         leader_pseudonym = v_lpseudo, reserve_met = v_reserve_met, bid_count = v_seq, ends_at = v_ends,
         pseudonym_seq = l.pseudonym_seq, updated_at = v_now, version = l.version + 1
   WHERE lot.id = p_lot;
  INSERT INTO auctions_bid (lot_id, bidder_id, max_amount, placed_at, accepted, refusal, seq, price_after,
                            leader_after_id, leader_pseudonym, public)
  VALUES (p_lot, p_bidder, p_amount, v_now, true, '', v_seq, v_price, v_leader, v_lpseudo, v_public)
  RETURNING auctions_bid.id INTO v_bid;
  IF l.leader_id IS NOT NULL AND l.leader_id <> v_leader THEN
    INSERT INTO auctions_outbidnotice (lot_id, user_id, created_at, skipped, error)
    VALUES (p_lot, l.leader_id, v_now, false, '')
    ON CONFLICT (lot_id, user_id) WHERE sent_at IS NULL DO NOTHING;
    v_notice_new := FOUND;  -- false when one was already waiting to be sent
  END IF;

  RETURN QUERY SELECT NULL::text, v_min, v_price + auctions_increment_at(l.increment_table_id, v_price), v_bid,
    l.leader_id, v_public, v_now, v_notice_new,
    l.id, l.auction_id, l.number, l.title, l.category, l.status, l.currency, l.starting_price, l.reserve_price,
    l.increment_table_id, v_price, v_leader, v_max, v_lpseudo, v_seq, v_reserve_met, v_ends, l.original_ends_at,
    l.pseudonym_seq, l.version + 1;
END
$fn$;
"""

RECOUNT_PUBLIC = """
UPDATE auctions_lot lot SET bid_count = (
  SELECT count(*) FROM auctions_bid b WHERE b.lot_id = lot.id AND b.accepted AND b.public)
"""

RECOUNT_ALL = """
UPDATE auctions_lot lot SET bid_count = (
  SELECT count(*) FROM auctions_bid b WHERE b.lot_id = lot.id AND b.accepted)
"""


def forwards(apps, schema_editor):
    schema_editor.execute(PLACE_BID_SQL, params=None)
    schema_editor.execute(RECOUNT_PUBLIC, params=None)


def backwards(apps, schema_editor):
    schema_editor.execute(PREVIOUS_SQL, params=None)
    schema_editor.execute(RECOUNT_ALL, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("auctions", "0009_bidder_consent"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
