-- An asset's value at seizure is its first approved appraisal: the earliest value date, then the first
-- recorded. The register keeps it on the asset's row (custody_asset.seizure_value and
-- seizure_value_currency) so that the public statistics read it with the asset instead of sorting every
-- appraisal on each request; only the database writes those columns:
-- * before any insert or update of an asset, they are recomputed from the appraisals (a save of a
--   Python object read earlier cannot put back an older value);
-- * after an appraisal is added, approved, changed or removed, its asset's row is touched, which
--   recomputes them.
CREATE OR REPLACE FUNCTION valuation_asset_value_at_seizure() RETURNS trigger AS $$
BEGIN
    SELECT a.amount, a.currency INTO NEW.seizure_value, NEW.seizure_value_currency
      FROM valuation_appraisal a
     WHERE a.asset_id = NEW.id AND a.status = 'approved'
     ORDER BY a.value_date, a.id
     LIMIT 1;
    IF NOT FOUND THEN
        NEW.seizure_value := NULL;
        NEW.seizure_value_currency := '';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS valuation_asset_value_at_seizure ON custody_asset;
CREATE TRIGGER valuation_asset_value_at_seizure BEFORE INSERT OR UPDATE ON custody_asset
    FOR EACH ROW EXECUTE FUNCTION valuation_asset_value_at_seizure();

CREATE OR REPLACE FUNCTION valuation_appraisal_touches_asset() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE custody_asset SET seizure_value = seizure_value WHERE id = OLD.asset_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.asset_id <> OLD.asset_id) THEN
        UPDATE custody_asset SET seizure_value = seizure_value WHERE id = NEW.asset_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS valuation_appraisal_touches_asset ON valuation_appraisal;
CREATE TRIGGER valuation_appraisal_touches_asset AFTER INSERT OR DELETE
    OR UPDATE OF status, amount, currency, value_date, asset_id ON valuation_appraisal FOR EACH ROW EXECUTE FUNCTION valuation_appraisal_touches_asset();
