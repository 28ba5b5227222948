-- How the identity of whoever took the money was checked (issue 16): the method the payout's
-- event records (`IdCheck::method`), kept beside the payout so that the day report can count
-- payouts by method. NULL: the clerk did not say (and every payout recorded before this).
ALTER TABLE payouts ADD COLUMN id_check TEXT
    CHECK (id_check IS NULL OR id_check IN ('qr', 'qr_mismatch', 'manual', 'none'));
