-- Map updates by delta (docs/social-map-sync.md). Each listing remembers the map version in which
-- it last changed; retired listings stay as rows with status 'defunct' (tombstones), so a phone
-- that asks "what changed since version n" also learns which listings left.
ALTER TABLE services ADD COLUMN changed_version integer;
UPDATE services SET changed_version = (SELECT version FROM map_version);
ALTER TABLE services ALTER COLUMN changed_version SET NOT NULL;
CREATE INDEX services_changed_version ON services (changed_version);

-- Writers stamp their rows themselves (repository.ts: upsertServices), after taking the new version
-- first (bumpMapVersion, which locks the one map_version row until commit), so writers take turns.
-- A write that leaves the stamp out (an insert without it, an update that keeps the old one) is
-- stamped here with the current version, so no write path can forget it; the WHEN clauses keep
-- the function out of the stamped writers' way (an import of 10,000 listings).
CREATE FUNCTION services_stamp_map_version() RETURNS trigger AS $$
BEGIN
  NEW.changed_version := (SELECT version FROM map_version);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER services_stamp_insert BEFORE INSERT ON services
  FOR EACH ROW WHEN (NEW.changed_version IS NULL) EXECUTE FUNCTION services_stamp_map_version();
CREATE TRIGGER services_stamp_update BEFORE UPDATE ON services
  FOR EACH ROW WHEN (NEW.changed_version IS NOT DISTINCT FROM OLD.changed_version) EXECUTE FUNCTION services_stamp_map_version();

-- Every version the map has had, with its publication moment. A phone names the version it holds
-- together with that moment; a pair the server does not know (a version from before this table, or
-- from a history a restored backup replaced) gets the full document instead of a delta.
CREATE TABLE map_versions (
  version integer PRIMARY KEY,
  published_at timestamptz NOT NULL
);
INSERT INTO map_versions (version, published_at) SELECT version, published_at FROM map_version;
